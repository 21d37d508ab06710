"""Folium maps that work with no internet and cannot run code hidden in the data.

**Offline.** folium's elements name their JavaScript and CSS by CDN URL (``default_js`` /
``default_css``); streamlit-folium's frontend loads exactly those URLs into its iframe. We
replace each one by a ``data:`` URI built from the installed xstatic packages (Leaflet 1.9.3,
jQuery, Leaflet.markercluster and, on request, Font Awesome with its font inlined), drop what we
do not use (Bootstrap, awesome-markers) and refuse any other external asset, so a forgotten
plugin fails loudly in tests instead of showing a blank map in a meeting room. Tiles are the
``map_tiles`` setting: ``none`` (ward boundaries give orientation), ``osm``, or a URL template.

**Safe strings.** Tooltips and popups reach the page as HTML, and folium puts tooltip text in
JavaScript template strings, where ``${...}`` runs. Every data string goes through
:func:`safe` (HTML escape, then ``$``, backtick and backslash as entities) before it reaches a
layer. Legends are drawn by Streamlit (:func:`legend_markdown`), not branca (which fetches d3).

**Light.** Each layer is one GeoJson layer (one JavaScript object however many features), or
one FastMarkerCluster fed a plain array; never thousands of Marker objects.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

import branca.element
import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data import settings
from data.errors import ValidationError


class OfflineAssetError(RuntimeError):
    """A map element wants a script or stylesheet we cannot serve offline."""


# -- safe strings --------------------------------------------------------------------------
def safe(value: Any) -> str:
    """Text safe inside map HTML *and* inside a JavaScript template string.

    HTML-escapes ``& < > " '`` and then writes ``$``, backtick, backslash and braces as HTML
    entities, so ``${alert(1)}``, ``<img src=x onerror=alert(1)>`` and ``{{ 7*7 }}`` show as
    text.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _safe_text(str(value))


@lru_cache(maxsize=65_536)
def _safe_text(text: str) -> str:
    escaped = html.escape(text, quote=True)
    return (escaped.replace("\\", "&#92;").replace("$", "&#36;").replace("`", "&#96;")
            .replace("{", "&#123;").replace("}", "&#125;"))


# -- rendering without re-compiling output -------------------------------------------------
class _Rendered(branca.element.Element):
    """Already-rendered HTML or JavaScript, returned as it is: never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def _render_macro(self: branca.element.MacroElement, **kwargs: Any) -> None:
    """branca's ``MacroElement.render``, except that rendered output is kept as text.

    branca wraps each rendered header/html/script in ``Element(text)``, which compiles the
    text as a Jinja template: slow for a GeoJSON layer with thousands of features (the whole
    JSON is lexed again), and unsafe, because ``{{ ... }}`` inside data would be evaluated.
    """
    figure = self.get_root()
    if not isinstance(figure, branca.element.Figure):
        raise ValueError("You cannot render this Element if it is not in a Figure.")
    module = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = module.get(part)
        if macro is not None:
            getattr(figure, part).add_child(_Rendered(macro(self, kwargs)), name=self.get_name())
    for child in self._children.values():
        child.render(**kwargs)


branca.element.MacroElement.render = _render_macro  # type: ignore[method-assign]


# -- local assets --------------------------------------------------------------------------
def _xstatic_dir(package: str) -> Path:
    mod = import_module(f"xstatic.pkg.{package}")
    return Path(str(mod.BASE_DIR))


def _data_uri(mime: str, content: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


@lru_cache(maxsize=1)
def _leaflet_css() -> str:
    base = _xstatic_dir("leaflet")
    css = (base / "leaflet.css").read_text()

    def inline(match: re.Match[str]) -> str:
        png = base / match.group(1)
        return f"url({_data_uri('image/png', png.read_bytes())})" if png.exists() else "none"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)


@lru_cache(maxsize=1)
def _font_awesome_css() -> str:
    base = _xstatic_dir("font_awesome")
    css = (base / "css" / "fontawesome.min.css").read_text() + "\n" + (
        base / "css" / "solid.min.css").read_text()
    font = _data_uri("font/woff2", (base / "webfonts" / "fa-solid-900.woff2").read_bytes())
    css = re.sub(r"url\(\.\./webfonts/fa-solid-900\.woff2\)", f"url({font})", css)
    return re.sub(r",\s*url\(\.\./webfonts/fa-solid-900\.ttf\)[^;}]*", "", css)


@lru_cache(maxsize=1)
def local_assets() -> dict[str, str]:
    """Asset key -> data URI, from the installed xstatic packages."""
    leaflet = _xstatic_dir("leaflet")
    cluster = _xstatic_dir("leaflet_markercluster")
    jquery = _xstatic_dir("jquery")
    js = "text/javascript"
    return {
        "leaflet.js": _data_uri(js, (leaflet / "leaflet.js").read_bytes()),
        "leaflet.css": _data_uri("text/css", _leaflet_css().encode()),
        "jquery.js": _data_uri(js, (jquery / "jquery.min.js").read_bytes()),
        "markercluster.js": _data_uri(js, (cluster / "leaflet.markercluster.js").read_bytes()),
        "markercluster.css": _data_uri("text/css", (cluster / "MarkerCluster.css").read_bytes()),
        "markercluster.default.css": _data_uri(
            "text/css", (cluster / "MarkerCluster.Default.css").read_bytes()),
        "fontawesome.css": _data_uri("text/css", _font_awesome_css().encode()),
    }


# folium asset name -> our key (None: not needed, dropped)
_JS = {"leaflet": "leaflet.js", "jquery": "jquery.js", "bootstrap": None,
       "awesome_markers": None, "markerclusterjs": "markercluster.js"}
_CSS = {"leaflet_css": "leaflet.css", "bootstrap_css": None, "glyphicons_css": None,
        "awesome_markers_font_css": "fontawesome.css", "awesome_markers_css": None,
        "awesome_rotate_css": None, "markerclustercss": "markercluster.css",
        "markerclusterdefaultcss": "markercluster.default.css"}


def _walk(element: Any) -> Iterable[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localise(m: folium.Map, *, font_awesome: bool = False) -> folium.Map:
    """Point every element's scripts and stylesheets at the local copies (in place).

    Raises :class:`OfflineAssetError` for an asset with no local copy.
    """
    assets = local_assets()
    for element in _walk(m):
        for attr, table in (("default_js", _JS), ("default_css", _CSS)):
            entries = getattr(element, attr, None)
            if not entries:
                continue
            local: list[tuple[str, str]] = []
            for name, url in entries:
                if str(url).startswith("data:"):
                    local.append((name, url))
                    continue
                if name not in table:
                    raise OfflineAssetError(
                        f"{type(element).__name__} needs {url}, which has no offline copy; "
                        "use another layer type or add the asset to offline_map")
                key = table[name]
                if key is None or (key == "fontawesome.css" and not font_awesome):
                    continue
                local.append((name, assets[key]))
            setattr(element, attr, local)
    return m


# -- tiles and the base map ----------------------------------------------------------------
def tile_choice() -> tuple[str | None, str]:
    """(tile URL or None, attribution) from the ``map_tiles`` setting."""
    raw = settings.get_str("map_tiles").strip()
    if raw.lower() in ("", "none"):
        return None, ""
    if raw.lower() == "osm":
        return ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                "&copy; OpenStreetMap contributors")
    if not re.match(r"^https?://", raw) or not all(p in raw for p in ("{z}", "{x}", "{y}")):
        raise ValidationError(
            f"CSMAP_MAP_TILES={raw!r} is not none, osm or a tile URL with {{z}}, {{x}} and "
            "{y} (e.g. https://tiles.example.org/{z}/{x}/{y}.png)")
    host = raw.split("/")[2]
    return raw, f"Tiles: {safe(host)}"


def base_map(bounds: Sequence[float], *, height: int = 600) -> folium.Map:
    """An empty map fitted to ``bounds`` (minx, miny, maxx, maxy in lon/lat)."""
    url, attribution = tile_choice()
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    zoom_limits: dict[str, Any] = {"maxZoom": 18, "minZoom": 7, "zoomSnap": 0.25,
                                   "zoomDelta": 0.5}  # clusters need a maxZoom
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=10,
                   tiles=None, control_scale=True, height=height, **zoom_limits)
    if url:
        folium.TileLayer(tiles=url, attr=attribution, name="Background map",
                         control=False).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(4, 4))
    return m


# -- layers --------------------------------------------------------------------------------
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


_CSS_EXTRA = """<style>
.csmap-homes div { background-color: rgba(123, 50, 148, 0.75) !important; color: #fff; }
.csmap-homes { background-color: rgba(194, 165, 207, 0.6) !important; }
.leaflet-container { background: #eef0f2; }
</style>"""


def finish(m: folium.Map, *, layer_control: bool = True) -> folium.Map:
    """Add the layer switcher (open, bottom right: switching a layer happens in the browser,
    with no rerun) and make every asset local. Call last."""
    if layer_control:
        folium.LayerControl(collapsed=False, position="bottomright").add_to(m)
    root: Any = m.get_root()
    root.header.add_child(folium.Element(_CSS_EXTRA), name="csmap_css")
    return localise(m)


def render_html(m: folium.Map) -> str:
    """The map as one standalone HTML document (what the benchmark measures)."""
    return str(m.get_root().render())


# -- legends drawn by Streamlit --------------------------------------------------------------
def legend_markdown(items: Sequence[tuple[str, str]], *, shape: str = "circle") -> str:
    """HTML for a one-line legend of (colour, label) pairs, labels escaped."""
    radius = "50%" if shape == "circle" else "2px"
    parts = [
        f'<span style="display:inline-block;width:0.8em;height:0.8em;border-radius:{radius};'
        f'background:{html.escape(colour)};border:1px solid #333;margin:0 0.3em 0 0.8em;'
        f'vertical-align:middle"></span>{safe(label)}'
        for colour, label in items
    ]
    return '<div style="font-size:0.85rem;line-height:1.8">' + "".join(parts) + "</div>"


# -- drawing ---------------------------------------------------------------------------------
def show(m: folium.Map, *, key: str, height: int = 600,
         clickable: bool = True) -> dict[str, Any]:
    """Draw the map with streamlit-folium; returns what was clicked (``last_active_drawing``).

    ``clickable=False`` returns nothing to the app (the commissioners' map: no drill-down).
    """
    from streamlit_folium import st_folium

    # render=False: streamlit-folium renders the map itself (``Map.render``) either way; its
    # extra whole-page render only repeats the work for a map drawn fresh each run, as ours
    # are (a test checks both give the component the same arguments)
    out = st_folium(m, key=key, height=height, use_container_width=True,
                    returned_objects=["last_active_drawing"] if clickable else [],
                    render=False)
    return dict(out or {})
