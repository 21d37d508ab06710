"""The panel's map: wards, places by kind, incident heat and clusters, homes, built offline.

Pure composition of :mod:`services.offline_map` layers from query frames; the
page decides which layers to show. Colours follow the Okabe-Ito palette (colour-blind safe).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analytics import places as place_stats
from domain import vocabulary
from services import map_data, map_layers, offline_map

# Colours of the place kinds drawn on the map (every kind but homes and online spaces, which
# have their own layer or none), from the domain vocabulary.
KIND_COLOURS: dict[str, str] = {k: c for k, c in vocabulary.PLACE_KINDS.colours().items()
                                if k not in ("home", "online")}
HOME_COLOUR = vocabulary.PLACE_KINDS.colour("home")
LAYERS = ("Wards", "Places", "Incident heat", "Incident clusters", "Homes (intra-familial)")
# in the layer box but unticked at first: places sized by incidents and the heat say the same
# thing, and clusters on top of them hide both on a county-wide view
HIDDEN_AT_FIRST = ("Incident clusters",)


def wards_frame(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """The ``reference.wards`` rows as a GeoDataFrame (EPSG:4326)."""
    geoms = shapely.from_wkb(np.asarray([bytes(b) for b in frame["geometry_wkb"]], dtype=object))
    return gpd.GeoDataFrame(frame.drop(columns="geometry_wkb"), geometry=geoms, crs="EPSG:4326")


def place_radius(incidents: np.ndarray) -> np.ndarray:
    """Circle radius in pixels: 2.5 for a place with no incidents up to 9 for the busiest,
    by the square root of its share of the busiest place's count (area follows the count).
    Kept small so that a county's two thousand places stay readable at county zoom."""
    top = float(np.max(incidents)) if len(incidents) else 0.0
    share = np.sqrt(np.clip(incidents, 0, None) / top) if top > 0 else np.zeros(len(incidents))
    return np.round(2.5 + 6.5 * share, 1)


def legend_items(kinds: Sequence[str]) -> list[tuple[str, str]]:
    """(colour, label) for the place kinds present, plus homes."""
    items = [(KIND_COLOURS.get(k, "#BBBBBB"), vocabulary.label(k)) for k in KIND_COLOURS
             if k in set(kinds)]
    return [*items, (HOME_COLOUR, "Homes with intra-familial incidents (clusters)"),
            (map_data.HEAT[1], "Incident heat: low"), (map_data.HEAT[-1], "high")]


@dataclass(frozen=True)
class MapData:
    """Everything the panel map draws, ready to lay onto a map: escaped GeoJSON, cluster
    rows (numbers only) and the heat image. Worth keeping for a browser session while the
    filters stay the same; the layers a user switches on are drawn from it in milliseconds.
    Never changed once made."""

    bounds: tuple[float, float, float, float]
    wards: dict[str, Any]
    places: dict[str, Any] | None
    heat: map_data.DensityImage | None
    incidents: list[list[float]]
    homes: list[list[float]]


def prepare(wards: gpd.GeoDataFrame, places: pd.DataFrame, homes: pd.DataFrame) -> MapData:
    """The map's data from the ``places.map_*`` query frames (the slow half of the map)."""
    active = places[places["incidents"] > 0]
    heat = None
    if not active.empty:
        heat = map_data.density_image(place_stats.kernel_density(
            active, weight="incidents", bandwidth_m=1200, cell_m=300, max_cells=8000))
    points = None
    if not places.empty:
        size = place_radius(places["incidents"].to_numpy(dtype=float))
        points = map_data.point_features(
            places.assign(scope="place", id=places["place_id"],
                          kind_label=places["kind"].map(vocabulary.label)),
            fields=[*PLACE_TOOLTIP, "scope", "id"],
            colour=[KIND_COLOURS.get(k, "#BBBBBB") for k in places["kind"]], radius=list(size))
    bounds = tuple(float(b) for b in wards.total_bounds)
    return MapData(
        bounds=bounds,  # type: ignore[arg-type]
        wards=map_data.area_features(wards.assign(scope="ward", id=wards["ward_code"]),
                                        fields=["name", "scope", "id"]),
        places=points, heat=heat, incidents=map_data.cluster_rows(active),
        homes=map_data.cluster_rows(homes) if not homes.empty else [])


PLACE_TOOLTIP = ("name", "kind_label", "incidents", "children")


def draw(data: MapData, *, layers: Sequence[str] = LAYERS,
         hidden: Sequence[str] = HIDDEN_AT_FIRST, height: int = 600) -> folium.Map:
    """A new map with the requested ``layers`` (names from :data:`LAYERS`) from ``data``;
    those in ``hidden`` start unticked in the map's layer box."""
    m = offline_map.base_map(data.bounds, height=height)
    if "Wards" in layers:
        map_layers.add_area_layer(m, data.wards, name="Wards", tooltip=["name"],
                                   aliases=["Ward"])
    if "Incident heat" in layers:
        map_layers.add_density(m, data.heat, name="Incident heat")
    if "Places" in layers and data.places is not None:
        map_layers.add_point_layer(m, data.places, name="Places", tooltip=list(PLACE_TOOLTIP),
                                    aliases=["Place", "Kind", "Incidents", "Children"])
    if "Incident clusters" in layers:
        map_layers.add_cluster_layer(m, data.incidents, name="Incident clusters",
                                      show="Incident clusters" not in hidden)
    if "Homes (intra-familial)" in layers:
        # clustered, numbers only: no address or name reaches the page
        map_layers.add_cluster_layer(m, data.homes, name="Homes (intra-familial)",
                                      stroke=HOME_COLOUR, fill="#c2a5cf", dashed=True,
                                      css_class="csmap-homes",
                                      show="Homes (intra-familial)" not in hidden)
    return offline_map.finish(m)


def build(wards: gpd.GeoDataFrame, places: pd.DataFrame, homes: pd.DataFrame, *,
          layers: Sequence[str] = LAYERS, height: int = 600) -> folium.Map:
    """The map with the requested ``layers`` in one step (:func:`prepare`, then :func:`draw`)."""
    return draw(prepare(wards, places, homes), layers=layers, height=height)
