"""Browser test: serve the demo, open it in Debian's headless Chromium, look at the Overview."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import browser_support as browser

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_overview_renders_in_chromium(demo_db: Path) -> None:
    with browser.serve_app(demo_db) as url, browser.chromium() as page:
        browser.sign_in(page, url + "/")  # the first page is served at the root
        browser.wait_for_app(page, text="Children with open concerns")
        assert page.get_by_text("Synthetic demo data").count() >= 1
        browser.assert_no_exception(page)
        shot = browser.screenshot(page, "overview")
        assert shot.stat().st_size > 20_000
        assert not page.blocked_requests, page.blocked_requests
