"""Choose any person held (child, adult, trusted adult, professional) by pseudonym.

Owns ``dp_person_query`` and ``dp_person_id``. Names appear only where the viewer may see
them (``label`` from the gateway); administrators see pseudonyms.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from domain import vocabulary

QUERY_KEY = "dp_person_query"
KEY = "dp_person_id"


def pick(people: pd.DataFrame) -> str | None:
    """A search box and a select box; returns the chosen person id (None until one is chosen:
    reading a person's data is audited, so nobody is read by default)."""
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
    exact = shown[shown["pseudonym"].str.upper() == text]
    if not exact.empty:  # a typed pseudonym chooses the person
        st.session_state[KEY] = str(exact["person_id"].iloc[0])
    elif st.session_state.get(KEY) not in ids:
        st.session_state[KEY] = None  # nobody is read until someone is chosen
    names = {str(r["person_id"]): f"{r['label']} ({vocabulary.label(r['kind'])})"
             for r in shown.to_dict("records")}
    return st.selectbox(f"Person ({len(ids):,} match)", ids, key=KEY, index=None,
                        placeholder="Choose a person (type a pseudonym above)",
                        format_func=lambda pid: names.get(pid, pid))
