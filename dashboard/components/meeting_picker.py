"""Create a panel meeting or choose one. Owns ``panel_meeting_id`` and ``panel_new_*``."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from data import meetings
from data.store import Store
from domain.access import Viewer

KEY = "panel_meeting_id"


def pick_or_create(store: Store, viewer: Viewer, today: date) -> pd.Series | None:
    """The chosen meeting's row (``panel.meetings``), or None when there is none yet."""
    existing = store.frame("panel.meetings", viewer)
    with st.expander("New meeting", expanded=existing.empty, icon=":material/add:"):
        c1, c2, c3 = st.columns([1, 3, 1])
        held_on = c1.date_input("Date", value=today, key="panel_new_date", format="DD/MM/YYYY")
        title = c2.text_input("Title", value=f"MACE panel {today:%B %Y}", key="panel_new_title")
        next_on = c3.date_input("Next meeting (if agreed)", value=None, key="panel_new_next",
                                format="DD/MM/YYYY")
        if st.button("Create meeting", key="panel_create", type="primary"):
            mid = meetings.create_meeting(store, viewer, held_on=held_on, title=title,
                                          next_held_on=next_on)
            if mid:
                st.session_state[KEY] = mid
                st.rerun()
    if existing.empty:
        st.info("No meetings yet: create the first one above.")
        return None
    ids = list(existing["meeting_id"])
    if st.session_state.get(KEY) not in ids:
        st.session_state[KEY] = ids[0]
    names = {r["meeting_id"]: f"{r['held_on']:%d %b %Y} - {r['title']} ({r['items']} items, "
             f"{r['open_actions']} open actions)" for r in existing.to_dict("records")}
    mid = st.selectbox("Meeting", ids, format_func=lambda m: names.get(m, m), key=KEY)
    return existing[existing["meeting_id"] == mid].iloc[0]
