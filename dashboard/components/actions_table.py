"""A table of actions with every column readable (text wraps, nothing cut off), overdue ones
highlighted and flagged wording shown with what to say instead."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from analytics import language
from domain import vocabulary
from services import briefing, item_summary

OVERDUE_STYLE = f"background-color: {vocabulary.OVERDUE_COLOUR}; color: #7a1010; font-weight: 600"
COLUMNS = {"subject": "Item", "plan": "Plan", "tactic": "Tactic", "description": "Action",
           "owner": "Owner", "due_date": "Due", "review_date": "Review", "status": "Status",
           "language": "Language check"}


def _day(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


def frame(actions: pd.DataFrame, *, today: date) -> tuple[pd.DataFrame, pd.Series]:
    """(the table as shown, which rows are overdue) for rows of ``panel.actions``."""
    late = briefing.overdue(actions, today=today).reset_index(drop=True)
    shown = actions.assign(
        plan=actions["plan"].map(lambda p: vocabulary.label(p) if isinstance(p, str) else ""),
        tactic=actions["tactic"].map(vocabulary.label),
        status=[vocabulary.label(s) + (" - OVERDUE" if o else "")
                for s, o in zip(actions["status"], late, strict=True)],
        owner=[item_summary.owner_text(r) for r in actions.to_dict("records")],
        due_date=actions["due_date"].map(_day),
        review_date=actions["review_date"].map(_day),
        subject=actions["subject"].fillna("Whole meeting"),
        language=actions["language_flags"].map(language.describe),
    )[list(COLUMNS)].rename(columns=COLUMNS).reset_index(drop=True)
    return shown, late


def show(actions: pd.DataFrame, *, today: date, key: str | None = None) -> None:
    """Draw ``actions`` (rows of ``panel.actions``) as a static table whose cells wrap, so
    owner, due and review dates are never cut off; overdue rows stand out in red."""
    if actions.empty:
        st.caption("No actions recorded.")
        return
    shown, late = frame(actions, today=today)
    if not shown["Language check"].any():
        shown = shown.drop(columns="Language check")
    styled = shown.style.apply(
        lambda row: [OVERDUE_STYLE if late.iloc[row.name] else ""] * len(row), axis=1)
    with st.container(key=key):
        st.table(styled.hide(axis="index"))
    if late.any():
        st.error(f"{int(late.sum())} action(s) overdue.", icon=":material/schedule:")
