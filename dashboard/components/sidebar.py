"""The sidebar of a signed-in user: who they are, the role they act in (among those granted),
the purpose of access, names on request, sign-out, and the synthetic-data banner.

Owns no keys of its own: it writes those of :mod:`dashboard.common` (role, purpose, names).
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, common
from data.sessions import Session
from data.store import Store
from domain import settings
from domain.access import ROLE_LABELS, Role, Viewer, may_see_names

NAMES_REASON_KEY = "csmap_names_reason"


def banner(store: Store, session: Session) -> None:
    """The 'synthetic demo data' banner, on every page of a generated demo town."""
    if settings.get_int("demo_banner") and store.meta().get("synthetic") == "true":
        demo_account = session.auth_mode == "demo" or session.subject.startswith("demo-")
        demo = " You are signed in with a demo account." if demo_account else ""
        st.info(
            "**Synthetic demo data.** Every person, place and event in this town is made up; "
            f"ward boundaries are real (Cheshire East, OGL).{demo}",
            icon=":material/science:",
        )


def _purpose_not_blank() -> None:
    """A blank purpose goes back to the default: every access needs one."""
    if not str(st.session_state.get(common.PURPOSE_KEY, "")).strip():
        st.session_state[common.PURPOSE_KEY] = common.default_purpose(
            st.session_state[common.ROLE_KEY])


def _role_changed() -> None:
    """A suggested purpose follows the role; a purpose the user typed is kept. Names are
    withdrawn: a grant belongs to the role it was given to."""
    st.session_state.pop(common.NAMES_KEY, None)
    if st.session_state.get(common.PURPOSE_KEY) in common.DEFAULT_PURPOSES.values():
        st.session_state[common.PURPOSE_KEY] = common.default_purpose(
            st.session_state[common.ROLE_KEY])


def render(store: Store, session: Session) -> Role:
    """Draw the sidebar for a signed-in session and return the role chosen."""
    common.init_state(session)
    with st.sidebar:
        st.markdown("### CSMap")
        st.caption(f"Signed in as **{session.display_name}**"
                   + (" (demo)" if session.auth_mode == "demo" else ""))
        granted = [r.value for r in session.roles]
        st.selectbox("Role", options=granted, format_func=lambda v: ROLE_LABELS[Role(v)],
                     key=common.ROLE_KEY, on_change=_role_changed,
                     disabled=len(granted) == 1,
                     help="The roles you hold; pages and data follow the role you act in.")
        st.text_input("Purpose of access (recorded in the audit trail)",
                      key=common.PURPOSE_KEY, max_chars=200, on_change=_purpose_not_blank)
        if st.button("Sign out", key="csmap_sign_out", icon=":material/logout:"):
            if auth.sign_out(store):  # off to the identity provider: draw nothing more
                st.stop()
            st.rerun()
    banner(store, session)
    return Role(st.session_state[common.ROLE_KEY])


def names_request(store: Store, viewer: Viewer, page: str) -> None:
    """Pseudonyms by default; an entitled role may show names on this page for a while,
    with a typed reason that the audit trail records before any name is shown."""
    if not may_see_names(viewer.role):
        return
    with st.sidebar:
        grant = common.names_grant(page)
        if grant is not None:
            st.success(f"Names shown on this page until {grant.until:%H:%M} UTC.",
                       icon=":material/visibility:")
            if st.button("Hide names", key="csmap_names_hide"):
                st.session_state.pop(common.NAMES_KEY, None)
                st.rerun()
            return
        st.caption("Pseudonyms are shown (safety planning). Names need a reason, are "
                   "recorded, and go back to pseudonyms after "
                   f"{settings.get('names_lapse_minutes'):g} minutes or on leaving the page.")
        reason = st.text_input("Reason for showing names", key=NAMES_REASON_KEY,
                               max_chars=200)
        if st.button("Show names", key="csmap_names_show", icon=":material/visibility:"):
            common.grant_names(store, viewer, reason, page)
            st.session_state.pop(NAMES_REASON_KEY, None)
            st.rerun()
