"""The agenda: suggested items to accept or remove, accepted items, manual additions.

Owns keys starting ``agenda_``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.agenda import SuggestedItem
from dashboard import common
from dashboard.components import language_check
from data import meetings
from data.access import Viewer
from data.store import Store

KIND_LABELS = {"child": "Child", "place": "Location", "group": "Peer group"}


def _add(store: Store, viewer: Viewer, meeting_id: str, item: SuggestedItem, status: str,
         position: int) -> None:
    done = common.guarded(meetings.add_item)(
        store, viewer, meeting_id=meeting_id, subject_kind=item.subject_kind,
        subject_id=item.subject_id, reason=item.reason, status=status, position=position)
    if done:
        st.rerun()


def suggestions(store: Store, viewer: Viewer, meeting_id: str, since: date,
                items: list[SuggestedItem], next_position: int) -> None:
    """Each suggestion with its reasons and Accept / Remove buttons."""
    st.caption(f"What changed since {since:%d %b %Y} (the previous meeting, or 90 days). "
               "Accept to put it on the agenda; remove to set it aside (kept on record).")
    if not items:
        st.success("No new suggestions.", icon=":material/check_circle:")
    for k, it in enumerate(items):
        box = st.container(border=True)
        box.markdown(f"**{KIND_LABELS[it.subject_kind]}: {it.label}**  \n"
                     + "  \n".join(f"- {r}" for r in it.reasons))
        c1, c2, _ = box.columns([1, 1, 1])
        key = f"{it.subject_kind}_{it.subject_id}"
        if c1.button("Accept", key=f"agenda_accept_{key}", type="primary", width="stretch"):
            _add(store, viewer, meeting_id, it, "accepted", next_position + k)
        if c2.button("Remove", key=f"agenda_remove_{key}", width="stretch"):
            _add(store, viewer, meeting_id, it, "removed", next_position + k)


def agenda(store: Store, viewer: Viewer, items: pd.DataFrame) -> None:
    """The accepted items in order, each removable; removed ones can be restored."""
    accepted = items[items["status"] == "accepted"]
    if accepted.empty:
        st.info("Nothing on the agenda yet: accept a suggestion or add an item.")
    for n, r in enumerate(accepted.to_dict("records"), start=1):
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(f"**{n}. {KIND_LABELS[r['subject_kind']]}: {r['label']}**  \n{r['reason']}")
        if c2.button("Remove", key=f"agenda_drop_{r['item_id']}", width="stretch"):
            meetings.set_item_status(store, viewer, r["item_id"], "removed")
            st.rerun()
    removed = items[items["status"] == "removed"]
    if not removed.empty:
        with st.expander(f"Set aside ({len(removed)})"):
            for r in removed.to_dict("records"):
                c1, c2 = st.columns([5, 1], vertical_alignment="center")
                c1.markdown(f"{KIND_LABELS[r['subject_kind']]}: {r['label']} - {r['reason']}")
                if c2.button("Restore", key=f"agenda_restore_{r['item_id']}", width="stretch"):
                    meetings.set_item_status(store, viewer, r["item_id"], "accepted")
                    st.rerun()


def manual_add(store: Store, viewer: Viewer, meeting_id: str, next_position: int) -> None:
    """Add a child, place or peer group the suggestions did not list."""
    kind = st.radio("Kind", list(KIND_LABELS), format_func=KIND_LABELS.get, horizontal=True,
                    key="agenda_manual_kind")
    if kind == "child":
        options = store.frame("child.children", viewer)
        ids, names = list(options["person_id"]), dict(zip(options["person_id"],
                                                          options["label"], strict=True))
    elif kind == "place":
        options = store.frame("panel.places", viewer)
        ids = list(options["place_id"])
        names = {r["place_id"]: f"{r['name']} ({r['ward'] or 'online'})"
                 for r in options.to_dict("records")}
    else:
        options = store.frame("panel.groups", viewer)
        ids, names = list(options["group_id"]), dict(zip(options["group_id"], options["name"],
                                                         strict=True))
    subject = st.selectbox("Subject", ids, format_func=lambda i: names.get(i, i),
                           key="agenda_manual_subject")
    reason, _ = language_check.text_with_check("Why it is on the agenda", key="agenda_reason",
                                               height=68)
    if st.button("Add to agenda", key="agenda_manual_add") and subject:
        done = common.guarded(meetings.add_item)(
            store, viewer, meeting_id=meeting_id, subject_kind=kind, subject_id=subject,
            reason=reason, status="accepted", position=next_position)
        if done:
            st.rerun()
