"""Harms and strengths side by side, with equal weight (BRIEF principle 2)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from domain import vocabulary
from services.safe import md


def indicators(counts: dict[str, int]) -> None:
    """Incidents per Wales guide indicator category, as four numbers (not a score)."""
    cols = st.columns(len(counts))
    for col, (cat, n) in zip(cols, counts.items(), strict=True):
        col.metric(f"{vocabulary.label(cat)} indicators", n)


def harms_and_strengths(*, vulnerabilities: pd.DataFrame, adults: pd.DataFrame,
                        strengths: pd.DataFrame, protective: pd.DataFrame) -> None:
    """Two equal columns: what harms (vulnerabilities, adults of concern) and what protects."""
    left, right = st.columns(2, border=True)
    with left:
        st.markdown("#### Vulnerabilities and harmful links")
        if vulnerabilities.empty and adults.empty:
            st.caption("None recorded.")
        for _, r in vulnerabilities.iterrows():
            since = f" since {r['since']:%b %Y}" if pd.notna(r["since"]) else ""
            st.markdown(f"- **{vocabulary.label(r['kind'])}**{since} ({md(r['source_agency'])})")
        for _, r in adults.iterrows():
            ver = "verified" if r["verified"] else "unverified"
            st.markdown(f"- Adult of concern **{md(r['other_label'])}**: "
                        f"{vocabulary.label(r['kind'])}, "
                        f"first seen {r['first_seen']:%d %b %Y}, {ver} "
                        f"({md(r['source_agency_name'])}, graded {md(r['grading'])})")
    with right:
        st.markdown("#### Strengths and protective relationships")
        if strengths.empty and protective.empty:
            st.caption("None recorded yet: ask who the child trusts.")
        for _, r in strengths.iterrows():
            st.markdown(f"- **{vocabulary.label(r['kind'])}**: {md(r['description'])} "
                        f"({md(r['source_agency'])}, {r['recorded_date']:%b %Y})")
        for _, r in protective.iterrows():
            st.markdown(f"- {vocabulary.label(r['other_kind'])} **{md(r['other_label'])}**"
                        f"{' (' + md(r['other_role']) + ')' if pd.notna(r['other_role']) else ''}"
                        f" ({r['source_agency_name']})")
