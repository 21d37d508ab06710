"""Places and spaces: repeat locations, when harm happens, density and hot spots.

Pure functions over DataFrames / GeoDataFrames; nothing here reads the store or draws. Counts
per place, ward and month (incidents and distinct children) are computed once, in SQL, by the
``places.*`` queries (:mod:`data.queries.places`); the functions here shape what they return.

*Events* (for :func:`repeat_locations`) are one row per incident (or per incident and child
when a child is linked), with columns ``incident_id``, ``occurred_at``, the key being counted
(``place_id``...) and optionally ``child_id`` (NA when no child is linked).

Significance uses esda/libpysal: contiguity weights (queen by default) between areas,
row-standardised; global Moran's I, local Moran (LISA) and Getis-Ord Gi* with a seeded
permutation test (conditional randomisation). Kernel density is for *looking* only: it has no
significance and is never used to rank places.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.weights import Queen, Rook, W
from scipy.spatial import cKDTree

from domain.errors import ValidationError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# esda's LISA cluster labels (``Moran_Local.get_cluster_labels``) as the short codes CSMap
# shows and the CLI prints: HH/LL clusters, HL/LH outliers, ns not significant.
LISA_CODES = {"High-High": "HH", "Low-Low": "LL", "High-Low": "HL", "Low-High": "LH",
              "Insignificant": "ns"}
Contiguity = Literal["queen", "rook"]


# -- counting ------------------------------------------------------------------------------
def _need(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(f"{what} needs column(s) {', '.join(missing)}")


def _distinct_children(events: pd.DataFrame, key: str) -> pd.DataFrame:
    """Distinct ``child_id`` per ``key`` over the whole period (0 where none is linked)."""
    if "child_id" not in events.columns:
        return pd.DataFrame({key: events[key].dropna().unique(), "children": 0})
    return events.groupby(key)["child_id"].nunique().rename("children").reset_index()


def repeat_locations(events: pd.DataFrame, *, key: str = "place_id", min_incidents: int = 2,
                     within_days: int = 365) -> pd.DataFrame:
    """Places with ``min_incidents`` or more incidents inside any ``within_days`` window.

    The police "repeat location" idea: harm that recurs at the same place is a reason to act
    on the place. Returns ``key``, ``incidents`` (most in one window), ``window_start``,
    ``children`` (distinct, whole period), sorted most first.
    """
    _need(events, ["incident_id", "occurred_at", key], "repeat_locations")
    if min_incidents < 2:
        raise ValidationError("a repeat location needs min_incidents of 2 or more")
    inc = events.drop_duplicates("incident_id")[["incident_id", "occurred_at", key]].dropna()
    empty = pd.DataFrame({key: pd.Series(dtype=object), "incidents": pd.Series(dtype=int),
                          "window_start": pd.Series(dtype="datetime64[ns]"),
                          "children": pd.Series(dtype=int)})
    if inc.empty:
        return empty
    # one sorted array of (place, time): a window that starts at an incident ends at the
    # first later incident of the same place more than ``within_days`` on; placing each
    # place's times in its own band (wider than any window) keeps windows inside a place
    codes, keys = pd.factorize(inc[key], sort=True)
    secs = pd.to_datetime(inc["occurred_at"]).to_numpy(dtype="datetime64[s]").astype(np.int64)
    secs = secs - secs.min()  # seconds, so that bands x places stay far inside int64
    span = int(within_days) * 86_400
    band = int(secs.max()) + span + 1
    order = np.lexsort((secs, codes))
    stamp = codes[order].astype(np.int64) * band + secs[order]
    sizes = np.searchsorted(stamp, stamp + span, side="right") - np.arange(len(stamp))
    frame = pd.DataFrame({"code": codes[order], "size": sizes,
                          "start": pd.to_datetime(inc["occurred_at"]).to_numpy()[order]})
    best = frame.loc[frame.groupby("code", sort=False)["size"].idxmax()]
    best = best[best["size"] >= min_incidents]
    out = pd.DataFrame({key: keys[best["code"].to_numpy()],
                        "incidents": best["size"].to_numpy(dtype=int),
                        "window_start": best["start"].to_numpy()})
    out = out.merge(_distinct_children(events, key), on=key, how="left")
    return out.sort_values(["incidents", "children", key], ascending=[False, False, True],
                           ignore_index=True)


@dataclass(frozen=True)
class TimeProfile:
    """When incidents happen at a place: a day-of-week by hour-of-day table.

    Attributes
    ----------
    table
        7 rows (Mon..Sun) x 24 columns (hour 0..23) of incident counts.
    peak_day, peak_hour
        The busiest weekday name and hour (None when there are no incidents).
    incidents
        Incidents counted.
    """

    table: pd.DataFrame
    peak_day: str | None
    peak_hour: int | None
    incidents: int

    def describe(self) -> str:
        """One sentence for a location assessment."""
        if not self.incidents:
            return "No incidents recorded in this period."
        evening = int(self.table.loc[:, 18:23].to_numpy().sum()) + int(
            self.table.loc[:, 0:1].to_numpy().sum())
        share = 100.0 * evening / self.incidents
        return (f"{self.incidents} incidents; busiest on {self.peak_day}s around "
                f"{self.peak_hour:02d}:00; {share:.0f}% between 18:00 and 02:00.")


def time_profile_from_counts(counts: pd.DataFrame) -> TimeProfile:
    """The time profile from counted rows ``dow`` (0 = Monday), ``hour``, ``incidents`` (the
    ``places.profile_when`` query)."""
    _need(counts, ["dow", "hour", "incidents"], "time_profile_from_counts")
    table = (counts.pivot_table(index="dow", columns="hour", values="incidents", aggfunc="sum")
             .reindex(index=range(7), columns=range(24)).fillna(0).astype(int))
    table.index = pd.Index(list(WEEKDAYS), name="day")
    table.columns = pd.Index(list(range(24)), name="hour")
    total = int(table.to_numpy().sum())
    if total == 0:
        return TimeProfile(table, None, None, 0)
    day = WEEKDAYS[int(np.argmax(table.sum(axis=1).to_numpy()))]
    hour = int(np.argmax(table.sum(axis=0).to_numpy()))
    return TimeProfile(table, day, hour, total)


def fill_months(frame: pd.DataFrame) -> pd.DataFrame:
    """Monthly rows (``month`` + counts) with empty months added as zeros."""
    if frame.empty:
        return frame
    out = frame.assign(month=pd.to_datetime(frame["month"]))
    full = pd.DataFrame({"month": pd.date_range(out["month"].min(), out["month"].max(),
                                                freq="MS")})
    out = full.merge(out, on="month", how="left").fillna(0)
    cols = [c for c in out.columns if c != "month"]
    out[cols] = out[cols].astype(int)
    return out


# -- kernel density (display only) ---------------------------------------------------------
WEB_MERCATOR = "EPSG:3857"


@dataclass(frozen=True)
class KernelDensity:
    """A quartic-kernel density surface on a regular grid, for drawing a heat layer.

    The grid is square in Web Mercator, the projection web maps are drawn in, so it lies on
    the map as one image without warping.

    Attributes
    ----------
    grid
        Weighted incidents per km² of ground, shape (rows, columns), the northern row first.
    bounds
        (south, west, north, east) in degrees: the outer edges of the grid.
    bandwidth_m, cell_m
        Kernel radius and cell side in metres on the ground (at the grid's mean latitude).
    """

    grid: np.ndarray
    bounds: tuple[float, float, float, float]
    bandwidth_m: float
    cell_m: float

    @property
    def empty(self) -> bool:
        """True when there was nothing to map."""
        return self.grid.size == 0 or not np.any(self.grid > 0)

    def levels(self, *, cut: float = 0.02) -> np.ndarray:
        """0-1 per cell: the square root of density / peak (one very busy place does not wash
        out the rest); NaN below ``cut`` x peak, so faint cells are left clear."""
        top = float(self.grid.max()) if self.grid.size else 0.0
        if top <= 0:
            return np.full(self.grid.shape, np.nan)
        out = np.sqrt(self.grid / top)
        out[self.grid < cut * top] = np.nan
        return out


def kernel_density(points: pd.DataFrame, *, weight: str | None = None,
                   bandwidth_m: float = 600.0, cell_m: float = 200.0,
                   max_cells: int = 20_000) -> KernelDensity:
    """Quartic (biweight) kernel density of ``lon``/``lat`` points, for looking only.

    The kernel K(d) = 3/(pi h^2) (1 - d^2/h^2)^2 for d < h integrates to 1, so the surface is
    in (weighted) incidents per unit area. Distances are Web Mercator metres scaled by the
    cosine of the mean latitude (within 0.5% of ground metres across a county). When the
    grid would exceed ``max_cells`` the cells are enlarged.
    """
    _need(points, ["lon", "lat"], "kernel_density")
    if bandwidth_m <= 0 or cell_m <= 0:
        raise ValidationError("bandwidth and cell size must be positive (metres)")
    pts = points.dropna(subset=["lon", "lat"])
    if pts.empty:
        return KernelDensity(np.zeros((0, 0)), (0.0, 0.0, 0.0, 0.0), bandwidth_m, cell_m)
    wts = (pts[weight].astype(float).to_numpy() if weight else np.ones(len(pts)))
    geo = gpd.GeoSeries(gpd.points_from_xy(pts["lon"], pts["lat"]), crs="EPSG:4326")
    merc = geo.to_crs(WEB_MERCATOR)
    xy = np.column_stack([merc.x.to_numpy(), merc.y.to_numpy()])
    scale = 1.0 / math.cos(math.radians(float(pts["lat"].mean())))  # Mercator stretch
    h = bandwidth_m * scale
    x0, y0 = xy.min(axis=0) - h
    x1, y1 = xy.max(axis=0) + h
    cell = float(cell_m) * scale
    while math.ceil((x1 - x0) / cell) * math.ceil((y1 - y0) / cell) > max_cells:
        cell *= 1.5
    nx, ny = math.ceil((x1 - x0) / cell), math.ceil((y1 - y0) / cell)
    cx = x0 + (np.arange(nx) + 0.5) * cell
    cy = y1 - (np.arange(ny) + 0.5) * cell  # northern row first, as an image is drawn
    gx, gy = np.meshgrid(cx, cy)
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    h2 = h**2
    # every (point, cell centre) pair closer than the bandwidth, zero distances included
    pairs = cKDTree(xy).sparse_distance_matrix(cKDTree(centres), h, output_type="ndarray")
    kernel = wts[pairs["i"]] * 3.0 / (math.pi * h2) * (1.0 - pairs["v"] ** 2 / h2) ** 2
    dens = np.bincount(pairs["j"], weights=kernel, minlength=len(centres)).astype(float)
    dens = dens * (scale**2 * 1e6)  # per Mercator m² -> per ground km²
    corners = gpd.GeoSeries(gpd.points_from_xy([x0, x0 + nx * cell], [y1 - ny * cell, y1]),
                            crs=WEB_MERCATOR).to_crs("EPSG:4326")
    bounds = (float(corners.y.iloc[0]), float(corners.x.iloc[0]), float(corners.y.iloc[1]),
              float(corners.x.iloc[1]))
    return KernelDensity(dens.reshape(ny, nx), bounds, bandwidth_m, cell / scale)


# -- spatial statistics --------------------------------------------------------------------
def contiguity_weights(areas: gpd.GeoDataFrame, *, contiguity: Contiguity = "queen") -> W:
    """Binary contiguity weights between polygons (queen: a shared corner is enough).

    Raises a ValidationError naming the areas when there are no polygons or when some area
    has no neighbour (an island), because local statistics are undefined for it.
    """
    if not isinstance(areas, gpd.GeoDataFrame) or areas.geometry is None or areas.empty:
        raise ValidationError("no areas: the file has no features")
    missing = [i for i, g in enumerate(areas.geometry) if g is None or g.is_empty]
    if missing:
        raise ValidationError(
            f"{len(missing)} area(s) have no geometry (null or empty): rows "
            f"{', '.join(map(str, missing[:10]))} (counting from 0). Give each a polygon, or "
            "remove them from the file.")
    kinds = set(areas.geometry.geom_type.dropna())
    if not kinds or not kinds <= {"Polygon", "MultiPolygon"}:
        raise ValidationError(
            "hotspot statistics need polygons (areas such as wards); found "
            + (", ".join(sorted(kinds)) or "no geometry"))
    if len(areas) < 3:
        raise ValidationError(f"need at least 3 areas for spatial statistics, got {len(areas)}")
    builder = {"queen": Queen, "rook": Rook}.get(contiguity)
    if builder is None:
        raise ValidationError(f"unknown contiguity {contiguity!r}: use queen or rook")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = builder.from_dataframe(areas.reset_index(drop=True), use_index=False)
    if w.islands:
        raise ValidationError(
            f"{len(w.islands)} area(s) touch no other area ({contiguity} contiguity), so they "
            f"have no neighbours: rows {', '.join(map(str, w.islands[:10]))}. Remove them or "
            "merge them with a neighbour.")
    w.transform = "B"
    return w


@dataclass(frozen=True)
class HotspotResult:
    """Global and local spatial autocorrelation of one value over areas.

    Attributes
    ----------
    moran_i
        Global Moran's I (row-standardised weights): above its expectation -1/(n-1), similar
        values cluster; below, neighbours differ.
    moran_p
        Pseudo p-value of I from the seeded permutation test ((extreme + 1) / (perms + 1)).
    moran_p_norm
        Two-sided p-value of I under the normality assumption (for comparison with texts).
    moran_expected
        E[I] = -1/(n-1).
    areas
        One row per area: ``id``, ``value``, ``gi_z`` (Getis-Ord Gi* z-score; positive = high
        values around here), ``gi_p`` (its permutation pseudo p-value), ``hotspot``
        (``hot``/``cold``/``ns``), ``lisa_i`` (local Moran), ``lisa_p`` and ``lisa``
        (``HH``/``LL`` clusters, ``HL``/``LH`` outliers, ``ns`` not significant).
    alpha, permutations, seed, contiguity
        The settings used; the same seed gives the same p-values.
    """

    moran_i: float
    moran_p: float
    moran_p_norm: float
    moran_expected: float
    areas: pd.DataFrame
    alpha: float
    permutations: int
    seed: int
    contiguity: str = "queen"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape: moran_i, moran_p and areas with id, value, gi_z, gi_p, lisa."""
        return {
            "moran_i": float(self.moran_i),
            "moran_p": float(self.moran_p),
            "areas": [
                {"id": _plain(r["id"]), "value": float(r["value"]), "gi_z": float(r["gi_z"]),
                 "gi_p": float(r["gi_p"]), "lisa": str(r["lisa"])}
                for r in self.areas.to_dict("records")
            ],
        }

    def significant(self) -> pd.DataFrame:
        """Areas that are a significant hot or cold spot (Gi*) or LISA cluster/outlier."""
        return self.areas[(self.areas["hotspot"] != "ns") | (self.areas["lisa"] != "ns")]


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Esda's global Moran draws from numpy's global generator: seed it, then restore it."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def local_statistics(ids: Sequence[Any], values: Sequence[float] | np.ndarray, w: W, *,
                     permutations: int = 999, seed: int = 0, alpha: float = 0.05,
                     contiguity: str = "given") -> HotspotResult:
    """Moran's I, local Moran and Gi* for ``values`` over binary weights ``w``.

    ``w`` is used row-standardised for Moran and LISA; Gi* includes each area in its own
    neighbourhood (self-weight 1) and is then row-standardised. Permutation tests are
    seeded by ``seed``.
    """
    y = np.asarray(values, dtype=float)
    if len(ids) != len(y) or w.n != len(y):
        raise ValidationError("ids, values and weights must describe the same areas")
    if not np.isfinite(y).all():
        bad = [str(ids[i]) for i in np.flatnonzero(~np.isfinite(y))[:10]]
        raise ValidationError(f"values must be numbers; missing or not a number for: "
                              f"{', '.join(bad)}")
    if np.allclose(y, y[0]):
        raise ValidationError("every area has the same value, so there is no pattern to test")
    if not 99 <= permutations <= 99_999:
        raise ValidationError(f"permutations must be between 99 and 99999, got {permutations}")
    if not 0 < alpha < 1:
        raise ValidationError(f"alpha must be between 0 and 1, got {alpha}")
    wb = W(dict(w.neighbors), id_order=list(w.id_order), silence_warnings=True)
    wb.transform = "B"
    wr = W(dict(w.neighbors), id_order=list(w.id_order), silence_warnings=True)
    wr.transform = "R"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with _seeded(seed):
            moran = esda.Moran(y, wr, transformation="r", permutations=permutations)
        lisa = esda.Moran_Local(y, wr, transformation="r", permutations=permutations,
                                seed=seed)
        gi = esda.G_Local(y, wb, transform="R", star=True, permutations=permutations,
                          seed=seed)
    gi_sig = gi.p_sim < alpha
    areas = pd.DataFrame({
        "id": list(ids),
        "value": y,
        "gi_z": np.asarray(gi.Zs, dtype=float),
        "gi_p": np.asarray(gi.p_sim, dtype=float).round(6),  # esda keeps these as float32
        "hotspot": np.where(gi_sig & (gi.Zs > 0), "hot", np.where(gi_sig & (gi.Zs < 0),
                                                                  "cold", "ns")),
        "lisa_i": np.asarray(lisa.Is, dtype=float),
        "lisa_p": np.asarray(lisa.p_sim, dtype=float).round(6),
        "lisa": [LISA_CODES[label] for label in lisa.get_cluster_labels(alpha)],
    })
    return HotspotResult(
        moran_i=float(moran.I), moran_p=round(float(moran.p_sim), 6),
        moran_p_norm=float(moran.p_norm),
        moran_expected=float(moran.EI), areas=areas, alpha=alpha, permutations=permutations,
        seed=seed, contiguity=contiguity,
    )


def hotspot_statistics(areas: gpd.GeoDataFrame, value: str, *, id_column: str | None = None,
                       permutations: int = 999, seed: int = 0, alpha: float = 0.05,
                       contiguity: Contiguity = "queen") -> HotspotResult:
    """Hot and cold spots of column ``value`` over polygon ``areas``.

    Queen (or rook) contiguity, row-standardised; see :func:`local_statistics`. ``id_column``
    names the areas in the result (default: the row position).
    """
    if value not in areas.columns:
        raise ValidationError(f"no column {value!r}; the columns are: "
                              f"{', '.join(c for c in areas.columns if c != 'geometry')}")
    if id_column is not None and id_column not in areas.columns:
        raise ValidationError(f"no id column {id_column!r}; the columns are: "
                              f"{', '.join(c for c in areas.columns if c != 'geometry')}")
    raw = areas[value]
    numeric = pd.to_numeric(raw, errors="coerce")
    if numeric.isna().any():
        bad = raw[numeric.isna()].head(3).tolist()
        raise ValidationError(f"column {value!r} must be numeric; {int(numeric.isna().sum())} "
                              f"value(s) are missing or not numbers, e.g. {bad}")
    if id_column is not None and areas[id_column].duplicated().any():
        dup = areas.loc[areas[id_column].duplicated(), id_column].head(3).tolist()
        raise ValidationError(f"id column {id_column!r} has duplicates, e.g. {dup}")
    w = contiguity_weights(areas, contiguity=contiguity)
    ids = (areas[id_column].tolist() if id_column is not None else list(range(len(areas))))
    return local_statistics(ids, numeric.to_numpy(dtype=float), w, permutations=permutations,
                            seed=seed, alpha=alpha, contiguity=contiguity)
