"""Map layers that carry data: areas, points, clusters and a heat image, each one layer.

Each layer has a data half (escaped GeoJSON, cluster rows, an image: worth keeping while its
inputs stay the same) and a drawing half that lays it onto a folium map. Every data string
goes through :func:`dashboard.components.offline_map.safe`. Each layer is one GeoJson layer
(one JavaScript object however many features), one clustered array or one image; never
thousands of Marker objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.components.offline_map import safe


def _clean_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in props.items():
        if k == "style":
            out[k] = v
        elif isinstance(v, str):
            out[k] = safe(v)
        elif v is None or (isinstance(v, float) and pd.isna(v)):
            out[k] = None
        elif hasattr(v, "item"):
            out[k] = v.item()
        elif isinstance(v, int | float | bool):
            out[k] = v
        else:
            out[k] = safe(v)
    return out


def _feature_collection(frame: gpd.GeoDataFrame, columns: Sequence[str],
                        styles: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    frame = frame.to_crs("EPSG:4326")
    geo = json.loads(frame[[*columns, "geometry"]].to_json(drop_id=True, na="null"))
    for feature, style in zip(geo["features"], styles, strict=True):
        feature["properties"] = _clean_properties({**feature["properties"],
                                                   "style": dict(style)})
    if len(frame):
        geo["bbox"] = [round(float(b), 6) for b in frame.total_bounds]
    return geo


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


def lighten(areas: gpd.GeoDataFrame, *, tolerance: float = 0.0001) -> gpd.GeoDataFrame:
    """Boundaries simplified (about 10 m) and rounded to 5 decimals (1 m): a lighter page."""
    geo = areas.to_crs("EPSG:4326")
    simple = geo.geometry.simplify(tolerance, preserve_topology=True)
    rounded = shapely.transform(simple.to_numpy(), lambda xy: np.round(xy, 5))
    return geo.set_geometry(gpd.GeoSeries(rounded, index=geo.index, crs="EPSG:4326"))


def area_features(areas: gpd.GeoDataFrame, *, fields: Sequence[str],
                  fill: Sequence[str | None] | None = None, fill_opacity: float = 0.6,
                  weight: float = 1.2,
                  outline: Sequence[str | None] | None = None) -> dict[str, Any]:
    """Polygons as an escaped GeoJSON FeatureCollection: outline only, or filled with
    ``fill`` colours; ``fields`` columns ride along in the feature properties. The data half
    of :func:`add_areas`, worth keeping while its inputs stay the same."""
    areas = lighten(areas)
    fills = list(fill) if fill is not None else [None] * len(areas)
    lines = list(outline) if outline is not None else [None] * len(areas)
    styles = [{"color": o or "#3a3a3a", "weight": weight * 2.5 if o else weight,
               "fill": True, "fillColor": f or "#ffffff",
               "fillOpacity": fill_opacity if f else 0.0}
              for f, o in zip(fills, lines, strict=True)]
    return _feature_collection(areas, list(dict.fromkeys(fields)), styles)


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


def point_features(points: pd.DataFrame, *, fields: Sequence[str], colour: Sequence[str],
                   radius: Sequence[float], dashed: bool = False) -> dict[str, Any] | None:
    """Points with ``lon``/``lat`` as an escaped GeoJSON FeatureCollection (None when there
    are none); ``fields`` columns ride along in the properties."""
    located = points["lon"].notna() & points["lat"].notna()
    pts = points[located]
    if pts.empty:
        return None
    keep = list(dict.fromkeys(fields))
    # only what differs per point rides with each feature; the rest is the marker's default
    styles: list[dict[str, Any]] = [
        {"radius": round(float(r), 1), "fillColor": c, **({"color": c} if dashed else {})}
        for c, r, ok in zip(list(colour), list(radius), located, strict=True) if ok]
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in rec.items()} for rec in pts[keep].to_dict("records")]
    lon = np.round(pts["lon"].to_numpy(dtype=float), 5).tolist()
    lat = np.round(pts["lat"].to_numpy(dtype=float), 5).tolist()
    return {"type": "FeatureCollection",
            "bbox": [min(lon), min(lat), max(lon), max(lat)],
            "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
                 "properties": _clean_properties({**rec, "style": style})}
                for x, y, rec, style in zip(lon, lat, records, styles, strict=True)]}


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


def add_points(m: folium.Map, points: pd.DataFrame, *, name: str, tooltip: Sequence[str],
               aliases: Sequence[str], colour: Sequence[str], radius: Sequence[float],
               extra: Sequence[str] = (), dashed: bool = False) -> folium.GeoJson | None:
    """Circle markers as one GeoJson layer (no icon images, one JS object)."""
    features = point_features(points, fields=[*tooltip, *extra], colour=colour, radius=radius,
                              dashed=dashed)
    if features is None:
        return None
    return add_point_layer(m, features, name=name, tooltip=tooltip, aliases=aliases,
                           dashed=dashed)


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


def cluster_rows(points: pd.DataFrame, *, weight: str = "incidents") -> list[list[float]]:
    """[lat, lon, count] for each located point with a positive ``weight``: numbers only,
    so nothing to escape (no name or address reaches the page)."""
    pts = points.dropna(subset=["lon", "lat"])
    pts = pts[pts[weight] > 0]
    lat = np.round(pts["lat"].to_numpy(dtype=float), 5).tolist()
    lon = np.round(pts["lon"].to_numpy(dtype=float), 5).tolist()
    return [list(r) for r in zip(lat, lon, pts[weight].to_numpy(dtype=int).tolist(),
                                 strict=True)]


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


def add_incident_clusters(m: folium.Map, points: pd.DataFrame, *, name: str,
                          weight: str = "incidents", stroke: str = "#7a0177",
                          fill: str = "#c51b8a", dashed: bool = False,
                          css_class: str = "") -> folium.FeatureGroup | None:
    """Incidents clustered by place (see :func:`add_cluster_layer`)."""
    return add_cluster_layer(m, cluster_rows(points, weight=weight), name=name, stroke=stroke,
                             fill=fill, dashed=dashed, css_class=css_class)


HEAT = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]


@dataclass(frozen=True)
class DensityImage:
    """A heat surface as RGBA pixels (northern row first) and its (south, west, north, east)
    bounds in degrees."""

    rgba: np.ndarray
    bounds: tuple[float, float, float, float]


def density_image(density: Any) -> DensityImage | None:
    """An ``analytics.places.KernelDensity`` coloured with :data:`HEAT` (None when empty):
    colour and opacity rise with the level; cells under the display cut stay clear."""
    if density.empty:
        return None
    levels = density.levels()
    shown = ~np.isnan(levels)
    level = np.nan_to_num(levels)
    steps = np.clip((level * len(HEAT)).astype(int), 0, len(HEAT) - 1)
    palette = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in HEAT], dtype=np.uint8)
    rgba = np.zeros((*levels.shape, 4), dtype=np.uint8)
    rgba[..., :3] = palette[steps]
    rgba[..., 3] = np.where(shown, np.round(255 * (0.35 + 0.45 * level)), 0)
    return DensityImage(rgba, tuple(float(b) for b in density.bounds))  # type: ignore[arg-type]


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


