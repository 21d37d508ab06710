"""Browser test: an analyst checks a sample file on the Import page in headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import browser_support as browser

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_import_page_checks_a_sample_in_chromium(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "import-browser.duckdb"
    shutil.copy(demo_db, db)  # the server holds its own copy read-write
    with browser.serve_app(db) as url, browser.chromium() as page:
        browser.open_page_as(page, url, role="Police intelligence analyst", nav="Import",
                             text="Import agency data")
        page.get_by_test_id("stMain").get_by_test_id("stSelectbox").nth(0).click()
        page.get_by_role("option", name="person_records_education.csv").click()
        browser.wait_for_app(page)
        page.get_by_test_id("stMain").get_by_test_id("stSelectbox").nth(2).click()
        page.get_by_role("option", name="EDU", exact=True).click()
        browser.wait_for_app(page)
        page.get_by_role("button", name="Check file").click()
        browser.wait_for_app(page, text="Validation report")
        browser.assert_no_exception(page)
        assert page.get_by_text("3 accepted + 0 rejected = 3 rows").count() == 1
        shot = browser.screenshot(page, "import-check")
        assert shot.stat().st_size > 20_000
        page.get_by_role("tab", name="Merge review").click()
        page.get_by_role("button", name="Find candidate matches").click()
        browser.wait_for_app(page, text="Pair to decide")
        browser.assert_no_exception(page)
        browser.screenshot(page, "import-merge-review")
        assert not page.blocked_requests, page.blocked_requests
