"""Map layers that carry data: areas, points, clusters and a heat image, each one layer.

The data half (escaped GeoJSON, cluster rows, an image) is in
:mod:`services.map_data`; this module lays it onto a folium map. Each layer is
one GeoJson layer (one JavaScript object however many features), one clustered array or one
image; never thousands of Marker objects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.utilities import JsCode

from analytics import graph_layout
from services.map_data import DensityImage, area_features, point_features
from services.offline_map import safe


class _GeoJson(folium.GeoJson):
    """folium's GeoJson, except that its bounds come from the collection's GeoJSON ``bbox``
    when it has one: folium otherwise walks every coordinate in Python on each draw (a third
    of the map's drawing time on the county town)."""

    def _get_self_bounds(self) -> list[list[float | None]]:
        bbox = self.data.get("bbox") if isinstance(self.data, dict) else None
        if bbox and len(bbox) == 4:
            west, south, east, north = (float(b) for b in bbox)
            return [[south, west], [north, east]]
        return super()._get_self_bounds()  # type: ignore[no-any-return]


def add_area_layer(m: folium.Map, features: Mapping[str, Any], *, name: str,
                   tooltip: Sequence[str], aliases: Sequence[str]) -> folium.GeoJson:
    """Features from :func:`area_features` as one GeoJson layer; ``tooltip`` properties are
    shown on hover with ``aliases`` as labels. ``features`` is read, never changed."""
    layer = _GeoJson(
        features, name=name, zoom_on_click=False,
        tooltip=folium.GeoJsonTooltip(fields=list(tooltip), aliases=[safe(a) for a in aliases],
                                      sticky=True),
        highlight_function=lambda _f: {"weight": 3, "color": "#000000"},
    )
    layer.add_to(m)
    return layer


def add_areas(m: folium.Map, areas: gpd.GeoDataFrame, *, name: str, tooltip: Sequence[str],
              aliases: Sequence[str], fill: Sequence[str | None] | None = None,
              fill_opacity: float = 0.6, weight: float = 1.2,
              outline: Sequence[str | None] | None = None,
              extra: Sequence[str] = ()) -> folium.GeoJson:
    """Polygons as one GeoJson layer: outline only, or filled with ``fill`` colours.

    ``tooltip`` columns are shown on hover with ``aliases`` as labels; ``extra`` columns ride
    along in the feature properties (what a click returns).
    """
    features = area_features(areas, fields=[*tooltip, *extra], fill=fill,
                             fill_opacity=fill_opacity, weight=weight, outline=outline)
    return add_area_layer(m, features, name=name, tooltip=tooltip, aliases=aliases)


def add_point_layer(m: folium.Map, features: Mapping[str, Any], *, name: str,
                    tooltip: Sequence[str], aliases: Sequence[str],
                    dashed: bool = False) -> folium.GeoJson:
    """Features from :func:`point_features` as circle markers in one GeoJson layer (no icon
    images, one JS object). ``features`` is read, never changed."""
    layer = _GeoJson(
        features, name=name, zoom_on_click=False,
        marker=folium.CircleMarker(radius=6, color="#222222", weight=0.8, fill=True,
                                   fill_opacity=0.85, dash_array="3 3" if dashed else None),
        tooltip=folium.GeoJsonTooltip(fields=list(tooltip), aliases=[safe(a) for a in aliases]),
    )
    layer.add_to(m)
    return layer


_LABEL_EACH = """function (feature, layer) {
    layer.options.interactive = false;  // a label's point takes no clicks or hovers
    layer.bindTooltip(feature.properties.label, {permanent: true, direction: "center",
                                                 className: "csmap-area-label", opacity: 1});
}"""


def labels_that_fit(areas: gpd.GeoDataFrame, column: str, *, width_px: float = 700.0,
                    font_px: float = 10.0) -> list[bool]:
    """Which areas' names fit without overprinting on a map ``width_px`` wide showing all of
    them, the largest areas first (the others are read on hover)."""
    flat = areas.to_crs("EPSG:3857")
    minx, _, maxx, _ = flat.total_bounds
    scale = width_px / max(maxx - minx, 1.0)
    inside = flat.geometry.representative_point()
    ids = [str(i) for i in range(len(flat))]
    pos = {i: (float(x) * scale, -float(y) * scale) for i, x, y in zip(ids, inside.x, inside.y,
                                                                        strict=True)}
    names = dict(zip(ids, flat[column].astype(str), strict=True))
    order = [ids[i] for i in np.argsort(-flat.geometry.area.to_numpy(), kind="stable")]
    shown = graph_layout.labels_that_fit(pos, names, order, font=font_px, node_size=0)
    return [i in shown for i in ids]


def add_area_labels(m: folium.Map, areas: gpd.GeoDataFrame, *, column: str,
                    name: str = "Names") -> folium.GeoJson:
    """The ``column`` of each area (its name) written at a point inside it where it fits
    without overprinting (:func:`labels_that_fit`): one GeoJson layer of invisible points
    with permanent tooltips; every name escaped."""
    fit = labels_that_fit(areas, column)
    geo = areas.to_crs("EPSG:4326")[fit]
    inside = geo.geometry.representative_point()
    frame = pd.DataFrame({"label": geo[column].astype(str).to_numpy(),
                          "lon": inside.x.round(5).to_numpy(),
                          "lat": inside.y.round(5).to_numpy()})
    features = point_features(frame, fields=["label"], colour=["#333333"] * len(frame),
                              radius=[0.0] * len(frame))
    layer = _GeoJson(
        features or {"type": "FeatureCollection", "features": []}, name=name,
        zoom_on_click=False,
        marker=folium.CircleMarker(radius=0, weight=0, opacity=0, fill=False),
        # the label is already escaped (map_data.safe), so it shows as text
        on_each_feature=JsCode(_LABEL_EACH),
    )
    layer.add_to(m)
    return layer


_CLUSTER_CALLBACK = """function (row) {
    return L.circleMarker(new L.LatLng(row[0], row[1]),
        {radius: 5, color: 'STROKE', weight: 1, fillColor: 'FILL', fillOpacity: 0.8,
         dashArray: DASH, incidents: row[2]});
}"""

_CLUSTER_ICON = """function (cluster) {
    var n = 0;
    cluster.getAllChildMarkers().forEach(function (mk) { n += mk.options.incidents || 0; });
    var size = n < 10 ? 'small' : (n < 50 ? 'medium' : 'large');
    return L.divIcon({html: '<div><span>' + n + '</span></div>',
                      className: 'marker-cluster CLASS marker-cluster-' + size,
                      iconSize: new L.Point(40, 40)});
}"""
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def add_cluster_layer(m: folium.Map, rows: Sequence[Sequence[float]], *, name: str,
                      stroke: str = "#7a0177", fill: str = "#c51b8a", dashed: bool = False,
                      css_class: str = "",
                      show: bool = True) -> folium.FeatureGroup | None:
    """Rows from :func:`cluster_rows`, clustered: each cluster shows how many incidents it
    holds. Colours must be ``#rrggbb`` and ``css_class`` a plain word (they are written into
    the script). ``show=False`` starts it unticked in the layer box.

    The clusters sit in a feature group, which is what the layer box switches: folium's
    FastMarkerCluster always adds itself to its parent, whatever its own ``show`` says.
    """
    if not (_HEX.match(stroke) and _HEX.match(fill) and re.fullmatch(r"[\w-]*", css_class)):
        raise ValueError("cluster colours must be #rrggbb and the class a plain word")
    if not rows:
        return None
    callback = (_CLUSTER_CALLBACK.replace("STROKE", stroke).replace("FILL", fill)
                .replace("DASH", "'3 3'" if dashed else "null"))
    icon = _CLUSTER_ICON.replace("CLASS", css_class)
    group = folium.FeatureGroup(name=name, show=show)
    clusters = folium.plugins.FastMarkerCluster(
        [], callback=callback, icon_create_function=icon, control=False,
        options={"showCoverageOnHover": False, "maxClusterRadius": 50},
    )
    # finite rounded numbers already: skip folium's per-row re-validation
    clusters.data = [list(r) for r in rows]
    clusters.add_to(group)
    group.add_to(m)
    return group


def add_density(m: folium.Map, image: DensityImage | None, *,
                name: str) -> folium.raster_layers.ImageOverlay | None:
    """A heat layer as one PNG however many cells (a few kB instead of thousands of
    polygons), drawn smoothly in its own pane under the wards and places, never clickable."""
    if image is None:
        return None
    folium.map.CustomPane("csmap_heat", z_index=350, pointer_events=False).add_to(m)
    south, west, north, east = image.bounds
    layer = folium.raster_layers.ImageOverlay(
        image.rgba, bounds=[[south, west], [north, east]], origin="upper", pixelated=False,
        name=name, interactive=False, pane="csmap_heat")
    layer.add_to(m)
    return layer
