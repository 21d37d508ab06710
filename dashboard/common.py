"""What every page shares: the store, the viewer, the one error boundary.

This component owns the session-state keys ``csmap_role`` (the role chosen among those
granted), ``csmap_purpose`` (why the user is looking), ``csmap_names`` (a grant to show
names: reason, page and time it lapses), ``csmap_page`` (the page being shown) and
``csmap_viewer`` (who is looking, built by the page runner on every run).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

import streamlit as st

from data.sessions import Session, utcnow
from data.store import QueryResult, Store
from domain import audit, settings
from domain.access import Mode, Role, Viewer, may_see_names
from domain.errors import CSMapError, SignInError, ValidationError

_LOG = logging.getLogger("csmap")
ROLE_KEY = "csmap_role"
PURPOSE_KEY = "csmap_purpose"
NAMES_KEY = "csmap_names"
PAGE_KEY = "csmap_page"
VIEWER_KEY = "csmap_viewer"
DEFAULT_PURPOSE = "MACE panel preparation"
DEFAULT_PURPOSES: dict[str, str] = {
    Role.PANEL.value: DEFAULT_PURPOSE,
    Role.ANALYST.value: "Intelligence analysis for exploitation disruption",
    Role.COMMISSIONER.value: "Quarterly commissioning review",
    Role.ADMIN.value: "Data management",
    Role.AUDITOR.value: "Audit of access to personal data",
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


def store() -> Store:
    """The store the app serves (opened once per server process)."""
    return _open_store(str(settings.db_path()))


def init_state(session: Session) -> None:
    """Give this component's keys their defaults for a signed-in session."""
    granted = [r.value for r in session.roles]
    if st.session_state.get(ROLE_KEY) not in granted:
        st.session_state[ROLE_KEY] = granted[0]
    st.session_state.setdefault(PURPOSE_KEY, default_purpose(st.session_state[ROLE_KEY]))


@dataclass(frozen=True)
class NamesGrant:
    """Names shown on request: why, on which page, until when (UTC)."""

    reason: str
    page: str
    until: datetime


def names_grant(page: str, *, now: datetime | None = None) -> NamesGrant | None:
    """The live grant to show names on ``page``; a lapsed one, or one for another page, is
    withdrawn (names go back to pseudonyms)."""
    grant = st.session_state.get(NAMES_KEY)
    if not isinstance(grant, NamesGrant):
        return None
    if grant.page != page or (now or utcnow()) >= grant.until:
        del st.session_state[NAMES_KEY]
        return None
    return grant


def grant_names(store: Store, viewer: Viewer, reason: str, page: str) -> NamesGrant:
    """Show names on ``page`` for ``names_lapse_minutes``: needs an entitled role and a
    typed reason, and is audited before any name is shown."""
    if not may_see_names(viewer.role):
        raise SignInError(f"The {viewer.role.value} role may not see names.")
    text = " ".join(reason.split())
    if len(text) < 5:
        raise ValidationError("Say why you need to see names (at least a few words).")
    until = utcnow() + timedelta(minutes=float(settings.get("names_lapse_minutes")))
    store.audit(audit.Consultation(who=audit.Who.of(viewer, purpose=text), object_kind="names",
                                   object_id=page, source="names shown on request", rows=0,
                                   parameters={"until": f"{until:%Y-%m-%d %H:%M} UTC"}))
    grant = NamesGrant(text, page, until)
    st.session_state[NAMES_KEY] = grant
    return grant


def build_viewer(session: Session, page: str) -> Viewer:
    """Who is looking on this run: the session's identity, the chosen role, the purpose and
    names only under a live grant for this page. Kept for :func:`context`."""
    init_state(session)
    role = Role(st.session_state[ROLE_KEY])
    purpose = str(st.session_state.get(PURPOSE_KEY) or "").strip() or default_purpose(role)
    st.session_state[PAGE_KEY] = page
    named = may_see_names(role) and names_grant(page) is not None
    viewer = Viewer(actor=session.subject, role=role, purpose=purpose,
                    mode=Mode.NAMED if named else Mode.PSEUDONYMISED, session=session.short_id)
    st.session_state[VIEWER_KEY] = viewer
    return viewer


def show_error(exc: BaseException) -> None:
    """A readable message for a domain error; never a traceback."""
    st.error(str(exc), icon=":material/error:")


UNEXPECTED = ("Something went wrong and this page stopped. What you last asked for may not "
              "have been saved: check it, then try again. If it happens again, tell your "
              "CSMap administrator the reference {ref} (the details are in the server log; "
              "nothing about the people involved is shown here).")


def show_unexpected(exc: BaseException) -> str:
    """CSMap's own message for an error nobody foresaw (a bug, a database fault): a reference
    to find the traceback in the server log, never the exception's text (it can hold
    personal data or SQL) and never Streamlit's exception box with its search links.
    Returns the reference."""
    ref = f"E-{uuid.uuid4().hex[:8]}"
    _LOG.error("unexpected error %s on page %s", ref, st.session_state.get(PAGE_KEY),
               exc_info=exc)
    st.error(UNEXPECTED.format(ref=ref), icon=":material/error:")
    return ref


def context(*, need_data: bool = True) -> PageContext:
    """The store and who is looking (a missing or empty store, or no sign-in, raises a
    domain error, which the page runner's boundary shows)."""
    viewer = st.session_state.get(VIEWER_KEY)
    if not isinstance(viewer, Viewer):
        raise SignInError("Sign in to see this page.")
    opened = store()
    if need_data:
        opened.require_data()
    return PageContext(opened, viewer, as_of(opened))


@contextmanager
def boundary() -> Iterator[None]:
    """The app's one error boundary, around the page runner (:func:`dashboard.nav.run`).

    A domain error (:class:`~domain.errors.CSMapError`) raised anywhere in a page, a
    component or a service ends the page with its readable message; any other exception
    ends it with CSMap's own message and a reference to the server log
    (:func:`show_unexpected`). Streamlit's own control flow (stop, rerun: not
    ``Exception``) passes through.
    """
    try:
        yield
    except CSMapError as exc:
        show_error(exc)
    except Exception as exc:  # noqa: BLE001  (the one place every other error ends)
        show_unexpected(exc)


def as_of(store: Store) -> date:
    """The data's 'today': the demo's fixed date, or the real date for live data."""
    text = store.meta().get("as_of")
    return date.fromisoformat(text) if text else date.today()


def show_truncation(result: QueryResult) -> None:
    """Say 'showing N of M' under a table the row cap cut."""
    if result.truncated:
        st.caption(result.caption() + " Narrow the filters to see the rest.")
