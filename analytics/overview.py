"""Shaping the Overview page's aggregates: monthly incident series and headline figures."""

from __future__ import annotations

import pandas as pd


def monthly_series(
    frame: pd.DataFrame, *, by: str = "kind", top: int = 8, other: str = "other"
) -> pd.DataFrame:
    """Incidents per month (rows) and category (columns), keeping the ``top`` categories.

    ``frame`` has columns ``month``, ``incidents`` and ``by``. Categories outside the top
    ``top`` by total are summed into ``other``. Months with no incidents are filled with 0.
    """
    if frame.empty:
        return pd.DataFrame()
    if by not in frame.columns:
        raise ValueError(f"no column {by!r} to group months by")
    totals = frame.groupby(by)["incidents"].sum().sort_values(ascending=False)
    keep = set(totals.index[:top])
    cat = frame[by].where(frame[by].isin(keep), other)
    table = (
        frame.assign(_cat=cat)
        .pivot_table(index="month", columns="_cat", values="incidents", aggfunc="sum", fill_value=0)
        .sort_index()
    )
    months = pd.date_range(table.index.min(), table.index.max(), freq="MS")
    table = table.reindex(months, fill_value=0)
    table.index.name = "month"
    table.columns.name = None
    return table
