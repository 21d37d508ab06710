"""Keep the result of expensive page work for one browser session while its inputs are the
same (e.g. the map while the user reads a place profile below it).

Owns the session-state keys ``session_cache_<name>``. The cache key must include everything
the result depends on, the viewer first (role and display mode change what may be shown).
Data read this way was audited when it was first fetched for this viewer and these filters.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def remember(name: str, key: Hashable, make: Callable[[], T]) -> T:
    """``make()`` on the first call or when ``key`` changed; the kept value otherwise."""
    slot = st.session_state.setdefault(f"session_cache_{name}", {})
    if "value" not in slot or slot.get("key") != key:
        slot.clear()
        slot["value"] = make()
        slot["key"] = key
    return slot["value"]  # type: ignore[no-any-return]
