"""Browser test: an administrator opens the Data protection page in headless Chromium."""

from __future__ import annotations

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


def test_data_protection_page_in_chromium(demo_db: Path) -> None:
    with serve_app(demo_db) as url, chromium() as page:
        sign_in(page, url + "/", role_label="Administrator")
        page.get_by_test_id("stSidebarNav").get_by_text("Data protection", exact=True).click()
        wait_for_app(page, text="Subject access report")
        page.get_by_label("Search by pseudonym").fill("YP-00012")
        page.get_by_label("Search by pseudonym").press("Enter")
        wait_for_app(page, text="YP-00012")
        assert_no_exception(page)
        assert page.get_by_text("Who it was shared with (audit trail)").count() >= 1
        shot = screenshot(page, "data-protection")
        assert shot.stat().st_size > 20_000
        page.get_by_role("tab", name="Delete a person").click()
        wait_for_app(page, text="Type YP-00012 to confirm")
        screenshot(page, "data-protection-delete")
        page.get_by_role("tab", name="Retention review").click()
        wait_for_app(page, text="Extend a concern")
        screenshot(page, "data-protection-retention")
        page.get_by_role("tab", name="Disproportionality").click()
        wait_for_app(page, text="Adults of concern, against all adults held")
        assert_no_exception(page)
        screenshot(page, "data-protection-equality")
        assert not page.blocked_requests, page.blocked_requests
