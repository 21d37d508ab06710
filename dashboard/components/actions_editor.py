"""Record decisions' actions (tactic, owner, due, review, status) and update their status.

Owns keys starting ``action_``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard.components import actions_table, language_check
from data import meetings
from data.store import Store
from domain import vocabulary
from domain.access import Viewer


def form(store: Store, viewer: Viewer, meeting_id: str, items: pd.DataFrame,
         today: date) -> None:
    """The new-action form; the description is language-checked before saving."""
    accepted = items[items["status"] == "accepted"]
    item_names = {r["item_id"]: r["label"] for r in accepted.to_dict("records")}
    agencies = store.frame("reference.agencies", viewer)
    agency_names = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
    c1, c2 = st.columns(2)
    item_id = c1.selectbox("Agenda item", [None, *item_names],
                           format_func=lambda i: "Whole meeting" if i is None else item_names[i],
                           key="action_item")
    tactic = c2.selectbox("Tactic", meetings.TACTICS, format_func=vocabulary.label,
                          key="action_tactic")
    description, flags = language_check.text_with_check("What will be done", key="action_text",
                                                         height=68)
    c1, c2, c3, c4 = st.columns(4)
    owner = c1.selectbox("Owner agency", list(agency_names),
                         format_func=lambda a: str(agency_names.get(a, a)),
                         key="action_owner")
    due = c2.date_input("Due", value=today + timedelta(days=14), key="action_due",
                        format="DD/MM/YYYY")
    review = c3.date_input("Review", value=today + timedelta(days=28), key="action_review",
                           format="DD/MM/YYYY")
    status = c4.selectbox("Status", meetings.ACTION_STATUSES, format_func=vocabulary.label,
                          key="action_status")
    if st.button("Save action", key="action_save", type="primary"):
        meetings.add_action(store, viewer, meeting_id=meeting_id, item_id=item_id,
                            tactic=tactic, description=description,
                            owner_agency=str(owner or ""),
                            due_date=due, review_date=review, status=status,
                            language_flags=flags, today=today)
        st.success(f"Action saved: {vocabulary.label(tactic)}, owner {agency_names[owner]}, "
                   f"due {due:%d %b %Y}." + (f" {len(flags)} language flag(s) recorded."
                                             if flags else ""))


def log(store: Store, viewer: Viewer, meeting_id: str, today: date) -> None:
    """The actions of this meeting, status updates, and open actions from every meeting."""
    actions = store.frame("panel.actions", viewer, {"meeting_id": meeting_id})
    actions_table.show(actions, today=today, key="action_table")
    if not actions.empty:
        c1, c2, c3 = st.columns([4, 2, 1], vertical_alignment="bottom")
        names = {r["action_id"]: f"{vocabulary.label(r['tactic'])} - {r['subject'] or 'meeting'} "
                 f"(due {r['due_date']:%d %b})" for r in actions.to_dict("records")}
        aid = c1.selectbox("Update an action", list(names),
                       format_func=lambda a: str(names.get(a, a)),
                           key="action_pick")
        new = c2.selectbox("New status", meetings.ACTION_STATUSES, format_func=vocabulary.label,
                           key="action_new_status")
        if c3.button("Update", key="action_update"):
            meetings.set_action_status(store, viewer, str(aid), str(new))
            st.rerun()
    st.markdown("**Open actions from every meeting**")
    actions_table.show(store.frame("panel.open_actions", viewer), today=today,
                       key="action_all_open")
