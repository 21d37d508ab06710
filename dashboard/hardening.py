"""Server-side guards that Streamlit leaves open, installed once when the app starts.

Streamlit lets any connected client send a ``clear_cache`` message, which empties the
process-wide caches of every user (the open store, the network analyses). CSMap's caches
are shared and expensive, and a client that has not signed in must not be able to touch
them: the message now clears only the sender's own session state (which also signs that
browser session out), never the shared caches.
"""

from __future__ import annotations

from typing import Any

import streamlit as st  # noqa: F401  (guards for the Streamlit server this app runs in)
from streamlit.runtime.app_session import AppSession

_INSTALLED = "_csmap_hardened"


def _clear_own_state_only(self: Any) -> None:
    """What a client's 'clear cache' does in CSMap: forget this session's own state."""
    self._session_state.clear()


def install() -> None:
    """Install the guards (idempotent)."""
    if not getattr(AppSession, _INSTALLED, False):
        AppSession._handle_clear_cache_request = _clear_own_state_only  # type: ignore[method-assign]
        setattr(AppSession, _INSTALLED, True)
