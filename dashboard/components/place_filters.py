"""The incident filters shared by the Map page and the place profile.

Owns the session-state keys ``places_period``, ``places_kinds``, ``places_agencies``,
``places_indicators`` and ``places_contexts``. Returns the bound parameters the
``places.*`` queries take (:data:`data.queries.places.FILTER_PARAMS`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import streamlit as st

from data.store import Store
from domain import vocabulary
from domain.access import Viewer

INCIDENT_KINDS = vocabulary.INCIDENT_KINDS.codes
INDICATORS = vocabulary.INDICATOR_CATEGORIES.codes
CONTEXTS = vocabulary.HARM_CONTEXTS.codes


def render(store: Store, viewer: Viewer, today: date) -> dict[str, Any]:
    """Draw the filters (in an expander) and return the query parameters."""
    agencies = store.frame("reference.agencies", viewer)
    names = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
    with st.expander("Filters: period, incident kind, agency, harm", expanded=False):
        start, end = st.slider(
            "Period", min_value=today - timedelta(days=730), max_value=today,
            value=(today - timedelta(days=365), today), format="DD MMM YYYY",
            key="places_period")
        cols = st.columns(4)
        kinds = cols[0].multiselect("Incident kind", INCIDENT_KINDS, format_func=vocabulary.label,
                                    key="places_kinds", placeholder="All kinds")
        chosen = cols[1].multiselect("Agency", list(names), format_func=lambda a: names[a],
                                     key="places_agencies", placeholder="All agencies")
        indicators = cols[2].multiselect("Harm indicators", INDICATORS,
                                         format_func=vocabulary.label, key="places_indicators",
                                         placeholder="Any indicator")
        contexts = cols[3].multiselect("Harm context", CONTEXTS, format_func=vocabulary.label,
                                       key="places_contexts", placeholder="Inside and outside "
                                       "the home")
    return {"start": start, "end": end + timedelta(days=1), "kinds": list(kinds),
            "agencies": list(chosen), "indicators": list(indicators),
            "contexts": list(contexts)}
