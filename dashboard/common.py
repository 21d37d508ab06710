"""What every page shares: the store, the viewer, readable errors.

This component owns the session-state keys ``csmap_role``, ``csmap_mode`` and
``csmap_purpose``. Pages call :func:`context` first; it never raises: on an error it shows a
readable message and stops the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import NamedTuple

import streamlit as st

from data.store import QueryResult, Store
from domain import settings
from domain.access import Mode, Role, Viewer, may_see_names
from domain.errors import CSMapError

ROLE_KEY = "csmap_role"
MODE_KEY = "csmap_mode"
PURPOSE_KEY = "csmap_purpose"
DEFAULT_PURPOSE = "MACE panel preparation (demo)"
DEFAULT_PURPOSES: dict[str, str] = {
    Role.PANEL.value: DEFAULT_PURPOSE,
    Role.ANALYST.value: "Intelligence analysis for exploitation disruption (demo)",
    Role.COMMISSIONER.value: "Quarterly commissioning review (demo)",
    Role.ADMIN.value: "Audit and data management (demo)",
}


def default_purpose(role: str) -> str:
    """The suggested purpose of access for a role (the user may type their own)."""
    return DEFAULT_PURPOSES.get(role, DEFAULT_PURPOSE)


class PageContext(NamedTuple):
    """The open store, who is looking, and the data's "today" (a page unpacks all three:
    ``store, viewer, today = common.context()``)."""

    store: Store
    viewer: Viewer
    today: date


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store.open(path)


def init_state() -> None:
    """Give this component's session-state keys their defaults."""
    st.session_state.setdefault(ROLE_KEY, Role.PANEL.value)
    st.session_state.setdefault(MODE_KEY, Mode.PSEUDONYMISED.value)
    st.session_state.setdefault(PURPOSE_KEY, default_purpose(st.session_state[ROLE_KEY]))


def current_viewer() -> Viewer:
    """The viewer from session state (pseudonymised unless the role may see names)."""
    init_state()
    role = Role(st.session_state[ROLE_KEY])
    mode = Mode(st.session_state[MODE_KEY])
    if not may_see_names(role):
        mode = Mode.PSEUDONYMISED
    return Viewer(actor=f"demo-{role.value}", role=role, purpose=st.session_state[PURPOSE_KEY],
                  mode=mode)


def show_error(exc: BaseException) -> None:
    """A readable message for a domain error; never a traceback."""
    st.error(str(exc), icon=":material/error:")


def context(*, need_data: bool = True) -> PageContext:
    """Open the store and build the viewer (a missing or empty store raises a domain error,
    which the page runner's boundary shows)."""
    store = _open_store(str(settings.db_path()))
    if need_data:
        store.require_data()
    return PageContext(store, current_viewer(), as_of(store))


@contextmanager
def boundary() -> Iterator[None]:
    """The app's one error boundary, around the page runner (:func:`dashboard.nav.run`).

    A domain error (:class:`~domain.errors.CSMapError`) raised anywhere in a page, a
    component or a service ends the page with its readable message. Streamlit's own
    control flow (stop, rerun) passes through.
    """
    try:
        yield
    except CSMapError as exc:
        show_error(exc)


def as_of(store: Store) -> date:
    """The data's 'today': the demo's fixed date, or the real date for live data."""
    text = store.meta().get("as_of")
    return date.fromisoformat(text) if text else date.today()


def show_truncation(result: QueryResult) -> None:
    """Say 'showing N of M' under a table the row cap cut."""
    if result.truncated:
        st.caption(result.caption() + " Narrow the filters to see the rest.")
