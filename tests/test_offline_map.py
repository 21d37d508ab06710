"""The offline map component: local assets only, tiles setting, and escaping of data strings."""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from domain.errors import ValidationError
from services import map_data, offline_assets, offline_map, panel_map
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
    with pytest.raises(offline_assets.OfflineAssetError, match="no offline copy"):
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

    from services import offline_map

    m = folium.Map()
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]},
               "properties": {"name": "{{ 7*7 }}", "other": "{% if true %}x{% endif %}"}}
    folium.GeoJson({"type": "FeatureCollection", "features": [feature]}).add_to(m)
    html = offline_map.render_html(m)
    assert "{{ 7*7 }}" in html and "{% if true %}" in html
    assert offline_map.safe("{{ 7*7 }}") == "&#123;&#123; 7*7 &#125;&#125;"


def _defined_and_used(script: str) -> tuple[set[str], set[str]]:
    defined = set(re.findall(r"(?:var|function) (\w+)\s*[=(]", script))
    used = set(re.findall(r"\b((?:geo_json|fast_marker_cluster|image_overlay|custom_pane)_\w+?)"
                          r"(?:\.|\)|,|;|\s)", script))
    return defined, used


def test_kept_map_data_draws_the_same_map_every_rerun() -> None:
    """The Map page keeps MapData between reruns and draws a new map from it each time: the
    drawing must not change the data, and streamlit-folium must see the same map (same
    component key, so the click that opened a profile is kept) with no dangling variable."""
    import copy

    from streamlit_folium import generate_js_hash, generate_leaflet_string

    homes = pd.DataFrame({"lon": [-2.4], "lat": [53.1], "incidents": [2]})
    data = panel_map.prepare(_wards(), _places(), homes)
    before = copy.deepcopy((data.wards, data.places, data.incidents, data.homes))
    scripts = []
    for _ in range(2):
        m = panel_map.draw(data)
        m.get_root().render()
        scripts.append(generate_leaflet_string(m))
    assert generate_js_hash(scripts[0], "k") == generate_js_hash(scripts[1], "k")
    assert (data.wards, data.places, data.incidents, data.homes) == before
    defined, used = _defined_and_used(scripts[1])
    assert used and used <= defined, used - defined
    assert "L.imageOverlay" in scripts[1] and "data:image/png;base64," in scripts[1]


def test_heat_image_is_clear_where_there_is_no_density() -> None:
    from analytics import places as place_stats

    kd = place_stats.kernel_density(_places(), weight="incidents", bandwidth_m=1500,
                                    cell_m=200)
    image = map_data.density_image(kd)
    assert image is not None and image.rgba.shape[:2] == kd.grid.shape
    alpha = image.rgba[..., 3]
    assert alpha.max() == round(255 * 0.8) and (alpha == 0).mean() > 0.5
    assert image.bounds == kd.bounds
    empty = place_stats.kernel_density(_places().iloc[0:0])
    assert map_data.density_image(empty) is None


def test_drawing_without_the_page_render_gives_streamlit_folium_the_same_map(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """show() skips streamlit-folium's whole-page render and reads layer bounds from the
    GeoJSON bbox: the component must get exactly what it gets with folium's own way."""
    import streamlit_folium

    from services.map_layers import _GeoJson

    homes = pd.DataFrame({"lon": [-2.4], "lat": [53.1], "incidents": [2]})
    data = panel_map.prepare(_wards(), _places(), homes)
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: calls.append(kw))
    for render in (True, False):
        streamlit_folium.st_folium(panel_map.draw(data), key="k", render=render,
                                   returned_objects=["last_active_drawing"])
    ids = re.compile(r"_[0-9a-f]{32}")

    def same(args: dict[str, object]) -> dict[str, object]:
        return {k: ids.sub("_ID", v) if isinstance(v, str) else v for k, v in args.items()
                if k != "on_change"}

    assert same(calls[0]) == same(calls[1])
    m = panel_map.draw(data)
    layers = [c for c in m._children.values() if isinstance(c, _GeoJson)]
    assert len(layers) == 2  # wards and places
    for layer in layers:
        ours = np.asarray(layer._get_self_bounds(), dtype=float)
        folium_own = np.asarray(folium.GeoJson._get_self_bounds(layer), dtype=float)
        assert np.allclose(ours, folium_own, atol=1e-5)


def test_the_one_html_legend_escapes_a_hostile_label() -> None:
    """Map legends are the only raw HTML a page writes: a label from a record is text."""
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        from dashboard.components import map_view

        map_view.legend([("#123456", "<img src=x onerror=alert(1)>"), ("red", "${x}")])

    at = AppTest.from_function(page).run()
    html = at.markdown[0].value
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "${x}" not in html and "&#36;&#123;x&#125;" in html
