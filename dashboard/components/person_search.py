"""Choose any person held (child, adult, trusted adult, professional) by pseudonym.

Owns ``dp_person_query`` and ``dp_person_id``. Names appear only where the viewer may see
them (``label`` from the gateway); administrators see pseudonyms.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import labels

QUERY_KEY = "dp_person_query"
KEY = "dp_person_id"


def pick(people: pd.DataFrame) -> str | None:
    """A search box and a select box; returns the chosen person id (None if none match)."""
    if people.empty:
        st.info("No people are held in this store.")
        return None
    text = st.text_input("Search by pseudonym", key=QUERY_KEY,
                         placeholder="e.g. YP-00012, AC-00003").strip().upper()
    shown = people
    if text:
        hit = (people["pseudonym"].str.upper().str.contains(text, regex=False)
               | people["label"].astype(str).str.upper().str.contains(text, regex=False))
        shown = people[hit]
    if shown.empty:
        st.info(f"No one held matches {text!r}.")
        return None
    ids = [str(i) for i in shown["person_id"]]
    if st.session_state.get(KEY) not in ids:
        st.session_state[KEY] = ids[0]
    names = {str(r["person_id"]): f"{r['label']} ({labels.label(r['kind'])})"
             for r in shown.to_dict("records")}
    return st.selectbox(f"Person ({len(ids):,} match)", ids, key=KEY,
                        format_func=lambda pid: names.get(pid, pid))
