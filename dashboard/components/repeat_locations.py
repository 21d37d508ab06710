"""Repeat locations on the Map page: places where incidents recur within a short time.

Owns the session-state keys ``map_repeat``, ``map_repeat_least`` and ``map_repeat_days``.
Off until asked for, so the map page stays fast; the incident times are read once per set
of filters and kept for the browser session.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analytics import places as place_stats
from dashboard import common
from dashboard.components import session_cache
from data.store import Store
from domain import vocabulary
from domain.access import Viewer

ROW_LIMIT = 1_000_000


def render(store: Store, viewer: Viewer, params: dict[str, Any], places: pd.DataFrame) -> None:
    """A toggle, the rule (at least N incidents within D days) and the places that meet it."""
    if not st.toggle("Show repeat locations (places where incidents recur)", key="map_repeat"):
        return
    left, right, _ = st.columns([1, 1, 2])
    least = int(left.number_input("At least this many incidents", min_value=2, max_value=100,
                                  value=3, step=1, key="map_repeat_least"))
    days = int(right.number_input("Within this many days", min_value=1, max_value=730,
                                  value=90, step=1, key="map_repeat_days"))
    res = session_cache.remember(
        "map_repeat_times", (viewer, repr(sorted(params.items()))),
        lambda: store.run("places.map_incident_times", viewer, params, limit=ROW_LIMIT))
    common.show_truncation(res)
    found = place_stats.repeat_locations(res.frame, min_incidents=least, within_days=days)
    info = places[["place_id", "name", "kind", "ward", "children"]]
    table = found.drop(columns="children").merge(info, on="place_id", how="left")
    st.caption(f"{len(table):,} of {len(places):,} places had {least} or more incidents within "
               f"{days} days in the period: harm that recurs at a place is a reason to act on "
               "the place (guardianship, licensing, disruption), not on one child.")
    st.dataframe(
        table.assign(kind=table["kind"].map(vocabulary.label))[
            ["name", "kind", "ward", "incidents", "window_start", "children"]],
        hide_index=True, width="stretch", height=280,
        column_config={"name": "Place", "kind": "Kind", "ward": "Ward",
                       "incidents": st.column_config.NumberColumn(
                           f"Most incidents in {days} days"),
                       "window_start": st.column_config.DatetimeColumn(
                           "From", format="D MMM YYYY"),
                       "children": "Children linked (period)"})
