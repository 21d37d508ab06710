"""Who attended the meeting (or sent apologies), and the date of the next meeting: both go
into the meeting pack. Owns keys starting ``attend_``."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from data import meetings
from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from services.safe import md


def editor(store: Store, viewer: Viewer, meeting: pd.Series) -> None:
    """The attendance list with add and remove, and the next meeting's date."""
    mid = str(meeting["meeting_id"])
    held_on = pd.Timestamp(meeting["held_on"]).date()
    people = store.frame("panel.attendees", viewer, {"meeting_id": mid})
    if people.empty:
        st.caption("No attendance recorded yet.")
    for r in people.to_dict("records"):
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(f"{md(r['name'])}, {md(r['role']) or 'role not given'} "
                    f"({md(r['agency_name'])}): **{vocabulary.label(r['attendance'])}**")
        if c2.button("Remove", key=f"attend_drop_{r['attendee_id']}", width="stretch"):
            meetings.remove_attendee(store, viewer, str(r["attendee_id"]))
            st.rerun()
    agencies = store.frame("reference.agencies", viewer)
    names = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
    c1, c2, c3, c4 = st.columns([3, 3, 3, 2])
    name = c1.text_input("Attendee's name", key="attend_name")
    role = c2.text_input("Attendee's role", key="attend_role", placeholder="e.g. Chair, DSL, DS")
    agency = c3.selectbox("Attendee's agency", list(names), format_func=lambda a: str(names[a]),
                          index=None, placeholder="Choose", key="attend_agency")
    present = c4.selectbox("Attendance", meetings.ATTENDANCE, format_func=vocabulary.label,
                           key="attend_status")
    if st.button("Add to attendance", key="attend_add"):
        meetings.add_attendee(store, viewer, meeting_id=mid, name=name, role=role,
                              agency_id=str(agency or ""), attendance=present)
        st.rerun()
    st.markdown("**Next meeting**")
    current = meeting.get("next_held_on")
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    when: date = c1.date_input(
        "Date of the next meeting", format="DD/MM/YYYY", key="attend_next",
        value=pd.Timestamp(current).date() if pd.notna(current) else held_on + timedelta(days=28))
    if c2.button("Save next meeting date", key="attend_next_save"):
        meetings.set_next_meeting(store, viewer, mid, when)
        st.success(f"Next meeting: {when:%d %B %Y}.")
