"""A table of actions with overdue ones highlighted."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from domain import vocabulary
from services import briefing

OVERDUE_STYLE = f"background-color: {vocabulary.OVERDUE_COLOUR}; color: #7a1010; font-weight: 600"
COLUMNS = {"subject": "Item", "status": "Status", "tactic": "Tactic",
           "description": "Action", "owner_name": "Owner", "due_date": "Due",
           "review_date": "Review", "created_by": "Recorded by"}


def _day(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


def show(actions: pd.DataFrame, *, today: date, key: str | None = None) -> None:
    """Draw ``actions`` (rows of ``panel.actions``); overdue rows stand out in red."""
    if actions.empty:
        st.caption("No actions recorded.")
        return
    late = briefing.overdue(actions, today=today)
    shown = actions.assign(
        tactic=actions["tactic"].map(vocabulary.label),
        status=[vocabulary.label(s) + (" - OVERDUE" if o else "")
                for s, o in zip(actions["status"], late, strict=True)],
        due_date=actions["due_date"].map(_day),
        review_date=actions["review_date"].map(_day),
        subject=actions["subject"].fillna("Whole meeting"),
    )[list(COLUMNS)].rename(columns=COLUMNS).reset_index(drop=True)
    flags = late.reset_index(drop=True)
    styled = shown.style.apply(
        lambda row: [OVERDUE_STYLE if flags.iloc[row.name] else ""] * len(row), axis=1)
    st.dataframe(styled, hide_index=True, width="stretch", key=key)
    if late.any():
        st.error(f"{int(late.sum())} action(s) overdue.", icon=":material/schedule:")
