"""Choose a child by pseudonym (or name in multi-agency mode). Owns ``child_person_id``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

KEY = "child_person_id"


def pick(children: pd.DataFrame) -> str | None:
    """A select box of children; returns the chosen person id (None when there are none)."""
    if children.empty:
        st.info("No children are recorded yet.")
        return None
    ids = list(children["person_id"])
    if st.session_state.get(KEY) not in ids:
        st.session_state[KEY] = ids[0]
    names: dict[str, str] = {}
    for r in children.to_dict("records"):
        age = f", {int(r['age_years'])}" if pd.notna(r["age_years"]) else ""
        concern = f" - {int(r['open_concerns'])} open concern(s)" if r["open_concerns"] else ""
        names[str(r["person_id"])] = f"{r['label']}{age}{concern}"
    return st.selectbox("Child", ids, format_func=lambda pid: names.get(pid, pid), key=KEY,
                        help="Children with open concerns come first. Type to search.")
