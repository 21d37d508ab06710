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
    """Per ward: published incidents, children and the rates per 1,000 resident children
    (``rate_per_1000`` of incidents, ``children_per_1000`` of children linked).

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
    table["children_per_1000"] = [rate_per_1000(s, p) if s != "" else None
                                  for s, p in zip(table["children"], pops, strict=True)]
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
               seed: int = 0, permutations: int = 999,
               children: pd.DataFrame | None = None) -> WardSpots:
    """Gi* and LISA on incidents per 1,000 children by ward, for the selection's kind (or,
    with ``children`` (``ward_code``, ``children``), on children linked per 1,000).

    Computed on the true rates (significance needs them) but only categories are returned.
    """
    if children is not None:
        counts = children.set_index("ward_code")["children"]
    else:
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


# -- plain words for a ward's rate and its neighbourhood ------------------------------------

FIFTHS = ("lowest fifth", "second fifth", "middle fifth", "fourth fifth", "highest fifth")

NEIGHBOURHOOD = {
    "hot": "hot spot (high with the wards around it)",
    "cold": "cold spot (low with the wards around it)",
    "ns": "no clear cluster",
}
"""Getis-Ord Gi* categories in plain words: Gi* describes a ward *with its neighbours*."""

LOCAL_MORAN = {
    "HH": "high, among high neighbours",
    "LL": "low, among low neighbours",
    "HL": "high, while its neighbours are low (stands out)",
    "LH": "low, while its neighbours are high (stands out)",
    "ns": "no clear pattern with its neighbours",
}
"""Local Moran (LISA) categories in plain words."""


def rate_band(rate_class: int | None, classes: int = 5) -> str:
    """The fifth (quintile class) a ward's own published rate falls in, in words."""
    if rate_class is None:
        return "hidden (small numbers)"
    if classes != len(FIFTHS):
        return f"class {rate_class + 1} of {classes}"
    return FIFTHS[rate_class]


def spot_note(rate_class: int | None, hotspot: str) -> str:
    """A warning when the neighbourhood's category and the ward's own rate point opposite
    ways (a high-rate ward in a cold spot, a low-rate ward in a hot spot); '' otherwise."""
    if rate_class is None:
        return ""
    if hotspot == "cold" and rate_class >= 3:
        return ("Its own rate is high: 'cold' describes the wards around it, not this ward. "
                "Look at the ward itself before reading the cluster.")
    if hotspot == "hot" and rate_class <= 1:
        return ("Its own rate is low: 'hot' describes the wards around it, not this ward.")
    return ""


def describe_wards(body: pd.DataFrame, rate_column: str = "rate_per_1000") -> pd.DataFrame:
    """For each ward row (published rate, ``hotspot``, ``lisa``): ``rate_band`` (its own rate
    in words), ``neighbourhood`` (Gi* in words), ``pattern`` (local Moran in words) and
    ``note`` (see :func:`spot_note`). Only words from published rates and categories."""
    classes = rate_classes(body[rate_column]).classes
    spots = body["hotspot"].fillna("ns").tolist()
    lisa = body["lisa"].fillna("ns").tolist()
    return pd.DataFrame({
        "rate_band": [rate_band(c) for c in classes],
        "neighbourhood": [NEIGHBOURHOOD.get(h, NEIGHBOURHOOD["ns"]) for h in spots],
        "pattern": [LOCAL_MORAN.get(x, LOCAL_MORAN["ns"]) for x in lisa],
        "note": [spot_note(c, h) for c, h in zip(classes, spots, strict=True)],
    }, index=body.index)


# -- outreach: evenings, weekends, children ---------------------------------------------------

OUTREACH_COUNTS = ("incidents", "evening_incidents", "weekend_incidents", "children",
                   "out_of_hours_children")
"""The counts of the ``places.agg_ward_outreach`` query, as published by :func:`outreach_table`.
Evening is 18:00-01:59, weekend Saturday and Sunday; out of hours is either."""


def outreach_table(rows: pd.DataFrame, wards: pd.DataFrame,
                   policy: SuppressionPolicy) -> pd.DataFrame:
    """Per ward: published incidents (all, evening, weekend), children linked and children
    linked out of hours, and children per 1,000 resident children (both), for where to place
    detached youth work.

    ``rows`` as the ``places.agg_ward_outreach`` query returns them (one row per ward with
    incidents); ``wards`` has ``ward_code``, ``name``, ``child_population``. Every count goes
    through ``policy`` with secondary suppression; rates use the published counts. The last
    row is the TOTAL (children have none: a child linked in two wards counts in both).
    """
    frame = wards[["ward_code", "name", "child_population"]].copy()
    found = rows.set_index("ward_code") if not rows.empty else None
    for col in OUTREACH_COUNTS:
        frame[col] = (frame["ward_code"].map(found[col]).fillna(0).astype(int)
                      if found is not None else 0)
    frame = frame.sort_values("name", ignore_index=True)
    table = protect_table(frame[["name", "child_population", *OUTREACH_COUNTS]],
                          list(OUTREACH_COUNTS), policy=policy)
    last = table.index[-1]
    table.loc[last, "children"] = ""
    table.loc[last, "out_of_hours_children"] = ""
    pops = [*frame["child_population"], int(frame["child_population"].sum())]
    table["child_population"] = pops
    table["ward_code"] = [*frame["ward_code"], ""]
    table["children_per_1000"] = [rate_per_1000(s, p) if s != "" else None
                                  for s, p in zip(table["children"], pops, strict=True)]
    table["out_of_hours_per_1000"] = [
        rate_per_1000(s, p) if s != "" else None
        for s, p in zip(table["out_of_hours_children"], pops, strict=True)]
    return table


# -- coverage: when each agency's data starts -------------------------------------------------

@dataclass(frozen=True)
class Coverage:
    """How much of each quarter the data covers, so a start-up ramp is not read as a trend.

    Attributes
    ----------
    quarters
        ``quarter``, ``coverage`` (share, 0-1, of agency-days in the quarter from each
        agency's first record to the data's as-of date), ``agencies`` (reporting in it),
        ``partial`` (coverage below ``complete``).
    summary
        One sentence: when the data starts and which quarters are partial.
    """

    quarters: pd.DataFrame
    summary: str


def coverage(quarters: Sequence[str], spans: pd.DataFrame, as_of: date, *,
             complete: float = 0.95) -> Coverage:
    """Coverage of each quarter by the agencies' data.

    ``spans`` has one row per agency: ``agency`` (a name) and ``first`` (the date of its
    first record; the ``places.agg_coverage`` query). An agency covers a quarter from its
    first record (or the quarter's start) to the quarter's end or ``as_of``, whichever is
    earlier.
    """
    firsts = [pd.Timestamp(f).date() for f in spans["first"]] if not spans.empty else []
    rows = []
    for q in quarters:
        start, end = quarter_span(q, q)
        stop = min(end, as_of + timedelta(days=1))
        days = (end - start).days
        covered = [max(0, (stop - max(start, f)).days) for f in firsts]
        share = sum(covered) / (days * len(firsts)) if firsts else 0.0
        rows.append({"quarter": q, "coverage": round(share, 3),
                     "agencies": sum(1 for c in covered if c > 0),
                     "partial": share < complete})
    table = pd.DataFrame(rows, columns=["quarter", "coverage", "agencies", "partial"])
    partial = [str(r["quarter"]) for r in rows if r["partial"]]
    begins = min(firsts).isoformat() if firsts else "no data"
    late = [f"{a} from {pd.Timestamp(f).date().isoformat()}" for a, f in
            zip(spans.get("agency", []), spans.get("first", []), strict=True)
            if firsts and pd.Timestamp(f).date() > min(firsts) + timedelta(days=7)]
    summary = (f"Data starts {begins}" + (f" ({'; '.join(late)})" if late else "") + ". "
               + (f"Partial quarters (less than {complete:.0%} covered): {', '.join(partial)}: "
                  "a rise after them may be the data starting, not more harm."
                  if partial else "Every quarter shown is fully covered."))
    return Coverage(table, summary)
