"""The one-screen summary of an agenda item and its decision box. Owns ``item_*`` keys."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics import agenda
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


def _period(s: item_summary.ItemSummary) -> None:
    """The period's harm whole: at home beside outside and to self, every serious harm, the
    latest reachable moments and the child's own words."""
    title = "Incidents naming this adult, " if s.subject_kind == "person" else "In the period "
    st.markdown(f"**{title}{safe.md(s.period)}**")
    home, outside, self_ = st.columns(3, border=True)
    for col, title, lines in ((home, "Harm at home", s.harm_home),
                              (outside, "Harm outside the home", s.harm_outside),
                              (self_, "Harm to self", s.harm_self)):
        with col:
            st.markdown(f"**{title}**")
            _bullets(lines, "None recorded in the period.")
    if s.other_records:
        st.caption("Other records in the period: " + "; ".join(safe.md(x)
                                                               for x in s.other_records))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Every serious harm in the period ({len(s.serious)})**")
        _bullets(s.serious, "None recorded in the period.")
    if not s.voice:  # a person of concern: no reachable moments or words of their own
        return
    with right:
        st.markdown("**Latest reachable moments**")
        _bullets(s.moments, "No reachable moment flagged.")
    for line in s.voice:
        st.info(safe.md(line), icon=":material/record_voice_over:")


def summary(s: item_summary.ItemSummary, today: date) -> None:
    """Facts, the period's harm, map and network extracts, chronology highlights, harms and
    strengths, the team around the child, strengths to weigh, actions."""
    st.markdown(" · ".join(safe.md(f) for f in s.facts))
    st.caption(f"On the agenda because: {safe.md(s.reason)}")
    for line in s.linked:
        st.info("Discuss with a linked item: this item " + safe.md(line) + ".",
                icon=":material/link:")
    if s.period:
        _period(s)
    left, right = st.columns(2)
    with left:
        st.markdown("**Map extract**")
        st.image(s.map_svg, width="stretch")
    with right:
        st.markdown("**Network extract**")
        st.image(s.network_svg, width="stretch")
    harms, strengths = st.columns(2, border=True)
    with harms:
        st.markdown(f"**{s.sides[0]}**")
        _bullets(s.harms, "None recorded.")
    with strengths:
        st.markdown(f"**{s.sides[1]}**")
        _bullets(s.strengths, "None recorded yet.")
        for line in s.weigh:
            st.warning("To weigh: " + safe.md(line), icon=":material/balance:")
    if s.team:
        st.markdown("**Team around the child** (professionals: not counted as strengths)")
        _bullets(s.team, "")
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
    """The decision box, with the language check shown before saving. It saves before or
    after the item's actions, as often as the wording changes; earlier wordings are kept."""
    key = f"item_decision_{item['item_id']}"
    if key not in st.session_state and isinstance(item["decision"], str):
        st.session_state[key] = item["decision"]
    text, flags = language_check.text_with_check(
        "Decision", key=key, placeholder="What the panel decided, and why",
        about_child=item["subject_kind"] != "person")
    if st.button("Save decision", key=f"item_save_{item['item_id']}", type="primary"):
        meetings.record_decision(store, viewer, item["item_id"], text, flags)
        st.success("Decision saved" + (f" with {len(flags)} language flag(s) recorded."
                                       if flags else "."))
        return
    language_check.show_recorded(item["language_flags"])
    history = store.frame("panel.decisions", viewer, {"item_id": item["item_id"]})
    if len(history) > 1:
        st.caption(f"Saved {len(history)} times; the latest wording is the decision "
                   "(earlier wordings are kept on record).")


def item_tab(store: Store, viewer: Viewer, accepted: pd.DataFrame, today: date) -> None:
    """Pick an accepted agenda item; its one-screen summary and its decision box."""
    if accepted.empty:
        st.info("Accept an agenda item first.")
        return
    names = agenda_editor.titles(accepted)
    shared = agenda_editor.shared(store, viewer, accepted)
    order = agenda.joined_up_order(list(names), shared)
    item_id = st.selectbox("Item", order, format_func=lambda i: names.get(i, i),
                           key="panel_item")
    row = accepted[accepted["item_id"] == item_id].iloc[0]
    st.subheader(safe.md(names[item_id]))
    s = item_summary.item_summary(store, viewer, {str(k): v for k, v in row.items()},
                                  as_of=today)
    s.linked = agenda.linked_phrases(shared.get(str(item_id), []), names)
    summary(s, today)
    decision(store, viewer, row)
