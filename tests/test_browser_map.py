"""Browser test: the Map page renders offline in Chromium with every non-loopback request
blocked, and names with script payloads stay text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import browser_support as browser
from tests.places_town import make_town

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_map_renders_offline_with_wards_and_markers(tmp_path: Path) -> None:
    db = make_town(tmp_path / "town.duckdb")
    with browser.serve_app(db) as url, browser.chromium() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        browser.sign_in(page, url + "/map")
        # deep link: the page runs on its own (the role defaults to panel)
        browser.wait_for_app(page, text="Online spaces", timeout_ms=90_000)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        frame.locator(".leaflet-container").wait_for(timeout=60_000)
        paths = frame.locator("path.leaflet-interactive")
        paths.first.wait_for(timeout=30_000)
        n_paths = paths.count()
        assert n_paths >= 52 + 4, n_paths  # every ward outline plus the place circles
        # incident clusters start unticked in the map's layer box; ticking them draws them
        # in the browser, with no rerun of the app
        assert frame.locator(".marker-cluster").count() == 0
        frame.locator(".leaflet-control-layers").get_by_text("Incident clusters").click()
        frame.locator(".marker-cluster").first.wait_for(timeout=10_000)
        assert page.locator('[data-testid="stStatusWidget"]').count() == 0
        # hover the takeaway whose name is an <img onerror> payload: shown as text
        page.wait_for_timeout(500)
        browser.assert_no_exception(page)
        shot = browser.screenshot(page, "map_offline")
        assert shot.stat().st_size > 20_000
        assert not page.blocked_requests, page.blocked_requests
        assert not dialogs, f"a data string ran as script: {dialogs}"
        html = frame.locator("body").inner_html()
        assert "<img src=\"x\"" not in html and "<img src=x" not in html
        # clicking a ward on the map opens its location assessment
        def click_ward(code: str) -> None:
            live = next(f for f in page.frames if "st_folium" in f.url)
            x, y = live.evaluate("""(code) => { let out = null; map_div.eachLayer(l => {
                if (!out && l.feature && l.feature.properties.id === code) {
                    const c = map_div.latLngToContainerPoint(l.getCenter()); out = [c.x, c.y];
                } }); return out; }""", code)
            box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + x, box["y"] + y)

        wards = frame.locator("body").evaluate(
            "() => { const out = []; map_div.eachLayer(l => { if (l.feature && "
            "l.feature.properties.scope === 'ward') out.push([l.feature.properties.id, "
            "l.feature.properties.name]); }); return out; }")
        names = dict(wards)
        click_ward("E05008627")
        page.get_by_text(f"Location assessment: {names['E05008627']}").first.wait_for(
            timeout=30_000)
        # the map is drawn again from kept data on that rerun: a second click still works
        page.wait_for_timeout(1_000)
        click_ward("E05008632")
        page.get_by_text(f"Location assessment: {names['E05008632']}").first.wait_for(
            timeout=30_000)
        browser.assert_no_exception(page)
        assert not dialogs


def test_demo_town_map_profile_and_hotspots_render_offline(demo_db: Path) -> None:
    with browser.serve_app(demo_db) as url, browser.chromium() as page:
        browser.sign_in(page, url + "/map")
        browser.wait_for_app(page, text="Online spaces", timeout_ms=90_000)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        assert frame.locator(".marker-cluster").count() >= 1  # homes, clustered
        browser.screenshot(page, "map_demo")
        combo = page.get_by_role("combobox", name="Profile a ward")
        combo.click()
        combo.fill("Audlem")
        page.wait_for_timeout(500)
        page.keyboard.press("Enter")
        browser.wait_for_app(page, text="Kinds of harm", timeout_ms=60_000)
        page.get_by_text("Kinds of harm").first.scroll_into_view_if_needed()
        browser.assert_no_exception(page)
        browser.screenshot(page, "map_demo_ward_profile")
        page.get_by_text("Guardianship and strengths").first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        browser.screenshot(page, "map_demo_ward_profile_detail")
        assert not page.blocked_requests, page.blocked_requests

        page.get_by_test_id("stSidebarNav").get_by_text("Hotspots", exact=True).click()
        browser.wait_for_app(page, text="Where: ward rates and clusters", timeout_ms=90_000)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
        frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        assert frame.locator("path.leaflet-interactive").count() == 52  # wards, no points
        assert frame.locator(".marker-cluster").count() == 0
        assert frame.locator(".csmap-area-label").count() >= 10  # ward names written on it
        browser.assert_no_exception(page)
        browser.screenshot(page, "hotspots_demo")
        page.get_by_text("Trend and data coverage").click()
        browser.wait_for_app(page, text="Trend by quarter", timeout_ms=90_000)
        assert page.get_by_text("Data starts").count() >= 1
        browser.assert_no_exception(page)
        assert not page.blocked_requests, page.blocked_requests
