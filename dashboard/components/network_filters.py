"""Filters of the network view: period, link kinds, natures, agencies, grading.

Owns the session-state keys starting ``network_f_``.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from data.network import NetworkQuery
from data.store import Store
from domain import vocabulary
from domain.access import Viewer


def render(store: Store, viewer: Viewer, today: date) -> NetworkQuery:
    """Draw the filters and return the query they describe."""
    agencies = store.frame("reference.agencies", viewer)
    with st.expander("Filters: period, link kind, agency, grading", expanded=False):
        start, end = st.slider(
            "Period", min_value=today - timedelta(days=730), max_value=today,
            value=(today - timedelta(days=365), today), format="DD MMM YYYY",
            key="network_f_period")
        c1, c2, c3 = st.columns(3)
        kinds = c1.multiselect("Link kinds", vocabulary.LINK_KINDS.codes,
                               format_func=vocabulary.LINK_KINDS.label, key="network_f_kinds",
                               placeholder="All kinds")
        natures = c2.multiselect("Nature", vocabulary.LINK_NATURES.codes,
                                 format_func=vocabulary.LINK_NATURES.label,
                                 key="network_f_natures", placeholder="All natures")
        names = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
        chosen = c3.multiselect("Source agency", list(names), format_func=lambda a: names[a],
                                key="network_f_agencies", placeholder="All agencies")
        c4, c5 = st.columns(2)
        grades = vocabulary.GRADING_INTEL.codes[:-1]
        grade = c4.selectbox("Weakest intelligence grade shown", ["any", *grades],
                             key="network_f_grade",
                             help="3x5x2 intelligence grade: A (known to be true) to E "
                                  "(suspected false). 'C' keeps A, B and C.")
        ungraded = c5.checkbox("Keep ungraded records", value=True, key="network_f_ungraded",
                               help="Most non-police records carry no 3x5x2 grading.")
    return NetworkQuery(start=start, end=end, kinds=tuple(kinds), natures=tuple(natures),
                        agencies=tuple(chosen), min_intel=None if grade == "any" else grade,
                        include_ungraded=ungraded)
