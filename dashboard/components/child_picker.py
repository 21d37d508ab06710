"""Choose a child by pseudonym (or name in multi-agency mode).

Owns ``child_person_id`` and ``child_search``. The list starts with the children with open
concerns; a search finds any child by pseudonym (or name, only in multi-agency mode), so no
child is out of reach when there are more children than one list shows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.store import Store
from domain.access import Viewer

KEY = "child_person_id"
SEARCH_KEY = "child_search"
SEARCH_LIMIT = 200


def _labels(children: pd.DataFrame) -> dict[str, str]:
    names: dict[str, str] = {}
    for r in children.to_dict("records"):
        age = f", {int(r['age_years'])}" if pd.notna(r["age_years"]) else ""
        concern = f" - {int(r['open_concerns'])} open concern(s)" if r["open_concerns"] else ""
        names[str(r["person_id"])] = f"{r['label']}{age}{concern}"
    return names


def options(store: Store, viewer: Viewer, *, search_key: str = SEARCH_KEY
            ) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """A search box; the matching children (or, with no search, those with open concerns
    first) and their labels. None (with a message) when none match."""
    what = "pseudonym or name" if viewer.shows_names else "pseudonym"
    text = st.text_input(f"Find a child by {what}", key=search_key,
                         placeholder="e.g. CH-0042").strip()
    if text:
        res = store.run("child.search", viewer, {"q": text, "names": viewer.shows_names},
                        limit=SEARCH_LIMIT)
        if res.frame.empty:
            st.info(f"No child's {what} contains {text!r}.")
            return None
    else:
        res = store.run("child.children", viewer)
    if res.frame.empty:
        st.info("No children are recorded yet.")
        return None
    if res.truncated:
        st.caption(f"The list shows {res.shown:,} of {res.total:,} children, those with open "
                   "concerns first: search to find any other child.")
    return res.frame, _labels(res.frame)


def pick(store: Store, viewer: Viewer) -> str | None:
    """A search box and a select box of children; returns the chosen person id (None when
    there are none)."""
    found = options(store, viewer)
    if found is None:
        return None
    children, names = found
    ids = list(children["person_id"])
    if st.session_state.get(KEY) not in ids:
        st.session_state[KEY] = ids[0]
    chosen = st.selectbox("Child", ids, format_func=lambda pid: names.get(pid, pid), key=KEY,
                          help="Children with open concerns come first.")
    return chosen  # type: ignore[no-any-return]
