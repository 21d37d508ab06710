"""Disproportionality tables: counts, rates and the ratio to the base population."""

from __future__ import annotations

from typing import Any

import streamlit as st

from analytics import equality


def show(tables: list[equality.Disproportionality], *, counted: str, label: str) -> None:
    """One table per dimension (ethnicity, sex, age band), one under another, full width
    so the ratio column is always in view. ``label`` heads the counted column."""
    config: dict[str, Any] = {
        "group": "Group", "population": "Base population", "flagged": label,
        "rate": st.column_config.NumberColumn("Rate per 100", format="%.1f"),
        "ratio": st.column_config.NumberColumn("Ratio to all", format="%.2f",
                                               help="The group's rate over the whole base's"),
    }
    for table in tables:
        st.markdown(f"**By {table.dimension}**")
        shown = table.table.assign(population=table.table["population"].astype(str),
                                   flagged=table.table["flagged"].astype(str))
        st.dataframe(shown, hide_index=True, width="stretch", column_config=config,
                     placeholder="–")
    st.caption(f"Counted: {counted}. Ratio 1.00 means the group's rate equals the rate in the "
               "whole base; above 1 means over-represented. '*' is a small number hidden "
               "(with one more cell hidden so it cannot be worked out from the total); counts "
               "are rounded; rates come from the published counts, blank where hidden.")
