"""Run one page script the way the app does: through the page runner, with its role check
and its one error boundary (:func:`dashboard.nav.run`)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest


def _one_page(name: str) -> None:
    from dashboard import nav

    nav.run(only=name)


def page_app(page: str | Path, *, default_timeout: float = 60) -> AppTest:
    """An AppTest of the page script ``page`` (a path or a file name in dashboard/views)."""
    return AppTest.from_function(_one_page, args=(Path(page).name,),
                                 default_timeout=default_timeout)
