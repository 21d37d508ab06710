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
    text = html.escape(str(value), quote=True)
    return (text.replace("\\", "&#92;").replace("$", "&#36;").replace("`", "&#96;")
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
    geo = json.loads(frame[[*columns, "geometry"]].to_crs("EPSG:4326").to_json(
        drop_id=True, na="null"))
    for feature, style in zip(geo["features"], styles, strict=True):
        feature["properties"] = _clean_properties({**feature["properties"],
                                                   "style": dict(style)})
    return geo


def lighten(areas: gpd.GeoDataFrame, *, tolerance: float = 0.0001) -> gpd.GeoDataFrame:
    """Boundaries simplified (about 10 m) and rounded to 5 decimals (1 m): a lighter page."""
    geo = areas.to_crs("EPSG:4326")
    simple = geo.geometry.simplify(tolerance, preserve_topology=True)
    rounded = shapely.transform(simple.to_numpy(), lambda xy: np.round(xy, 5))
    return geo.set_geometry(gpd.GeoSeries(rounded, index=geo.index, crs="EPSG:4326"))


def add_areas(m: folium.Map, areas: gpd.GeoDataFrame, *, name: str, tooltip: Sequence[str],
              aliases: Sequence[str], fill: Sequence[str | None] | None = None,
              fill_opacity: float = 0.6, weight: float = 1.2,
              outline: Sequence[str | None] | None = None,
              extra: Sequence[str] = ()) -> folium.GeoJson:
    """Polygons as one GeoJson layer: outline only, or filled with ``fill`` colours.

    ``tooltip`` columns are shown on hover with ``aliases`` as labels; ``extra`` columns ride
    along in the feature properties (what a click returns).
    """
    areas = lighten(areas)
    fills = list(fill) if fill is not None else [None] * len(areas)
    lines = list(outline) if outline is not None else [None] * len(areas)
    styles = [{"color": o or "#3a3a3a", "weight": weight * 2.5 if o else weight,
               "fill": True, "fillColor": f or "#ffffff",
               "fillOpacity": fill_opacity if f else 0.0}
              for f, o in zip(fills, lines, strict=True)]
    data = _feature_collection(areas, list(dict.fromkeys([*tooltip, *extra])), styles)
    layer = folium.GeoJson(
        data, name=name, zoom_on_click=False,
        tooltip=folium.GeoJsonTooltip(fields=list(tooltip), aliases=[safe(a) for a in aliases],
                                      sticky=True),
        highlight_function=lambda _f: {"weight": 3, "color": "#000000"},
    )
    layer.add_to(m)
    return layer


def add_points(m: folium.Map, points: pd.DataFrame, *, name: str, tooltip: Sequence[str],
               aliases: Sequence[str], colour: Sequence[str], radius: Sequence[float],
               extra: Sequence[str] = (), dashed: bool = False) -> folium.GeoJson | None:
    """Circle markers as one GeoJson layer (no icon images, one JS object)."""
    pts = points.dropna(subset=["lon", "lat"])
    if pts.empty:
        return None
    keep = list(dict.fromkeys([*tooltip, *extra]))
    styles = [{"radius": float(r), "color": "#222222" if not dashed else c, "weight": 1.5,
               "fill": True,
               "fillColor": c, "fillOpacity": 0.85, "dashArray": "3 3" if dashed else None}
              for c, r in zip(list(colour), list(radius), strict=True)]
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in rec.items()} for rec in pts[keep].to_dict("records")]
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [round(float(x), 5), round(float(y), 5)]},
         "properties": _clean_properties({**rec, "style": style})}
        for x, y, rec, style in zip(pts["lon"], pts["lat"], records, styles, strict=True)]}
    layer = folium.GeoJson(
        data, name=name, zoom_on_click=False, marker=folium.CircleMarker(radius=6),
        tooltip=folium.GeoJsonTooltip(fields=list(tooltip), aliases=[safe(a) for a in aliases]),
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


def add_incident_clusters(m: folium.Map, points: pd.DataFrame, *, name: str,
                          weight: str = "incidents", stroke: str = "#7a0177",
                          fill: str = "#c51b8a", dashed: bool = False,
                          css_class: str = "") -> folium.plugins.FastMarkerCluster | None:
    """Incidents clustered by place: each cluster shows how many incidents it holds.

    Only numbers go into the page (lat, lon, count); no names, so nothing to escape. Colours
    must be ``#rrggbb`` and ``css_class`` a plain word (they are written into the script).
    """
    if not (_HEX.match(stroke) and _HEX.match(fill) and re.fullmatch(r"[\w-]*", css_class)):
        raise ValueError("cluster colours must be #rrggbb and the class a plain word")
    callback = (_CLUSTER_CALLBACK.replace("STROKE", stroke).replace("FILL", fill)
                .replace("DASH", "'3 3'" if dashed else "null"))
    icon = _CLUSTER_ICON.replace("CLASS", css_class)
    pts = points.dropna(subset=["lon", "lat"])
    pts = pts[pts[weight] > 0]
    if pts.empty:
        return None
    rows = [[round(float(la), 5), round(float(lo), 5), int(n)] for la, lo, n in zip(
        pts["lat"].to_numpy(dtype=float), pts["lon"].to_numpy(dtype=float),
        pts[weight].to_numpy(dtype=int), strict=True)]
    layer = folium.plugins.FastMarkerCluster(
        rows, callback=callback, icon_create_function=icon, name=name,
        show=True, options={"showCoverageOnHover": False, "maxClusterRadius": 50},
    )
    layer.add_to(m)
    return layer


HEAT = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]


def add_density(m: folium.Map, cells: gpd.GeoDataFrame, *, name: str) -> folium.GeoJson | None:
    """A kernel-density heat layer: grid cells coloured by ``level`` (0-1), no outlines."""
    if cells.empty:
        return None
    styles = []
    for level in cells["level"].astype(float):
        i = min(len(HEAT) - 1, int(level * len(HEAT)))
        styles.append({"stroke": False, "fill": True, "fillColor": HEAT[i],
                       "fillOpacity": round(0.35 + 0.45 * level, 2)})
    frame = cells.assign(geometry=cells.geometry.simplify(0))
    data = _feature_collection(frame, ["level"], styles)
    layer = folium.GeoJson(data, name=name, zoom_on_click=False, interactive=False)
    layer.add_to(m)
    return layer


_CSS_EXTRA = """<style>
.csmap-homes div { background-color: rgba(123, 50, 148, 0.75) !important; color: #fff; }
.csmap-homes { background-color: rgba(194, 165, 207, 0.6) !important; }
.leaflet-container { background: #eef0f2; }
</style>"""


def finish(m: folium.Map, *, layer_control: bool = True) -> folium.Map:
    """Add the layer switcher and make every asset local. Call last."""
    if layer_control:
        folium.LayerControl(collapsed=True).add_to(m)
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


def show(m: folium.Map, *, key: str, height: int = 600,
         clickable: bool = True) -> dict[str, Any]:
    """Draw the map with streamlit-folium; returns what was clicked (``last_active_drawing``).

    ``clickable=False`` returns nothing to the app (the commissioners' map: no drill-down).
    """
    from streamlit_folium import st_folium

    out = st_folium(m, key=key, height=height, use_container_width=True,
                    returned_objects=["last_active_drawing"] if clickable else [])
    return dict(out or {})
