"""Browser test: an analyst checks a sample file on the Import page in headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser_support import (
    assert_no_exception,
    chromium,
    screenshot,
    serve_app,
    sign_in,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_import_page_checks_a_sample_in_chromium(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "import-browser.duckdb"
    shutil.copy(demo_db, db)  # the server holds its own copy read-write
    with serve_app(db) as url, chromium() as page:
        sign_in(page, url + "/", role_label="Police intelligence analyst")
        page.get_by_test_id("stSidebarNav").get_by_text("Import", exact=True).click()
        wait_for_app(page, text="Import agency data")
        page.get_by_test_id("stMain").get_by_test_id("stSelectbox").nth(0).click()
        page.get_by_role("option", name="person_records_education.csv").click()
        wait_for_app(page)
        page.get_by_test_id("stMain").get_by_test_id("stSelectbox").nth(2).click()
        page.get_by_role("option", name="EDU", exact=True).click()
        wait_for_app(page)
        page.get_by_role("button", name="Check file").click()
        wait_for_app(page, text="Validation report")
        assert_no_exception(page)
        assert page.get_by_text("3 accepted + 0 rejected = 3 rows").count() == 1
        shot = screenshot(page, "import-check")
        assert shot.stat().st_size > 20_000
        page.get_by_role("tab", name="Merge review").click()
        page.get_by_role("button", name="Find candidate matches").click()
        wait_for_app(page, text="Pair to decide")
        assert_no_exception(page)
        screenshot(page, "import-merge-review")
        assert not page.blocked_requests, page.blocked_requests
