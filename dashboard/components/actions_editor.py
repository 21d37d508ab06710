"""Record actions (plan, tactic, named owner with role and agency, due, review, status) and
change them later, in any order with the items' decisions.

There is no default tactic: the panel chooses one. Due and review dates start after the
meeting. Owns keys starting ``action_``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import actions_table, language_check
from data import meetings
from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from services import item_summary

DUE_DAYS, REVIEW_DAYS = 14, 28  # default due and review dates, counted from the meeting


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def _fields(store: Store, viewer: Viewer, key: str, start: date, about: str | None,
            row: Mapping[str, Any] | None) -> tuple[meetings.ActionFields, list[str]]:
    """The action's widgets (keys ``action_*{key}``), pre-filled from ``row`` when editing."""
    agencies = store.frame("reference.agencies", viewer)
    agency_names = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
    row = row or {}
    c1, c2 = st.columns([1, 2])
    plans = list(meetings.PLANS)
    plan = c1.selectbox("Plan" + (" (required)" if about == "person" else ""), plans,
                        index=plans.index(row["plan"]) if row.get("plan") in plans else None,
                        format_func=vocabulary.label, placeholder="Identify, disrupt or pursue",
                        key=f"action_plan{key}",
                        help="For a person of concern: identify, disrupt or pursue.")
    tactics = list(meetings.TACTICS)
    tactic = c2.selectbox("Tactic", tactics, format_func=vocabulary.label,
                          index=tactics.index(row["tactic"]) if row.get("tactic") else None,
                          placeholder="Choose a tactic", key=f"action_tactic{key}")
    if row and f"action_text{key}" not in st.session_state:
        st.session_state[f"action_text{key}"] = row.get("description") or ""
    description, flags = language_check.text_with_check(
        "What will be done", key=f"action_text{key}", height=68,
        about_child=about != "person")
    c1, c2, c3 = st.columns(3)
    owner = c1.text_input("Owner (a named person)", value=row.get("owner_name") or "",
                          key=f"action_owner_name{key}", placeholder="e.g. DS Jo Bell")
    role = c2.text_input("Owner's role", value=row.get("owner_role") or "",
                         key=f"action_owner_role{key}", placeholder="e.g. Exploitation team")
    ids = list(agency_names)
    agency = c3.selectbox("Owner's agency", ids, format_func=lambda a: str(agency_names[a]),
                          index=ids.index(row["owner_agency"]) if row.get("owner_agency") in ids
                          else None, placeholder="Choose the agency", key=f"action_owner{key}")
    c1, c2, c3 = st.columns(3)
    due = c1.date_input("Due", value=_day(row["due_date"]) if row else
                        start + timedelta(days=DUE_DAYS), key=f"action_due{key}",
                        format="DD/MM/YYYY")
    review = c2.date_input("Review", value=_day(row["review_date"]) if row and pd.notna(
        row.get("review_date")) else start + timedelta(days=REVIEW_DAYS),
        key=f"action_review{key}", format="DD/MM/YYYY")
    statuses = list(meetings.ACTION_STATUSES)
    status = c3.selectbox("Status", statuses, format_func=vocabulary.label,
                          index=statuses.index(row.get("status") or "open"),
                          key=f"action_status{key}")
    return meetings.ActionFields(
        tactic=tactic, description=description, owner_name=owner, owner_role=role,
        owner_agency=str(agency or ""), due_date=due, review_date=review, status=status,
        plan=plan), flags


def form(store: Store, viewer: Viewer, meeting_id: str, held_on: date, items: pd.DataFrame,
         today: date) -> None:
    """The new-action form; the description is language-checked before saving."""
    accepted = items[items["status"] == "accepted"]
    item_names = {r["item_id"]: f"{vocabulary.label(r['subject_kind'])}: {r['label']}"
                  for r in accepted.to_dict("records")}
    item_id = st.selectbox("Agenda item", [None, *item_names],
                           format_func=lambda i: "Whole meeting" if i is None else item_names[i],
                           key="action_item")
    kinds = dict(zip(accepted["item_id"], accepted["subject_kind"], strict=True))
    fields, flags = _fields(store, viewer, "", max(held_on, today), kinds.get(item_id), None)
    if st.button("Save action", key="action_save", type="primary"):
        meetings.add_action(store, viewer, meeting_id=meeting_id, item_id=item_id,
                            fields=fields, language_flags=flags, today=today)
        agencies = store.frame("reference.agencies", viewer).set_index("agency_id")["name"]
        owner = item_summary.owner_text(
            {**vars(fields), "owner_agency_name": agencies.get(fields.owner_agency)})
        st.success(f"Action saved: {vocabulary.label(fields.tactic)}, owner {owner}, "
                   f"due {fields.due_date:%d %b %Y}."
                   + (f" {len(flags)} language flag(s) recorded." if flags else ""))


def log(store: Store, viewer: Viewer, meeting_id: str, today: date) -> None:
    """The actions of this meeting (each can be changed), and open actions from every
    meeting."""
    actions = store.frame("panel.actions", viewer, {"meeting_id": meeting_id})
    actions_table.show(actions, today=today, key="action_table")
    if not actions.empty:
        names = {r["action_id"]: f"{vocabulary.label(r['tactic'])} - "
                 f"{r['subject'] or 'whole meeting'} (due {r['due_date']:%d %b})"
                 for r in actions.to_dict("records")}
        with st.expander("Change an action", icon=":material/edit:"):
            aid = st.selectbox("Action", list(names), format_func=lambda a: names.get(a, a),
                               key="action_pick")
            row = actions[actions["action_id"] == aid].iloc[0].to_dict()
            fields, flags = _fields(store, viewer, f"_{aid}", _day(row["held_on"]),
                                    row.get("subject_kind"), row)
            if st.button("Save changes", key="action_update", type="primary"):
                meetings.update_action(store, viewer, action_id=str(aid), fields=fields,
                                       language_flags=flags, today=today)
                st.rerun()
    st.markdown("**Open actions from every meeting**")
    actions_table.show(store.frame("panel.open_actions", viewer), today=today,
                       key="action_all_open")
