"""Hotspots (commissioners): ward rates and their neighbourhood clusters told apart, an
outreach view of evenings and weekends, the quarterly trend with data coverage, all as
suppressed aggregates. No people, no points, no drill-down."""

from __future__ import annotations

import streamlit as st

from analytics import commissioning as comm
from analytics.suppression import SUPPRESSED, SuppressionPolicy
from dashboard import common
from dashboard.components import hotspot_map, hotspot_outreach, hotspot_tables
from domain import vocabulary
from services import panel_map

VIEWS = {"where": "Where: ward rates and clusters",
         "outreach": "Outreach: evenings and weekends", "trend": "Trend and data coverage"}
MEASURES = {"rate_per_1000": "Incidents per 1,000 children",
            "children_per_1000": "Children linked per 1,000 children"}

store, viewer, today = common.context()
st.title("Hotspots: where and when harm is recorded")
policy = SuppressionPolicy.from_settings()
st.caption(f"Aggregates only. Counts from 1 to {policy.threshold - 1} show as {SUPPRESSED}; "
           f"others are rounded to the nearest {policy.base}, and rates use the rounded "
           "counts, so no figure can be worked back to a child.")

cells = hotspot_tables.cells(store, viewer, today)
quarters = comm.quarters_between(cells["quarter"].min(), cells["quarter"].max())
left, mid, right = st.columns([2, 1, 1])
q_from, q_to = left.select_slider("Quarters", options=quarters,
                                  value=(quarters[max(0, len(quarters) - 4)], quarters[-1]),
                                  key="hotspots_quarters")
kinds = sorted(cells["place_kind"].unique())
kind = mid.selectbox("Place kind", [comm.ALL, *kinds], key="hotspots_kind",
                     format_func=lambda k: "All kinds" if k == comm.ALL else vocabulary.label(k))
rate = str(right.radio("Rate", list(MEASURES), format_func=MEASURES.__getitem__,
                       key="hotspots_rate"))
sel = comm.Selection(comm.quarters_between(q_from, q_to), kind)
start, end = comm.quarter_span(q_from, q_to)

wards = panel_map.wards_frame(store.frame("reference.wards", viewer))
children = store.frame("places.agg_ward_children", viewer, {
    "start": start, "end": end, "place_kinds": [] if kind == comm.ALL else [kind]})
table = comm.ward_table(cells, wards, children, sel, policy)
spots = comm.ward_spots(cells, wards, sel,
                        children=children if rate == "children_per_1000" else None)
body = table.iloc[:-1].merge(spots.spots, on="ward_code", how="left")

c = st.columns(3)
c[0].metric("Incidents in period", str(table["incidents"].iloc[-1]))
c[1].metric("Hot spot wards", int((spots.spots["hotspot"] == "hot").sum()))
c[2].metric("Cold spot wards", int((spots.spots["hotspot"] == "cold").sum()))
st.caption(spots.summary)

# one view at a time (a map drawn in a hidden tab would open at the wrong size)
view = st.radio("View", list(VIEWS), horizontal=True, key="hotspots_view",
                format_func=VIEWS.__getitem__, label_visibility="collapsed")
if view == "where":
    hotspot_map.show(wards, body, rate=rate, rate_label=MEASURES[rate], key="hotspots_map")
    hotspot_tables.wards_table(hotspot_tables.ward_rows(table, spots.spots, rate), q_from, q_to)
elif view == "outreach":
    hotspot_outreach.render(store, viewer, wards, start=start, end=end, place_kind=kind,
                            policy=policy)
else:
    cover = comm.coverage(quarters, store.frame("places.agg_coverage", viewer), today)
    hotspot_tables.trend_and_kinds(cells, sel, policy, quarters, cover)
