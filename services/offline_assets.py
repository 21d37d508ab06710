"""Leaflet, jQuery, Leaflet.markercluster and Font Awesome served from installed packages.

folium's elements name their JavaScript and CSS by CDN URL; streamlit-folium's frontend
loads exactly those URLs into its iframe, so with no internet the map is blank.
:func:`localise` replaces each one by a ``data:`` URI built from the xstatic packages and
refuses any other external asset (:class:`OfflineAssetError`), so a forgotten plugin fails
loudly in tests instead of showing a blank map in a meeting room.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

import folium

from domain.errors import CSMapError


class OfflineAssetError(CSMapError, RuntimeError):
    """A map element wants a script or stylesheet we cannot serve offline (a programming
    error, shown readably by the page boundary)."""


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
