"""What the commissioners' Hotspots page publishes: suppressed aggregates only.

Input is the cell table of ``places.agg_cells`` (incidents by ``ward_code``, ``quarter`` and
``place_kind``). Every figure leaving this module has been through
:class:`analytics.suppression.SuppressionPolicy`: ``0``, ``"*"`` (1 to threshold-1) or a
rounded count; rates per 1,000 children are computed from the *published* counts. Filter
choices (a range of quarters, one place kind or all, one ward or all) each select a box of
cells; ``tests/test_suppression.py`` proves no two choices reveal a hidden count by
subtraction.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import geopandas as gpd
import mapclassify
import pandas as pd

from analytics import places as place_stats
from analytics.suppression import SUPPRESSED, SuppressionPolicy, protect_table, rate_per_1000
from domain.errors import ValidationError

ALL = "all"


@dataclass(frozen=True)
class Selection:
    """A commissioner's filter choice: quarters (inclusive labels), a place kind or all, a ward
    or all."""

    quarters: Sequence[str]
    place_kind: str = ALL
    ward_code: str = ALL


def quarter_span(first: str, last: str) -> tuple[date, date]:
    """Dates [start, end) covering quarter labels ``first`` to ``last`` (``2025-Q2``)."""
    try:
        lo = pd.Period(first.replace("-", ""), freq="Q")
        hi = pd.Period(last.replace("-", ""), freq="Q")
    except ValueError:
        raise ValidationError(f"quarters look like 2025-Q2, not {first!r} / {last!r}") from None
    return lo.start_time.date(), (hi + 1).start_time.date()


def full_quarters(today: date, *, quarters: int = 8) -> tuple[date, date]:
    """Dates [start, end) of the last ``quarters`` whole quarters plus the quarter so far.

    A window that starts part-way through a quarter would show that quarter as a dip in
    every trend; starting on a quarter's first day keeps each quarter whole (the current one
    runs up to ``today``).
    """
    if quarters < 1:
        raise ValidationError("at least one quarter")
    current = pd.Period(today, freq="Q")
    start = (current - quarters).start_time.date()
    return start, today + timedelta(days=1)


def quarters_between(first: str, last: str) -> list[str]:
    """Every quarter label from ``first`` to ``last`` inclusive."""
    lo, hi = (pd.Period(q.replace("-", ""), freq="Q") for q in (first, last))
    return [str(p).replace("Q", "-Q") for p in pd.period_range(lo, hi, freq="Q")]


def select(cells: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """The cells inside a selection (true counts; publish them only through a policy)."""
    if not len(sel.quarters):
        raise ValidationError("choose at least one quarter")
    out = cells[cells["quarter"].isin(list(sel.quarters))]
    if sel.place_kind != ALL:
        out = out[out["place_kind"] == sel.place_kind]
    if sel.ward_code != ALL:
        out = out[out["ward_code"] == sel.ward_code]
    return out


def published_total(cells: pd.DataFrame, sel: Selection, policy: SuppressionPolicy) -> int | str:
    """The selection's incident count as published."""
    return policy.shown(int(select(cells, sel)["incidents"].sum()))


def ward_table(cells: pd.DataFrame, wards: pd.DataFrame, children: pd.DataFrame,
               sel: Selection, policy: SuppressionPolicy) -> pd.DataFrame:
    """Per ward: published incidents, children and the rate per 1,000 resident children.

    ``wards`` has ``ward_code``, ``name``, ``child_population``; ``children`` has
    ``ward_code``, ``children`` (distinct children for the period). The last row is the
    TOTAL (incidents only: a child linked in two wards counts in both, so children have no
    total); secondary suppression protects any column with one hidden cell.
    """
    chosen = select(cells, Selection(sel.quarters, sel.place_kind, ALL))
    counts = chosen.groupby("ward_code")["incidents"].sum()
    frame = wards[["ward_code", "name", "child_population"]].copy()
    frame["incidents"] = frame["ward_code"].map(counts).fillna(0).astype(int)
    frame["children"] = frame["ward_code"].map(
        children.set_index("ward_code")["children"]).fillna(0).astype(int)
    frame = frame.sort_values("name", ignore_index=True)
    table = protect_table(frame[["name", "child_population", "incidents", "children"]],
                          ["incidents", "children"], policy=policy)
    # a child linked in two wards counts in both, so a column total would overstate: none
    table.loc[table.index[-1], "children"] = ""
    table["ward_code"] = [*frame["ward_code"], ""]
    pops = [*frame["child_population"], int(frame["child_population"].sum())]
    table["child_population"] = pops
    table["rate_per_1000"] = [rate_per_1000(s, p) for s, p in zip(table["incidents"], pops,
                                                                   strict=True)]
    return table


def quarter_trend(cells: pd.DataFrame, sel: Selection, policy: SuppressionPolicy,
                  *, all_quarters: Sequence[str]) -> pd.DataFrame:
    """Published incidents per quarter for the selection's kind and ward.

    ``incidents`` holds the published value; ``plotted`` is the number to draw (None where
    hidden, so a chart shows a gap instead of a guess).
    """
    quarters = [q for q in all_quarters if q in set(sel.quarters)]
    rows = []
    for q in quarters:
        shown = published_total(cells, Selection([q], sel.place_kind, sel.ward_code), policy)
        rows.append({"quarter": q, "incidents": shown,
                     "plotted": None if shown == SUPPRESSED else int(shown)})
    return pd.DataFrame(rows, columns=["quarter", "incidents", "plotted"])


@dataclass(frozen=True)
class RateClasses:
    """Quantile classes of published rates, for a choropleth.

    Attributes
    ----------
    classes
        One entry per rate given: 0 for the lowest class up to ``k - 1`` for the highest, or
        None where the rate is hidden (suppressed, or a ward with no child population).
    edges
        The upper bound of each class, lowest first (mapclassify's ``bins``; the last is the
        highest rate). Fewer than ``k`` when too few distinct rates were published.
    """

    classes: list[int | None]
    edges: list[float]


def rate_classes(rates: Sequence[float | None] | pd.Series, *, k: int = 5) -> RateClasses:
    """Quantile classes (fifths by default) of the rates that are shown, by
    ``mapclassify.Quantiles``: a rate is in the first class whose upper bound it does not
    exceed."""
    values = pd.to_numeric(pd.Series(list(rates), dtype=object), errors="coerce")
    known = values.dropna()
    if known.empty:
        return RateClasses([None] * len(values), [])
    with warnings.catch_warnings():
        # fewer distinct rates than classes: mapclassify makes fewer classes and says so
        warnings.simplefilter("ignore", UserWarning)
        quantiles = mapclassify.Quantiles(known.to_numpy(dtype=float), k=k)
    found = dict(zip(known.index, quantiles.yb.tolist(), strict=True))
    return RateClasses([found.get(i) for i in values.index],
                       [float(b) for b in quantiles.bins])


def kind_table(cells: pd.DataFrame, sel: Selection, policy: SuppressionPolicy) -> pd.DataFrame:
    """Published incidents by place kind (most first), with a protected TOTAL row."""
    chosen = select(cells, Selection(sel.quarters, ALL, sel.ward_code))
    counts = (chosen.groupby("place_kind")["incidents"].sum().sort_values(ascending=False)
              .rename_axis("place_kind").reset_index())
    return protect_table(counts, ["incidents"], policy=policy)


@dataclass(frozen=True)
class WardSpots:
    """Significance of the ward rates: the result and a readable summary.

    Attributes
    ----------
    spots
        ``ward_code``, ``hotspot`` (hot/cold/ns, Getis-Ord Gi*) and ``lisa`` (HH/LL/HL/LH/ns).
        Only categories: no counts, so nothing here can be subtracted.
    summary
        One sentence on global clustering (Moran's I and its permutation p-value).
    """

    spots: pd.DataFrame
    summary: str


def ward_spots(cells: pd.DataFrame, wards: gpd.GeoDataFrame, sel: Selection, *,
               seed: int = 0, permutations: int = 999) -> WardSpots:
    """Gi* and LISA on incidents per 1,000 children by ward, for the selection's kind.

    Computed on the true rates (significance needs them) but only categories are returned.
    """
    chosen = select(cells, Selection(sel.quarters, sel.place_kind, ALL))
    counts = chosen.groupby("ward_code")["incidents"].sum()
    frame = wards.copy()
    pop = frame["child_population"].astype(float).where(frame["child_population"] > 0)
    frame["rate"] = (1000.0 * frame["ward_code"].map(counts).fillna(0) / pop).fillna(0.0)
    try:
        res = place_stats.hotspot_statistics(frame, "rate", id_column="ward_code",
                                             permutations=permutations, seed=seed)
    except ValidationError as exc:
        empty = pd.DataFrame({"ward_code": frame["ward_code"], "hotspot": "ns", "lisa": "ns"})
        return WardSpots(empty, f"Significance not computed: {exc}")
    spots = res.areas.rename(columns={"id": "ward_code"})[["ward_code", "hotspot", "lisa"]]
    clustered = "clustered" if res.moran_p < 0.05 and res.moran_i > res.moran_expected else (
        "not clearly clustered")
    summary = (f"Rates are {clustered} across wards (Moran's I {res.moran_i:.2f}, "
               f"permutation p = {res.moran_p:.3f}); {int((spots['hotspot'] == 'hot').sum())} "
               f"hot and {int((spots['hotspot'] == 'cold').sum())} cold spot wards at p < 0.05.")
    return WardSpots(spots, summary)
