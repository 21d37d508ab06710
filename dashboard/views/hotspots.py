"""Hotspots (commissioners): ward rates, significant hot and cold spots, quarterly trend and
place kinds, all as suppressed aggregates. No people, no points, no drill-down."""

from __future__ import annotations

import streamlit as st

from analytics import commissioning as comm
from analytics.suppression import SUPPRESSED, SuppressionPolicy
from dashboard import common
from dashboard.components import hotspot_tables, map_view
from domain import vocabulary
from domain.errors import ValidationError
from services import hotspot_map, panel_map

AGG_ROW_LIMIT = 1_000_000  # aggregate rows are small; the cap must never cut a count

store, viewer, today = common.context()
st.title("Hotspots: where and when harm is recorded")
policy = SuppressionPolicy.from_settings()
st.caption(f"Aggregates only. Counts from 1 to {policy.threshold - 1} show as {SUPPRESSED}; "
           f"others are rounded to the nearest {policy.base}, and rates use the rounded "
           "counts, so no figure can be worked back to a child.")

window_start, window_end = comm.full_quarters(today)
cells_res = store.run("places.agg_cells", viewer, {"start": window_start, "end": window_end},
                      limit=AGG_ROW_LIMIT)
if cells_res.truncated:  # never publish undercounts: stop rather than show a part
    common.show_error(ValidationError(
        f"The aggregate table has more than {AGG_ROW_LIMIT:,} rows (wards x quarters x place "
        "kinds); the figures cannot be shown whole. Ask an administrator to check the data."))
    st.stop()
cells = cells_res.frame
if cells.empty:
    st.info("No incidents recorded in the last two years.")
    st.stop()
quarters = comm.quarters_between(cells["quarter"].min(), cells["quarter"].max())
left, right = st.columns([2, 1])
q_from, q_to = left.select_slider("Quarters", options=quarters,
                                  value=(quarters[max(0, len(quarters) - 4)], quarters[-1]),
                                  key="hotspots_quarters")
kinds = sorted(cells["place_kind"].unique())
kind = right.selectbox("Place kind", [comm.ALL, *kinds], key="hotspots_kind",
                       format_func=lambda k: "All kinds" if k == comm.ALL else vocabulary.label(k))
sel = comm.Selection(comm.quarters_between(q_from, q_to), kind)
start, end = comm.quarter_span(q_from, q_to)

wards = panel_map.wards_frame(store.frame("reference.wards", viewer))
children = store.frame("places.agg_ward_children", viewer, {
    "start": start, "end": end, "place_kinds": [] if kind == comm.ALL else [kind]})
table = comm.ward_table(cells, wards, children, sel, policy)
spots = comm.ward_spots(cells, wards, sel)
body = table.iloc[:-1].merge(spots.spots, on="ward_code", how="left")

c = st.columns(3)
c[0].metric("Incidents in period", str(table["incidents"].iloc[-1]))
c[1].metric("Hot spot wards", int((spots.spots["hotspot"] == "hot").sum()))
c[2].metric("Cold spot wards", int((spots.spots["hotspot"] == "cold").sum()))
st.caption(spots.summary)

map_col, side = st.columns([3, 2])
with map_col:
    map_view.show(hotspot_map.ward_map(wards, body), key="hotspots_map", height=520,
                  clickable=False)
    map_view.legend(hotspot_map.LEGEND, shape="square")
with side:
    hotspot_tables.trend_and_kinds(cells, sel, policy, quarters)
hotspot_tables.wards_table(table, spots.spots, q_from, q_to)
