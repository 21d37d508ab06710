"""Browser test: serve the demo, open it in Debian's headless Chromium, look at the Overview."""

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


def test_overview_renders_in_chromium(demo_db: Path) -> None:
    with serve_app(demo_db) as url, chromium() as page:
        sign_in(page, url + "/")  # the first page is served at the root
        wait_for_app(page, text="Children with open concerns")
        assert page.get_by_text("Synthetic demo data").count() >= 1
        assert_no_exception(page)
        shot = screenshot(page, "overview")
        assert shot.stat().st_size > 20_000
        assert not page.blocked_requests, page.blocked_requests
