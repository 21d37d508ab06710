"""Shaping the Overview page's aggregates: monthly incident series and headline figures."""

from __future__ import annotations

import pandas as pd

from domain import vocabulary


def panel_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts by incident kind (``month``, ``kind``, ``incidents``) summed into the
    groups a panel thinks in (:data:`domain.vocabulary.INCIDENT_GROUPS`: sexual assault,
    self-harm and overdose apart, harm at home together), in a ``group`` column. A kind with
    no group is refused: nothing is filed under "Other"."""
    if frame.empty:
        return frame.assign(group=pd.Series(dtype=str))
    unknown = set(frame["kind"]) - set(vocabulary.INCIDENT_GROUP_OF)
    if unknown:
        raise ValueError(f"incident kinds with no panel group: {sorted(unknown)}")
    grouped = frame.assign(group=frame["kind"].map(vocabulary.INCIDENT_GROUP_OF))
    out: pd.DataFrame = grouped.groupby(["month", "group"], as_index=False)[["incidents"]].sum()
    return out


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
