"""The commissioners' ward map: incidents per 1,000 children by fifths, hot and cold spot
outlines, suppressed wards grey; no drill-down."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from analytics import commissioning as comm
from dashboard.components import map_view
from services import map_layers, offline_map

RATE_COLOURS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"]
HOT, COLD, HIDDEN = "#b2182b", "#2166ac", "#d9d9d9"


def show(wards: gpd.GeoDataFrame, body: pd.DataFrame) -> None:
    """Draw the ward map from the suppressed ward table joined to its Gi* spots."""
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
    map_view.show(offline_map.finish(m, layer_control=False), key="hotspots_map",
                  height=520, clickable=False)
    st.markdown(offline_map.legend_markdown(
        [(RATE_COLOURS[0], "lowest fifth"), (RATE_COLOURS[-1], "highest fifth"),
         (HIDDEN, "suppressed"), (HOT, "hot spot outline"), (COLD, "cold spot outline")],
        shape="square"), unsafe_allow_html=True)
