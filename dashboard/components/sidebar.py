"""The sidebar: demo role selector, display mode, purpose, and the synthetic-data banner.

Owns the session-state keys of :mod:`dashboard.common` (role, mode, purpose).
"""

from __future__ import annotations

import streamlit as st

from dashboard import common
from domain import settings
from domain.access import ROLE_LABELS, Mode, Role, Viewer, may_see_names


def banner() -> None:
    """The 'synthetic demo data' banner, shown on every page while demo_banner is on."""
    if settings.get_int("demo_banner"):
        st.info(
            "**Synthetic demo data.** Every person, place and event in this town is made up; "
            "ward boundaries are real (Cheshire East, OGL).",
            icon=":material/science:",
        )


def _purpose_not_blank() -> None:
    """A blank purpose goes back to the default: every access needs one."""
    if not str(st.session_state.get(common.PURPOSE_KEY, "")).strip():
        st.session_state[common.PURPOSE_KEY] = common.default_purpose(
            st.session_state[common.ROLE_KEY])


def _role_changed() -> None:
    """A suggested purpose follows the role; a purpose the user typed is kept."""
    if st.session_state.get(common.PURPOSE_KEY) in common.DEFAULT_PURPOSES.values():
        st.session_state[common.PURPOSE_KEY] = common.default_purpose(
            st.session_state[common.ROLE_KEY])


def render() -> Viewer:
    """Draw the sidebar and return the viewer it describes."""
    common.init_state()
    with st.sidebar:
        st.markdown("### CSMap")
        st.caption("Contextual safeguarding map: places, spaces and peer groups.")
        st.selectbox(
            "Role (demo: real sign-in comes later)",
            options=[r.value for r in Role],
            format_func=lambda v: ROLE_LABELS[Role(v)],
            key=common.ROLE_KEY,
            on_change=_role_changed,
        )
        role = Role(st.session_state[common.ROLE_KEY])
        named_allowed = may_see_names(role)
        if not named_allowed:
            st.session_state[common.MODE_KEY] = Mode.PSEUDONYMISED.value
        st.radio(
            "Display mode",
            options=[Mode.PSEUDONYMISED.value, Mode.NAMED.value],
            format_func=lambda v: (
                "Safety planning (pseudonyms)" if v == Mode.PSEUDONYMISED.value
                else "Multi-agency (names)"
            ),
            key=common.MODE_KEY,
            disabled=not named_allowed,
            help="Pseudonyms are the default on a shared screen. Names are shown only to "
            "roles entitled to them, and every view is audited.",
        )
        st.text_input(
            "Purpose of access (recorded in the audit trail)",
            key=common.PURPOSE_KEY,
            max_chars=200,
            on_change=_purpose_not_blank,
        )
    banner()
    return common.current_viewer()
