"""The panel's map: wards, places by kind, incident heat and clusters, homes, built offline.

Pure composition of :mod:`dashboard.components.offline_map` layers from query frames; the
page decides which layers to show. Colours follow the Okabe-Ito palette (colour-blind safe).
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analytics import places as place_stats
from dashboard import labels
from dashboard.components import offline_map

KIND_COLOURS: dict[str, str] = {
    "takeaway": "#E69F00",
    "hotel": "#CC79A7",
    "park": "#009E73",
    "transport_hub": "#0072B2",
    "shopping_centre": "#56B4E9",
    "licensed_premises": "#D55E00",
    "address_of_concern": "#000000",
    "school": "#F0E442",
    "youth_club": "#999999",
    "other": "#BBBBBB",
}
HOME_COLOUR = "#7B3294"
LAYERS = ("Wards", "Places", "Incident heat", "Incident clusters", "Homes (intra-familial)")


def wards_frame(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """The ``reference.wards`` rows as a GeoDataFrame (EPSG:4326)."""
    geoms = shapely.from_wkb(np.asarray([bytes(b) for b in frame["geometry_wkb"]], dtype=object))
    return gpd.GeoDataFrame(frame.drop(columns="geometry_wkb"), geometry=geoms, crs="EPSG:4326")


def legend_items(kinds: Sequence[str]) -> list[tuple[str, str]]:
    """(colour, label) for the place kinds present, plus homes."""
    items = [(KIND_COLOURS.get(k, "#BBBBBB"), labels.label(k)) for k in KIND_COLOURS
             if k in set(kinds)]
    return [*items, (HOME_COLOUR, "Homes with intra-familial incidents (clusters)"),
            (offline_map.HEAT[1], "Incident heat: low"), (offline_map.HEAT[-1], "high")]


def build(wards: gpd.GeoDataFrame, places: pd.DataFrame, homes: pd.DataFrame, *,
          layers: Sequence[str] = LAYERS, height: int = 600) -> folium.Map:
    """The map with the requested ``layers`` (names from :data:`LAYERS`)."""
    m = offline_map.base_map(wards.total_bounds, height=height)
    if "Wards" in layers:
        offline_map.add_areas(m, wards.assign(scope="ward", id=wards["ward_code"]),
                              name="Wards", tooltip=["name"], aliases=["Ward"],
                              extra=["scope", "id"])
    active = places[places["incidents"] > 0]
    if "Incident heat" in layers and not active.empty:
        density = place_stats.kernel_density(active, weight="incidents", bandwidth_m=1200,
                                             cell_m=300, max_cells=8000)
        offline_map.add_density(m, density.cells, name="Incident heat")
    if "Places" in layers and not places.empty:
        size = 4 + 2 * np.sqrt(places["incidents"].clip(upper=100).to_numpy(dtype=float))
        offline_map.add_points(
            m, places.assign(scope="place", id=places["place_id"],
                             kind_label=places["kind"].map(labels.label)),
            name="Places", tooltip=["name", "kind_label", "incidents", "children"],
            aliases=["Place", "Kind", "Incidents", "Children"],
            colour=[KIND_COLOURS.get(k, "#BBBBBB") for k in places["kind"]],
            radius=list(size), extra=["scope", "id"])
    if "Incident clusters" in layers:
        offline_map.add_incident_clusters(m, active, name="Incident clusters")
    if "Homes (intra-familial)" in layers and not homes.empty:
        # clustered, numbers only: no address or name reaches the page
        offline_map.add_incident_clusters(m, homes, name="Homes (intra-familial)",
                                          stroke=HOME_COLOUR, fill="#c2a5cf", dashed=True,
                                          css_class="csmap-homes")
    return offline_map.finish(m)
