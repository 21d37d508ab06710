"""Run one page script the way the app does: through the page runner, with its role check
and its one error boundary (:func:`dashboard.nav.run`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest


def _one_page(name: str) -> None:
    from dashboard import nav

    nav.run(only=name)


def page_app(page: str | Path, *, default_timeout: float = 60) -> AppTest:
    """An AppTest of the page script ``page`` (a path or a file name in dashboard/views)."""
    return AppTest.from_function(_one_page, args=(Path(page).name,),
                                 default_timeout=default_timeout)


def private_copy(source: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, *,
                 name: str) -> Path:
    """A copy of the database ``source`` in ``folder`` that pages open (CSMAP_DB_PATH points at
    it), for tests whose pages write."""
    path = folder / name
    shutil.copy(source, path)
    monkeypatch.setenv("CSMAP_DB_PATH", str(path))
    return path
