"""Run one page script the way the app does: through the page runner, with sign-in, its role
check and its one error boundary (:func:`dashboard.nav.run`).

The test's session is signed in through the same call the sign-in form makes once a password
is verified (:func:`dashboard.auth.start`), as a test user holding every role; the role acted
in is ``csmap_role`` in session state (as the sidebar sets it). ``csmap_mode = "named"`` asks
for names through the same audited grant the sidebar's "Show names" button makes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest


def _one_page(name: str) -> None:
    import streamlit as st

    from dashboard import auth, common, nav
    from domain.access import Role, Viewer, may_see_names
    from domain.errors import CSMapError

    try:
        store = common.store()
    except CSMapError:  # no usable database: the page runner says so
        nav.run(only=name)
        return
    if auth.TOKEN_KEY not in st.session_state:
        auth.start(store, subject="test-user", display_name="Test user", roles=list(Role),
                   auth_mode="local")
    role = Role(st.session_state.get(common.ROLE_KEY, Role.PANEL.value))
    page = nav.entry(name).url_path
    wants_names = st.session_state.get("csmap_mode") == "named" and may_see_names(role)
    if wants_names and common.names_grant(page) is None:
        common.grant_names(store, Viewer("test-user", role, "testing"), "testing the page", page)
    elif not wants_names:
        st.session_state.pop(common.NAMES_KEY, None)
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
