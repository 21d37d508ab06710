"""Browser test: the Child and Panel pages in headless Chromium (screenshots in artifacts/)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from dashboard import common
from data import meetings
from data.store import Store
from domain.access import Role, Viewer
from services import briefing
from tests import browser_support as browser

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def meeting_db(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo town with a meeting: three accepted items, a decision, actions."""
    path = tmp_path / "meeting.duckdb"
    shutil.copyfile(demo_db, path)
    with Store.open(path) as store:
        chair = Viewer("demo-panel", Role.PANEL, "MACE panel preparation (demo)")
        as_of = common.as_of(store)
        mid = meetings.create_meeting(store, chair, held_on=as_of - timedelta(days=20),
                                      title="MACE panel (demo)")
        _, items = briefing.suggestions(store, chair, meeting_id=mid, held_on=as_of,
                                        as_of=as_of)
        chosen = [next(i for i in items if i.subject_kind == k) for k in ("child", "place")]
        for k, it in enumerate(chosen):
            iid = meetings.add_item(store, chair, meeting_id=mid, subject_kind=it.subject_kind,
                                    subject_id=it.subject_id, reason=it.reason, position=k)
            meetings.add_action(store, chair, meeting_id=mid, item_id=iid,
                                fields=meetings.ActionFields(
                                    tactic=("safety_planning", "licensing_review")[k],
                                    description="Agreed at panel", owner_name="Jo Bell",
                                    owner_role="Team manager", owner_agency=("CSC", "LIC")[k],
                                    due_date=as_of + timedelta(days=10 - 20 * k),  # one overdue
                                    review_date=as_of + timedelta(days=30)))
    return path


def test_child_page_in_chromium(demo_db: Path) -> None:
    with browser.serve_app(demo_db) as url, browser.chromium() as page:
        page.set_viewport_size({"width": 1440, "height": 5200})  # the app scrolls inside
        browser.sign_in(page, url + "/child")
        browser.wait_for_app(page, text="Multi-agency chronology")
        browser.assert_no_exception(page)
        assert page.get_by_text("Reachable moments").count() >= 1
        page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=30_000)
        page.wait_for_timeout(3000)  # data grids paint after the script finishes
        shot = browser.screenshot(page, "child")
        assert shot.stat().st_size > 50_000
        page.get_by_label("Reason for showing names").fill("Browser test of named mode")
        page.get_by_role("button", name="Show names").click()  # the child's words, by name
        browser.wait_for_app(page, text="Multi-agency chronology")
        page.wait_for_timeout(2000)
        assert page.get_by_text("switch to multi-agency mode").count() == 0
        browser.assert_no_exception(page)
        browser.screenshot(page, "child-named")
        assert not page.blocked_requests, page.blocked_requests


def test_panel_page_in_chromium(meeting_db: Path) -> None:
    with browser.serve_app(meeting_db) as url, browser.chromium() as page:
        page.set_viewport_size({"width": 1440, "height": 3400})
        browser.sign_in(page, url + "/panel")
        browser.wait_for_app(page, text="Suggested items")
        browser.assert_no_exception(page)
        page.wait_for_timeout(2000)
        browser.screenshot(page, "panel-agenda")
        page.get_by_role("tab", name="Item summary").click()
        browser.wait_for_app(page, text="Map extract")
        browser.assert_no_exception(page)
        page.wait_for_timeout(3000)
        browser.screenshot(page, "panel-item")
        page.get_by_role("tab", name="Decisions and actions").click()
        browser.wait_for_app(page, text="Open actions from every meeting")
        page.wait_for_timeout(3000)
        shot = browser.screenshot(page, "panel-actions")
        assert shot.stat().st_size > 30_000
        assert not page.blocked_requests, page.blocked_requests


def test_the_whole_panel_meeting_in_chromium(demo_db: Path) -> None:
    """Create a meeting, agenda (a child and a person of concern), attendance, an action,
    the decision saved and changed after the action exists, and the pack downloaded."""
    from tests import browser_panel_flow

    with browser.serve_app(demo_db) as url, browser.chromium() as page:
        page.set_viewport_size({"width": 1440, "height": 3600})
        browser.sign_in(page, url + "/panel")
        timings = browser_panel_flow.run(page, "panel-flow")
        assert timings["file"] > 20_000  # the pack PDF was downloaded
        assert not page.blocked_requests, page.blocked_requests
