"""Browser test: the Network page draws its graph (a canvas) in headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from data.store import Store
from tests import browser_support as browser
from tests import network_town

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _graph_canvas_drawn(page: object, name: str) -> None:
    frame_el = page.locator("iframe[title*='streamlit_cytoscape']").first  # type: ignore[attr-defined]
    frame_el.wait_for(timeout=45_000)
    frame = frame_el.content_frame
    frame.locator("canvas").first.wait_for(timeout=45_000)
    page.wait_for_timeout(2500)  # layout settles
    assert frame.locator("canvas").count() >= 1
    frame_el.screenshot(path=str(browser.screenshot(page, name).with_name(f"{name}-graph.png")))


def test_network_graph_renders_on_demo_town(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)  # the served process must own its file
    with browser.serve_app(db) as url, browser.chromium() as page:
        browser.sign_in(page, url + "/network")
        browser.wait_for_app(page, text="Synthetic demo data")
        browser.wait_for_app(page, text="Leads to check")
        browser.assert_no_exception(page)
        _graph_canvas_drawn(page, "network-demo")
        # choose the top lead: its explanation appears and its paths are highlighted
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Highlight a lead")
        page.mouse.wheel(0, 3000)  # the leads are under the full-width graph
        box.first.scroll_into_view_if_needed()
        box.first.locator("input, [role=combobox]").first.click()
        page.get_by_role("option").nth(1).click()
        browser.wait_for_app(page, text="not a finding")
        assert page.get_by_text("Evidence, oldest first").count() == 1
        browser.assert_no_exception(page)
        _graph_canvas_drawn(page, "network-demo-lead")
        assert not page.blocked_requests, page.blocked_requests


def test_network_graph_renders(tmp_path: Path) -> None:
    db = tmp_path / "town.duckdb"
    with Store.open(db, create=True) as store:
        network_town.build(store)
    with browser.serve_app(db) as url, browser.chromium() as page:
        browser.sign_in(page, url + "/network")
        browser.wait_for_app(page, text="Leads to check")
        browser.assert_no_exception(page)
        _graph_canvas_drawn(page, "network")
        assert not page.blocked_requests, page.blocked_requests
