"""The commissioners' tables beside the map: the quarterly trend, place kinds and the ward
table (all suppressed aggregates), and the ward table's CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import commissioning as comm
from analytics.suppression import SuppressionPolicy
from domain import vocabulary


def trend_and_kinds(cells: pd.DataFrame, sel: comm.Selection, policy: SuppressionPolicy,
                    quarters: list[str]) -> None:
    """The trend by quarter and the incidents by place kind, suppressed."""
    st.markdown("**Trend by quarter**")
    trend = comm.quarter_trend(cells, sel, policy, all_quarters=quarters)
    st.line_chart(trend.set_index("quarter")["plotted"], height=220)
    st.caption(f"Gaps are quarters with fewer than {policy.threshold} incidents.")
    st.markdown("**Place kinds**")
    kt = comm.kind_table(cells, sel, policy)
    st.dataframe(kt.assign(place_kind=kt["place_kind"].map(
        lambda k: "Total" if k == "TOTAL" else vocabulary.label(k)),
        incidents=kt["incidents"].astype(str)), hide_index=True, width="stretch",
        column_config={"place_kind": "Place kind", "incidents": "Incidents"})


def wards_table(table: pd.DataFrame, spots: pd.DataFrame, q_from: str, q_to: str) -> None:
    """The ward table (children, incidents, rate, Gi*, local Moran) with its download."""
    st.markdown("**Wards** (children: distinct children linked to incidents in the period)")
    out = table.merge(spots, on="ward_code", how="left").fillna({"hotspot": "", "lisa": ""})
    out = out[["name", "child_population", "incidents", "children", "rate_per_1000", "hotspot",
               "lisa"]].astype({"incidents": str, "children": str})
    st.dataframe(out, hide_index=True, width="stretch",
                 column_config={"name": "Ward", "child_population": "Children living there",
                                "rate_per_1000": "Incidents per 1,000", "hotspot": "Gi*",
                                "lisa": "Local Moran"})
    st.download_button("Download this table (CSV)", out.to_csv(index=False).encode(),
                        file_name=f"csmap_hotspots_{q_from}_{q_to}.csv", mime="text/csv",
                        key="hotspots_csv")
