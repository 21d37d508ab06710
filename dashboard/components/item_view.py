"""The one-screen summary of an agenda item and its decision box. Owns ``item_*`` keys."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.components import actions_table, agenda_editor, language_check
from data import meetings
from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from services import item_summary, safe


def _bullets(lines: list[str], empty: str) -> None:
    if not lines:
        st.caption(empty)
    for line in lines:
        st.markdown(f"- {safe.md(line)}")


def summary(s: item_summary.ItemSummary, today: date) -> None:
    """Facts, map and network extracts, chronology highlights, harms and strengths, actions."""
    st.markdown(" · ".join(safe.md(f) for f in s.facts))
    st.caption(f"On the agenda because: {safe.md(s.reason)}")
    left, right = st.columns(2)
    with left:
        st.markdown("**Map extract**")
        st.image(s.map_svg, width="stretch")
    with right:
        st.markdown("**Network extract**")
        st.image(s.network_svg, width="stretch")
    harms, strengths = st.columns(2, border=True)
    with harms:
        st.markdown("**Harms and vulnerabilities**")
        _bullets(s.harms, "None recorded.")
    with strengths:
        st.markdown("**Strengths and protective factors**")
        _bullets(s.strengths, "None recorded yet.")
    st.markdown("**Chronology highlights**")
    st.dataframe(s.highlights, hide_index=True, width="stretch",
                 column_config={"date": "Date", "what": "What", "detail": "Detail"})
    if not s.assessments.empty:
        st.markdown("**Contextual safeguarding assessment**")
        st.dataframe(s.assessments.assign(domain=s.assessments["domain"].map(vocabulary.label))[
            ["domain", "body", "source_name", "assessed_on"]], hide_index=True, width="stretch")
    st.markdown("**Actions about this item (all meetings)**")
    actions_table.show(s.actions, today=today)


def decision(store: Store, viewer: Viewer, item: pd.Series) -> None:
    """The decision box, with the language check shown before saving."""
    key = f"item_decision_{item['item_id']}"
    if key not in st.session_state and isinstance(item["decision"], str):
        st.session_state[key] = item["decision"]
    text, flags = language_check.text_with_check("Decision", key=key,
                                                 placeholder="What the panel decided, and why")
    if st.button("Save decision", key=f"item_save_{item['item_id']}", type="primary"):
        meetings.record_decision(store, viewer, item["item_id"], text, flags)
        st.success("Decision saved" + (f" with {len(flags)} language flag(s) recorded."
                                       if flags else "."))
        return
    language_check.show_recorded(item["language_flags"])


def item_tab(store: Store, viewer: Viewer, accepted: pd.DataFrame, today: date) -> None:
    """Pick an accepted agenda item; its one-screen summary and its decision box."""
    if accepted.empty:
        st.info("Accept an agenda item first.")
        return
    names = {r["item_id"]: f"{n}. {agenda_editor.KIND_LABELS[r['subject_kind']]}: "
             f"{r['label']}" for n, r in enumerate(accepted.to_dict("records"), start=1)}
    item_id = st.selectbox("Item", list(names), format_func=lambda i: names.get(i, i),
                           key="panel_item")
    row = accepted[accepted["item_id"] == item_id].iloc[0]
    st.subheader(safe.md(names[item_id]))
    s = item_summary.item_summary(store, viewer, {str(k): v for k, v in row.items()},
                                  as_of=today)
    summary(s, today)
    decision(store, viewer, row)
