"""Panel meeting: agenda (suggested, accepted, manual), one-screen item summaries, decisions
and actions, peer-group and location assessments, and the meeting pack PDF.

For the panel role. Everything written is stored with who and when, and audited.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import common
from dashboard.components import (
    actions_editor,
    agenda_editor,
    assessment_editor,
    attendance,
    item_view,
    meeting_picker,
    pack_export,
)

store, viewer, today = common.context()

st.title("Panel meeting")
st.caption(f"Data up to {today:%d %B %Y}. Pseudonyms on the shared screen unless you switch "
           "to names. No risk scores: each item shows harms and strengths for the panel to judge.")
meeting = meeting_picker.pick_or_create(store, viewer, today)
if meeting is None:
    st.stop()
mid = str(meeting["meeting_id"])
held_on = pd.Timestamp(meeting["held_on"]).date()
items = store.frame("panel.items", viewer, {"meeting_id": mid})
accepted = items[items["status"] == "accepted"]
next_pos = int(items["position"].max()) + 1 if not items.empty else 0

agenda_tab, item_tab, actions_tab, assess_tab, attend_tab, pack_tab = st.tabs(
    ["Agenda", "Item summary", "Decisions and actions", "Assessments", "Attendance",
     "Meeting pack"])

with agenda_tab:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("Agenda")
        agenda_editor.agenda(store, viewer, items)
        st.subheader("Add an item")
        agenda_editor.manual_add(store, viewer, mid, next_pos)
    with right:
        st.subheader("Suggested items")
        agenda_editor.suggestions(store, viewer, mid, held_on, today, items, next_pos)

with item_tab:
    item_view.item_tab(store, viewer, accepted, today)

with actions_tab:
    st.subheader("New action")
    actions_editor.form(store, viewer, mid, held_on, items, today)
    st.subheader("Actions from this meeting")
    actions_editor.log(store, viewer, mid, today)

with assess_tab:
    st.subheader("Peer-group and location assessments")
    st.caption("Contextual Safeguarding assessments of the context, not just the child: each "
               "domain recorded with its source and date.")
    assessment_editor.editor(store, viewer, today)

with attend_tab:
    st.subheader("Attendance and next meeting")
    attendance.editor(store, viewer, meeting)

with pack_tab:
    st.subheader("Meeting pack")
    st.caption("One PDF: attendance, the agenda, decisions and actions per item, each item's "
               "summary with map and network extracts, and the next meeting. Pseudonymised "
               "unless names are chosen; every export is recorded with its purpose.")
    pack_export.export(store, viewer, mid, held_on, today)
