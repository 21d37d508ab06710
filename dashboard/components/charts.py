"""Small chart widgets with legends that stay readable on a shared screen."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st


def _long(table: pd.DataFrame, label: str) -> pd.DataFrame:
    return table.reset_index().melt(id_vars="month", var_name=label, value_name="incidents")


def monthly(table: pd.DataFrame, *, label: str, mark: str = "bar", height: int = 340,
            y_title: str = "Incidents") -> None:
    """Incidents per month by category: stacked bars or one line per category.

    ``table`` has months as index and one column per category (see
    :func:`analytics.overview.monthly_series`). The legend sits under the chart in two columns
    so long labels are not cut off.
    """
    if table.empty:
        st.info("No incidents in this period.")
        return
    data = _long(table, label)
    base = alt.Chart(data)
    chart = base.mark_bar() if mark == "bar" else base.mark_line(point=True, strokeWidth=2)
    encoded = chart.encode(
        x=alt.X("yearmonth(month):T", title=None),
        y=alt.Y("sum(incidents):Q" if mark == "bar" else "incidents:Q", title=y_title),
        color=alt.Color(
            f"{label}:N",
            title=None,
            legend=alt.Legend(orient="bottom", columns=2, labelLimit=260, symbolLimit=12),
        ),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month"), f"{label}:N",
                 alt.Tooltip("incidents:Q", title=y_title)],
    ).properties(height=height)
    st.altair_chart(encoded, width="stretch")
