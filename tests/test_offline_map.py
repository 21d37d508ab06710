"""The offline map component: local assets only, tiles setting, and escaping of data strings."""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import pandas as pd
import pytest

from dashboard.components import offline_map, panel_map
from data.errors import ValidationError
from tests.places_town import WARDS_FILE, XSS_IMG, XSS_TPL

EXTERNAL = re.compile(r"""<(?:script|link)[^>]+(?:src|href)=["']?(?:https?:)?//""", re.I)


def _wards() -> gpd.GeoDataFrame:
    w = gpd.read_file(WARDS_FILE)
    return w.rename(columns={"WD13CD": "ward_code", "WD13NM": "name"})[
        ["ward_code", "name", "geometry"]]


def _places() -> pd.DataFrame:
    return pd.DataFrame({
        "place_id": ["a", "b", "c"], "kind": ["takeaway", "hotel", "park"],
        "name": [XSS_IMG, XSS_TPL, "Back\\slash `tick`"],
        "lon": [-2.44, -2.30, -2.35], "lat": [53.10, 53.20, 53.15],
        "incidents": [5, 2, 0], "children": [3, 1, 0]})


def test_safe_escapes_html_and_template_string_syntax() -> None:
    assert offline_map.safe(XSS_IMG) == "&lt;img src=x onerror=alert(1)&gt;"
    assert offline_map.safe(XSS_TPL) == "&#36;&#123;alert(1)&#125;"
    assert offline_map.safe("a`b\\c") == "a&#96;b&#92;c"
    assert offline_map.safe(None) == "" and offline_map.safe(float("nan")) == ""


def test_panel_map_uses_no_cdn_and_escapes_every_name() -> None:
    homes = pd.DataFrame({"place_id": ["h"], "lon": [-2.4], "lat": [53.1], "ward": [XSS_TPL],
                          "incidents": [2], "kinds": ["domestic_abuse_at_home"]})
    html = offline_map.render_html(panel_map.build(_wards(), _places(), homes))
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    assert "data:text/javascript;base64," in html
    assert "<img src=x" not in html and "${alert" not in html and "`tick`" not in html
    assert "\\u0026#36;\\u0026#123;alert(1)" in html  # the escaped text, inside JSON
    assert "L.markerClusterGroup" in html and "circleMarker" in html
    assert "Alderley Edge" in html  # ward names reach the tooltips


def test_an_asset_without_offline_copy_is_refused() -> None:
    m = offline_map.base_map([-2.6, 53.0, -2.2, 53.3])
    folium.plugins.HeatMap([[53.1, -2.4, 1.0]]).add_to(m)
    with pytest.raises(offline_map.OfflineAssetError, match="no offline copy"):
        offline_map.finish(m)


def test_tiles_come_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert offline_map.tile_choice() == (None, "")
    monkeypatch.setenv("CSMAP_MAP_TILES", "osm")
    url, attribution = offline_map.tile_choice()
    assert url and "openstreetmap" in url and "OpenStreetMap" in attribution
    monkeypatch.setenv("CSMAP_MAP_TILES", "https://tiles.example.org/{z}/{x}/{y}.png")
    html = offline_map.render_html(offline_map.finish(offline_map.base_map(
        [-2.6, 53.0, -2.2, 53.3])))
    assert "tiles.example.org/{z}/{x}/{y}.png" in html
    monkeypatch.setenv("CSMAP_MAP_TILES", "ftp://nope")
    with pytest.raises(ValidationError, match="tile URL"):
        offline_map.tile_choice()


def test_legend_is_escaped_html() -> None:
    text = offline_map.legend_markdown([("#000000", XSS_IMG)])
    assert "<img src=x" not in text and "&lt;img" in text


def test_data_is_never_evaluated_as_a_template() -> None:
    """branca compiled rendered output as Jinja: ``{{ 7*7 }}`` in data became 49 (and worse)."""
    import folium

    from dashboard.components import offline_map

    m = folium.Map()
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]},
               "properties": {"name": "{{ 7*7 }}", "other": "{% if true %}x{% endif %}"}}
    folium.GeoJson({"type": "FeatureCollection", "features": [feature]}).add_to(m)
    html = offline_map.render_html(m)
    assert "{{ 7*7 }}" in html and "{% if true %}" in html
    assert offline_map.safe("{{ 7*7 }}") == "&#123;&#123; 7*7 &#125;&#125;"
