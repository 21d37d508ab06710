"""Browser test: an administrator opens the Data protection page in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import browser_support as browser

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_data_protection_page_in_chromium(demo_db: Path) -> None:
    with browser.serve_app(demo_db) as url, browser.chromium() as page:
        browser.open_page_as(page, url, role="Administrator", nav="Data protection",
                             text="Subject access report")
        page.get_by_label("Search by pseudonym").fill("YP-00012")
        page.get_by_label("Search by pseudonym").press("Enter")
        browser.wait_for_app(page, text="YP-00012")
        browser.assert_no_exception(page)
        assert page.get_by_text("Who it was shared with (audit trail)").count() >= 1
        shot = browser.screenshot(page, "data-protection")
        assert shot.stat().st_size > 20_000
        page.get_by_role("tab", name="Delete a person").click()
        browser.wait_for_app(page, text="Type YP-00012 to confirm")
        browser.screenshot(page, "data-protection-delete")
        page.get_by_role("tab", name="Retention review").click()
        browser.wait_for_app(page, text="Extend a concern")
        browser.screenshot(page, "data-protection-retention")
        page.get_by_role("tab", name="Disproportionality").click()
        browser.wait_for_app(page, text="Adults of concern, against all adults held")
        browser.assert_no_exception(page)
        browser.screenshot(page, "data-protection-equality")
        assert not page.blocked_requests, page.blocked_requests
