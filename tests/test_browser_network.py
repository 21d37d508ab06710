"""Browser test: the Network page draws its graph (a canvas) in headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from data.store import Store
from tests import network_town
from tests.browser_support import (
    assert_no_exception,
    chromium,
    screenshot,
    serve_app,
    sign_in,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _graph_canvas_drawn(page: object, name: str) -> None:
    frame_el = page.locator("iframe[title*='csmap_cytoscape']").first  # type: ignore[attr-defined]
    frame_el.wait_for(timeout=45_000)
    frame = frame_el.content_frame
    frame.locator("canvas").first.wait_for(timeout=45_000)
    page.wait_for_timeout(2500)  # layout settles
    assert frame.locator("canvas").count() >= 1
    # the component's own toolbar Export (unaudited JSON with names) is gone; the rest stays
    assert frame.locator("#toolbarRefresh").is_visible()
    assert not frame.locator("#toolbarExport").is_visible()
    assert not frame.locator("#exportDialog").is_visible()
    frame_el.screenshot(path=str(screenshot(page, name).with_name(f"{name}-graph.png")))


def test_network_graph_renders_on_demo_town(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)  # the served process must own its file
    with serve_app(db) as url, chromium() as page:
        sign_in(page, url + "/network")
        wait_for_app(page, text="Synthetic demo data")
        wait_for_app(page, text="Leads to check")
        assert_no_exception(page)
        _graph_canvas_drawn(page, "network-demo")
        # choose the top lead: its explanation appears and its paths are highlighted
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Highlight a lead")
        box.first.locator("input, [role=combobox]").first.click()
        page.get_by_role("option").nth(1).click()
        wait_for_app(page, text="not a finding")
        assert_no_exception(page)
        _graph_canvas_drawn(page, "network-demo-lead")
        assert not page.blocked_requests, page.blocked_requests


def test_network_graph_renders(tmp_path: Path) -> None:
    db = tmp_path / "town.duckdb"
    with Store.open(db, create=True) as store:
        network_town.build(store)
    with serve_app(db) as url, chromium() as page:
        sign_in(page, url + "/network")
        wait_for_app(page, text="Leads to check")
        assert_no_exception(page)
        _graph_canvas_drawn(page, "network")
        assert not page.blocked_requests, page.blocked_requests
