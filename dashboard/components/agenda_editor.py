"""The agenda: suggested items to accept or remove, accepted items, manual additions.

Owns keys starting ``agenda_``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from analytics import agenda as agenda_analytics
from analytics.agenda import SuggestedItem
from dashboard.components import child_picker, language_check
from data import meetings
from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from services import briefing
from services.safe import md

KIND_LABELS: dict[str, str] = vocabulary.AGENDA_SUBJECT_KINDS.labels()
CACHE_KEY = "agenda_suggestions"
PAGE_SIZE = 12


def _add(store: Store, viewer: Viewer, meeting_id: str, item: SuggestedItem, status: str,
         position: int) -> None:
    done = meetings.add_item(
        store, viewer, meeting_id=meeting_id, subject_kind=item.subject_kind,
        subject_id=item.subject_id, reason=item.reason, status=status, position=position)
    if done:
        st.rerun()


def _cached(store: Store, viewer: Viewer, meeting_id: str, held_on: date,
            today: date) -> tuple[date, list[SuggestedItem]] | None:
    """Suggestions for the meeting, computed once per meeting and date in this session."""
    key = (store.path, meeting_id, held_on, today)
    cached = st.session_state.get(CACHE_KEY)
    if st.session_state.pop("agenda_refresh", False) or not cached or cached[0] != key:
        result = briefing.suggestions(
            store, viewer, meeting_id=meeting_id, held_on=held_on, as_of=today,
            exclude_existing=False)
        if result is None:
            return None
        st.session_state[CACHE_KEY] = (key, *result)
        cached = st.session_state[CACHE_KEY]
    return cached[1], cached[2]


def suggestions(store: Store, viewer: Viewer, meeting_id: str, held_on: date, today: date,
                items: pd.DataFrame, next_position: int) -> None:
    """Each suggestion with its reasons and Accept / Remove buttons, a few at a time."""
    result = _cached(store, viewer, meeting_id, held_on, today)
    if result is None:
        return
    since, suggested = result
    taken = set(zip(items["subject_kind"].tolist(), items["subject_id"].tolist(), strict=True))
    open_items = [i for i in suggested if (i.subject_kind, i.subject_id) not in taken]
    st.caption(f"What changed since {since:%d %b %Y} (the previous meeting, or 90 days). "
               "Accept to put it on the agenda; remove to set it aside (kept on record).")
    kinds = st.pills("Show", list(KIND_LABELS), format_func=lambda k: KIND_LABELS[k],
                     selection_mode="multi", key="agenda_kinds")
    if kinds:
        open_items = [i for i in open_items if i.subject_kind in kinds]
    if not open_items:
        st.success("No new suggestions.", icon=":material/check_circle:")
    shown = st.session_state.setdefault("agenda_shown", PAGE_SIZE)
    for k, it in enumerate(open_items[:shown]):
        box = st.container(border=True)
        box.markdown(f"**{KIND_LABELS[it.subject_kind]}: {md(it.label)}**  \n"
                     + "  \n".join(f"- {md(r)}" for r in it.reasons))
        c1, c2, _ = box.columns([1, 1, 1])
        key = f"{it.subject_kind}_{it.subject_id}"
        if c1.button("Accept", key=f"agenda_accept_{key}", type="primary", width="stretch"):
            _add(store, viewer, meeting_id, it, "accepted", next_position + k)
        if c2.button("Remove", key=f"agenda_remove_{key}", width="stretch"):
            _add(store, viewer, meeting_id, it, "removed", next_position + k)
    c1, c2 = st.columns(2)
    if len(open_items) > shown and c1.button(
            f"Show more ({len(open_items) - shown} not shown)", key="agenda_more"):
        st.session_state["agenda_shown"] = shown + PAGE_SIZE
        st.rerun()
    if c2.button("Refresh suggestions", key="agenda_refresh_button",
                 help="Recompute from the latest data."):
        st.session_state["agenda_refresh"] = True
        st.rerun()


def titles(accepted: pd.DataFrame) -> dict[str, str]:
    """Each accepted item's title as the agenda numbers it (``2. Child: CH-0001``)."""
    return {str(r["item_id"]): f"{n}. {KIND_LABELS[r['subject_kind']]}: {r['label']}"
            for n, r in enumerate(accepted.to_dict("records"), start=1)}


def shared(store: Store, viewer: Viewer, accepted: pd.DataFrame
           ) -> dict[str, list[agenda_analytics.SharedContext]]:
    """Which accepted items share an adult of concern or a place with which others."""
    if accepted.empty:
        return {}
    meeting_id = str(accepted.iloc[0]["meeting_id"]) if "meeting_id" in accepted else ""
    contexts = store.frame("panel.item_contexts", viewer, {"meeting_id": meeting_id})
    return agenda_analytics.shared_contexts(contexts)


def agenda(store: Store, viewer: Viewer, items: pd.DataFrame) -> None:
    """The accepted items, those that share an adult of concern or a place together (each
    says so), each removable; removed ones can be restored."""
    accepted = items[items["status"] == "accepted"]
    if accepted.empty:
        st.info("Nothing on the agenda yet: accept a suggestion or add an item.")
    names = titles(accepted)
    links = shared(store, viewer, accepted)
    rows = {str(r["item_id"]): r for r in accepted.to_dict("records")}
    for item_id in agenda_analytics.joined_up_order(list(names), links):
        r = rows[item_id]
        joined = "".join(f"  \n:material/link: {md(line)}" for line in
                         agenda_analytics.linked_phrases(links.get(item_id, []), names))
        _item_row(store, viewer, r, f"**{md(names[item_id])}**  \n{md(r['reason'])}{joined}",
                  "Remove", "removed")
    removed = items[items["status"] == "removed"]
    if not removed.empty:
        with st.expander(f"Set aside ({len(removed)})"):
            for r in removed.to_dict("records"):
                _item_row(store, viewer, r, f"{KIND_LABELS[r['subject_kind']]}: "
                          f"{md(r['label'])} - {md(r['reason'])}", "Restore", "accepted")


_BUTTON_KEYS = {"removed": "agenda_drop", "accepted": "agenda_restore"}


def _item_row(store: Store, viewer: Viewer, item: Mapping[Any, Any], text: str, button: str,
              status: str) -> None:
    """One agenda item with a button that sets its status (and reruns the page)."""
    c1, c2 = st.columns([5, 1], vertical_alignment="center")
    c1.markdown(text)
    if c2.button(button, key=f"{_BUTTON_KEYS[status]}_{item['item_id']}", width="stretch"):
        meetings.set_item_status(store, viewer, item["item_id"], status)
        st.rerun()


def manual_add(store: Store, viewer: Viewer, meeting_id: str, next_position: int) -> None:
    """Add a child, place or peer group the suggestions did not list."""
    kind = st.radio("Kind", list(KIND_LABELS), format_func=KIND_LABELS.get, horizontal=True,
                    key="agenda_manual_kind")
    if kind == "child":
        found = child_picker.options(store, viewer, search_key="agenda_manual_search")
        if found is None:
            return
        ids, names = list(found[0]["person_id"]), found[1]
    elif kind == "person":
        options = store.frame("panel.adults_of_concern", viewer)
        ids = list(options["person_id"])
        names = {r["person_id"]: f"{r['label']} (linked to {r['children']} child(ren))"
                 for r in options.to_dict("records")}
    elif kind == "place":
        options = store.frame("panel.places", viewer)
        ids = list(options["place_id"])
        names = {r["place_id"]: r["name"] if r["ward"] and r["ward"] in r["name"]
                 else f"{r['name']} ({r['ward'] or 'online'})"
                 for r in options.to_dict("records")}
    else:
        options = store.frame("panel.groups", viewer)
        ids, names = list(options["group_id"]), dict(zip(options["group_id"], options["name"],
                                                         strict=True))
    subject = st.selectbox("Subject", ids, format_func=lambda i: names.get(i, i),
                           key="agenda_manual_subject")
    reason, flags = language_check.text_with_check("Why it is on the agenda",
                                                   key="agenda_reason", height=68)
    if st.button("Add to agenda", key="agenda_manual_add") and subject:
        done = meetings.add_item(
            store, viewer, meeting_id=meeting_id, subject_kind=kind, subject_id=subject,
            reason=reason, status="accepted", position=next_position, language_flags=flags)
        if done:
            st.rerun()
