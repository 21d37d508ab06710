"""The commissioners' tables: the ward table (own rate and neighbourhood apart, in words), the
quarterly trend with data coverage, place kinds (all suppressed aggregates), and the ward
table's CSV download."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics import commissioning as comm
from analytics.suppression import SuppressionPolicy
from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from domain.errors import ValidationError

AGG_ROW_LIMIT = 1_000_000  # aggregate rows are small; the cap must never cut a count


def cells(store: Store, viewer: Viewer, today: date) -> pd.DataFrame:
    """Incidents by ward, quarter and place kind for the last eight whole quarters and this
    one; stops the page (with a message) when there are none, and refuses to publish a table
    the row cap would cut (undercounts)."""
    window_start, window_end = comm.full_quarters(today)
    res = store.run("places.agg_cells", viewer, {"start": window_start, "end": window_end},
                    limit=AGG_ROW_LIMIT)
    if res.truncated:
        raise ValidationError(
            f"The aggregate table has more than {AGG_ROW_LIMIT:,} rows (wards x quarters x "
            "place kinds); the figures cannot be shown whole. Ask an administrator to check "
            "the data.")
    if res.frame.empty:
        st.info("No incidents recorded in the last two years.")
        st.stop()
    return res.frame


def trend_and_kinds(cells: pd.DataFrame, sel: comm.Selection, policy: SuppressionPolicy,
                    quarters: list[str], cover: comm.Coverage) -> None:
    """The trend by quarter with how much of each quarter the data covers, and the incidents
    by place kind, suppressed."""
    st.markdown("**Trend by quarter**")
    trend = comm.quarter_trend(cells, sel, policy, all_quarters=quarters).merge(
        cover.quarters, on="quarter", how="left")
    full = trend["partial"] != True  # noqa: E712  (NaN: no coverage row, shown as full)
    chart = pd.DataFrame({
        "quarter": trend["quarter"],
        "Fully covered quarters": trend["plotted"].where(full),
        "Partly covered (data starting, or quarter not over)": trend["plotted"].where(~full)})
    st.bar_chart(chart.set_index("quarter"), height=240, stack=False)
    st.caption(f"{cover.summary} Gaps are quarters with fewer than {policy.threshold} "
               "incidents.")
    st.dataframe(trend.assign(coverage=(100 * trend["coverage"]).round(0),
                              incidents=trend["incidents"].astype(str))[
        ["quarter", "incidents", "coverage", "agencies", "partial"]],
        hide_index=True, width="stretch",
        column_config={"quarter": "Quarter", "incidents": "Incidents",
                       "coverage": st.column_config.NumberColumn(
                           "Data coverage %", help="Share of the quarter's days each agency's "
                           "records cover (from its first record; up to today)."),
                       "agencies": "Agencies reporting", "partial": "Partial"})
    st.markdown("**Place kinds**")
    kt = comm.kind_table(cells, sel, policy)
    st.dataframe(kt.assign(place_kind=kt["place_kind"].map(
        lambda k: "Total" if k == "TOTAL" else vocabulary.label(k)),
        incidents=kt["incidents"].astype(str)), hide_index=True, width="stretch",
        column_config={"place_kind": "Place kind", "incidents": "Incidents"})


WARD_COLUMNS = {"name": "Ward", "child_population": "Children living there",
                "incidents": "Incidents", "children": "Children linked",
                "rate_per_1000": "Incidents per 1,000", "children_per_1000":
                "Children linked per 1,000", "rate_band": "Own rate (fifth)",
                "neighbourhood": "Neighbourhood (Gi*)", "pattern": "Local Moran",
                "note": "Note"}


def ward_rows(table: pd.DataFrame, spots: pd.DataFrame, rate: str) -> pd.DataFrame:
    """The ward table as shown and downloaded: counts as published, rates, the ward's own rate
    band and its neighbourhood in words, and a note where the two point opposite ways."""
    out = table.merge(spots, on="ward_code", how="left").fillna({"hotspot": "ns", "lisa": "ns"})
    words = comm.describe_wards(out, rate)
    total = out["name"] == "TOTAL"
    out = out.assign(**{c: words[c].where(~total, "") for c in words.columns})
    return out[list(WARD_COLUMNS)].astype({"incidents": str, "children": str})


def wards_table(rows: pd.DataFrame, q_from: str, q_to: str) -> None:
    """The ward table (see :func:`ward_rows`) with its download."""
    st.markdown("**Wards** (children linked: distinct children in incidents in the period; "
                "a child linked in two wards counts in both, so there is no total)")
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={k: st.column_config.Column(v, width="medium" if k in (
                     "neighbourhood", "note") else None) for k, v in WARD_COLUMNS.items()})
    st.download_button("Download this table (CSV)",
                        rows.rename(columns=WARD_COLUMNS).to_csv(index=False).encode(),
                        file_name=f"csmap_hotspots_{q_from}_{q_to}.csv", mime="text/csv",
                        key="hotspots_csv")
