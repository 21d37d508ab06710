"""Hotspots (commissioners): ward rates, significant hot and cold spots, quarterly trend and
place kinds, all as suppressed aggregates. No people, no points, no drill-down."""

from __future__ import annotations

import streamlit as st

from analytics import commissioning as comm
from analytics.suppression import SUPPRESSED, SuppressionPolicy
from dashboard import common
from dashboard.components import map_view
from domain import labels
from domain.errors import ValidationError
from services import map_layers, offline_map, panel_map

RATE_COLOURS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"]
HOT, COLD, HIDDEN = "#b2182b", "#2166ac", "#d9d9d9"
AGG_ROW_LIMIT = 1_000_000  # aggregate rows are small; the cap must never cut a count

ctx = common.context()
store, viewer = ctx.store, ctx.viewer
today = common.as_of(store)
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
                       format_func=lambda k: "All kinds" if k == comm.ALL else labels.label(k))
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

fills = [HIDDEN if c is None else RATE_COLOURS[c]
         for c in comm.rate_classes(body["rate_per_1000"], k=len(RATE_COLOURS)).classes]
outlines = [{"hot": HOT, "cold": COLD}.get(h) for h in body["hotspot"]]
geo = wards[["ward_code", "geometry"]].merge(
    body.assign(shown=body["incidents"].astype(str),
                rate=body["rate_per_1000"].map(lambda r: "*" if r is None or r != r
                                               else f"{r:.1f}"),
                spot=body["hotspot"].map({"hot": "Hot spot", "cold": "Cold spot",
                                          "ns": "-"})), on="ward_code")
m = offline_map.base_map(wards.total_bounds, height=520)
map_layers.add_areas(m, geo, name="Incidents per 1,000 children",
                     tooltip=["name", "shown", "rate", "spot"],
                     aliases=["Ward", "Incidents", "Per 1,000 children", "Gi*"],
                     fill=fills, outline=outlines, fill_opacity=0.75)
map_col, side = st.columns([3, 2])
with map_col:
    map_view.show(offline_map.finish(m, layer_control=False), key="hotspots_map",
                     height=520, clickable=False)
    st.markdown(offline_map.legend_markdown(
        [(RATE_COLOURS[0], "lowest fifth"), (RATE_COLOURS[-1], "highest fifth"),
         (HIDDEN, "suppressed"), (HOT, "hot spot outline"), (COLD, "cold spot outline")],
        shape="square"), unsafe_allow_html=True)
with side:
    st.markdown("**Trend by quarter**")
    trend = comm.quarter_trend(cells, sel, policy, all_quarters=quarters)
    st.line_chart(trend.set_index("quarter")["plotted"], height=220)
    st.caption(f"Gaps are quarters with fewer than {policy.threshold} incidents.")
    st.markdown("**Place kinds**")
    kt = comm.kind_table(cells, sel, policy)
    st.dataframe(kt.assign(place_kind=kt["place_kind"].map(
        lambda k: "Total" if k == "TOTAL" else labels.label(k)),
        incidents=kt["incidents"].astype(str)), hide_index=True, width="stretch",
        column_config={"place_kind": "Place kind", "incidents": "Incidents"})

st.markdown("**Wards** (children: distinct children linked to incidents in the period)")
out = table.merge(spots.spots, on="ward_code", how="left").fillna({"hotspot": "", "lisa": ""})
out = out[["name", "child_population", "incidents", "children", "rate_per_1000", "hotspot",
           "lisa"]].astype({"incidents": str, "children": str})
st.dataframe(out, hide_index=True, width="stretch",
             column_config={"name": "Ward", "child_population": "Children living there",
                            "rate_per_1000": "Incidents per 1,000", "hotspot": "Gi*",
                            "lisa": "Local Moran"})
st.download_button("Download this table (CSV)", out.to_csv(index=False).encode(),
                    file_name=f"csmap_hotspots_{q_from}_{q_to}.csv", mime="text/csv",
                    key="hotspots_csv")
