"""The commissioners' outreach view: where children are linked to harm in the evenings and at
weekends, by ward, with a harm-context filter that leaves out harm at home by default (for
placing detached youth work). Suppressed aggregates only, like the rest of the page.

Owns the session-state key ``hotspots_contexts``.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import streamlit as st

from analytics import commissioning as comm
from analytics.suppression import SuppressionPolicy
from dashboard.components import hotspot_map
from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from domain.errors import ValidationError

CONTEXTS_KEY = "hotspots_contexts"
AGG_ROW_LIMIT = 1_000_000  # aggregate rows are few; the cap must never cut a count
HOME = "intra_familial"

COLUMNS = {"name": "Ward", "child_population": "Children living there",
           "children": "Children linked", "children_per_1000": "per 1,000",
           "out_of_hours_children": "Children linked out of hours",
           "out_of_hours_per_1000": "Out of hours per 1,000",
           "evening_incidents": "Evening incidents (18:00-02:00)",
           "weekend_incidents": "Weekend incidents (Sat-Sun)", "incidents": "All incidents"}


def render(store: Store, viewer: Viewer, wards: gpd.GeoDataFrame, *, start: date, end: date,
           place_kind: str, policy: SuppressionPolicy) -> None:
    """The harm-context filter, the ward map of children linked out of hours per 1,000
    resident children (ward names on it) and the ward table."""
    codes = vocabulary.HARM_CONTEXTS.codes
    contexts = st.multiselect(
        "Harm context", codes, default=[c for c in codes if c != HOME],
        format_func=vocabulary.label, key=CONTEXTS_KEY,
        help="Harm at home (intra-familial) is left out by default: detached youth work "
             "reaches streets, parks and venues, not homes. Add it back to see all harm.")
    if not contexts:
        st.info("Choose at least one harm context.")
        return
    res = store.run("places.agg_ward_outreach", viewer, {
        "start": start, "end": end, "contexts": list(contexts),
        "place_kinds": [] if place_kind == comm.ALL else [place_kind]}, limit=AGG_ROW_LIMIT)
    if res.truncated:  # never publish undercounts
        raise ValidationError("The outreach table has more rows than can be shown whole; ask "
                              "an administrator to check the data.")
    table = comm.outreach_table(res.frame, wards, policy)
    hotspot_map.show(wards, table.iloc[:-1], rate="out_of_hours_per_1000",
                     rate_label="Children linked out of hours per 1,000",
                     key="hotspots_outreach_map", spots=False)
    st.caption("Out of hours: an incident in the evening (18:00 to 02:00) or at a weekend. "
               "Children linked: distinct children in those incidents, per 1,000 children "
               "living in the ward (a child linked in two wards counts in both). Rates use "
               "the published (rounded) counts.")
    shown = table[list(COLUMNS)].astype(dict.fromkeys(comm.OUTREACH_COUNTS, str))
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config=dict(COLUMNS))
