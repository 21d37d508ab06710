"""The panel chair's whole meeting in Chromium, shared by the browser test (small demo town)
and ``benchmarks/panel_browser.py`` (county town): create a meeting, put a child and a person
of concern on the agenda, record attendance, record an action, then save and edit the
decision after the action exists, and build and download the pack.

Each step waits for CSMap's own success message, and fails on any exception or error box.
Screenshots go to ``artifacts/<prefix>-*.png``; the pack to ``artifacts/<prefix>.pdf``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.browser_support import ARTIFACTS, assert_no_exception, screenshot, wait_for_app


def _no_error(page: Any) -> None:
    assert_no_exception(page)
    errors = page.locator('[data-testid="stAlertContentError"]')
    texts = [errors.nth(k).inner_text() for k in range(errors.count())]
    assert not [t for t in texts if "overdue" not in t], texts


def _choose(page: Any, label: str, option: str | None = None) -> None:
    """Pick ``option`` (or the first option) in the select box labelled ``label``."""
    page.get_by_role("combobox", name=label).last.click()
    options = page.get_by_role("option")
    (options.filter(has_text=option).first if option else options.first).click()
    wait_for_app(page)


def _person(page: Any, name: tuple[str, str], role: tuple[str, str], agency: str) -> None:
    """Fill a named person, their role, and the first agency."""
    for label, value in (name, role):
        page.get_by_label(label).fill(value)
    _choose(page, agency)


def _tab(page: Any, name: str, text: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_for_app(page, text=text)


def _ok(page: Any, text: str) -> None:
    try:
        page.get_by_text(text, exact=False).first.wait_for(timeout=90_000)
    except Exception:
        screenshot(page, "panel-flow-failed")  # what the page showed instead
        raise
    wait_for_app(page)
    _no_error(page)


def run(page: Any, prefix: str) -> dict[str, float]:
    """Drive the flow on the Panel page (signed in, no meeting yet); returns seconds per
    step and the pack's size in bytes."""
    timings: dict[str, float] = {}
    t = time.monotonic()
    wait_for_app(page, text="New meeting")
    page.get_by_label("Title").fill("MACE panel, browser flow")
    page.get_by_role("button", name="Create meeting").click()
    wait_for_app(page, text="Suggested items", timeout_ms=120_000)
    page.get_by_role("button", name="Accept").first.wait_for(timeout=120_000)
    timings["create meeting and suggestions"] = time.monotonic() - t
    t = time.monotonic()
    page.get_by_role("button", name="Accept").first.click()
    _ok(page, "1. Child:")
    page.get_by_role("radiogroup", name="Kind").get_by_text("Person of concern").click()
    # the subject list now holds adults of concern (the child search has gone)
    page.get_by_text("Find a child by pseudonym").wait_for(state="hidden", timeout=90_000)
    wait_for_app(page)
    page.get_by_label("Why it is on the agenda").fill("Linked to children on this agenda")
    page.get_by_role("button", name="Add to agenda").click()
    _ok(page, "2. Person of concern:")
    timings["agenda"] = time.monotonic() - t
    screenshot(page, f"{prefix}-agenda")
    t = time.monotonic()
    _tab(page, "Attendance", "Attendance and next meeting")
    _person(page, ("Attendee's name", "Pat Moss"), ("Attendee's role", "Chair"),
            "Attendee's agency")
    page.get_by_role("button", name="Add to attendance").click()
    _ok(page, "Pat Moss")
    page.get_by_role("button", name="Save next meeting date").click()
    _ok(page, "Next meeting:")
    screenshot(page, f"{prefix}-attendance")
    _tab(page, "Decisions and actions", "New action")
    _choose(page, "Agenda item", "Child:")
    page.get_by_role("button", name="Save action").click()  # no tactic chosen yet
    page.get_by_text("Choose a tactic", exact=False).first.wait_for(timeout=30_000)
    _choose(page, "Tactic", "Strategy meeting")
    page.get_by_label("What will be done").fill("Strategy meeting; she consented is not "
                                                "a reason to wait")
    _person(page, ("Owner (a named person)", "Sam Reid"), ("Owner's role", "Team manager"),
            "Owner's agency")
    page.get_by_role("button", name="Save action").click()
    _ok(page, "Action saved: Strategy meeting, owner Sam Reid (Team manager)")
    page.get_by_role("button", name="Save action").wait_for()
    timings["attendance and action"] = time.monotonic() - t
    _tab(page, "Decisions and actions", "Open actions from every meeting")
    page.wait_for_timeout(1500)
    screenshot(page, f"{prefix}-actions")
    t = time.monotonic()
    _tab(page, "Item summary", "Map extract")
    page.get_by_label("Decision").fill("Strategy meeting within 5 days.")
    page.get_by_role("button", name="Save decision").click()
    _ok(page, "Decision saved")
    page.get_by_label("Decision").fill("Strategy meeting tomorrow; child protection medical "
                                       "offered today.")
    page.get_by_role("button", name="Save decision").click()
    _ok(page, "Decision saved")
    timings["decision after the action, twice"] = time.monotonic() - t
    page.wait_for_timeout(2000)
    screenshot(page, f"{prefix}-item")
    t = time.monotonic()
    _tab(page, "Meeting pack", "Purpose of this export")
    page.get_by_label("Purpose of this export (recorded in the audit trail)").fill(
        "Circulate to panel members")
    page.get_by_role("textbox", name="Recipients (who will receive it)").fill(
        "MACE panel members")
    page.get_by_role("button", name="Build meeting pack").click()
    _ok(page, "Pack built")
    timings["build pack"] = time.monotonic() - t
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    pdf = ARTIFACTS / f"{prefix}.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename.startswith("meeting-pack-")
    assert pdf.read_bytes().startswith(b"%PDF")
    screenshot(page, f"{prefix}-pack")
    timings["file"] = float(Path(pdf).stat().st_size)
    return timings
