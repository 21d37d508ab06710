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

The layers that carry data (areas, points, clusters, heat) are in
:mod:`services.map_layers`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import branca.element
import folium
import folium.plugins
import pandas as pd

from domain import settings
from domain.errors import ValidationError
from services.offline_assets import localise


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
    """Branca's ``MacroElement.render``, except that rendered output is kept as text.

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


_CSS_EXTRA = """<style>
.csmap-homes div { background-color: rgba(123, 50, 148, 0.75) !important; color: #fff; }
.csmap-homes { background-color: rgba(194, 165, 207, 0.6) !important; }
.leaflet-container { background: #eef0f2; }
.csmap-area-label { background: transparent; border: none; box-shadow: none; padding: 0;
  font-size: 10px; font-weight: 600; color: #222; text-shadow: 0 0 2px #fff, 0 0 2px #fff; }
.csmap-area-label::before { display: none; }
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
