"""The commissioners' ward map: incidents per 1,000 children by fifths, hot and cold spot
outlines, suppressed wards grey; no drill-down. Drawn by the Hotspots page through
:mod:`dashboard.components.map_view`."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from analytics import commissioning as comm
from services import map_layers, offline_map

RATE_COLOURS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"]
HOT, COLD, HIDDEN = "#b2182b", "#2166ac", "#d9d9d9"


LEGEND = [(RATE_COLOURS[0], "lowest fifth"), (RATE_COLOURS[-1], "highest fifth"),
          (HIDDEN, "suppressed"), (HOT, "hot spot outline"), (COLD, "cold spot outline")]
"""(colour, label) of the ward map's legend."""


def ward_map(wards: gpd.GeoDataFrame, body: pd.DataFrame) -> folium.Map:
    """The ward map from the suppressed ward table joined to its Gi* spots."""
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
    return offline_map.finish(m, layer_control=False)
