"""Load and analyse the network once per data change and filter (cached), audit every view.

Owns the session-state key ``network_last_view`` (the last view audited). The heavy
measures (betweenness, brokerage, key players) are computed once per (database, data
fingerprint, filters, display mode) and reused, so moving around the ego view costs only a
breadth-first search.
"""

from __future__ import annotations

import gc
from datetime import date

import streamlit as st

from analytics import analysis
from data import network
from data.store import Store
from domain import settings
from domain.access import Viewer
from services import network as network_service

LAST_KEY = "network_last_view"


@st.cache_resource(show_spinner="Analysing the network...", max_entries=8)
def _analyse(_store: Store, _viewer: Viewer, path: str, fingerprint: str,
             query: network.NetworkQuery, names: bool, hours: float,
             as_of: date) -> analysis.NetworkAnalysis:
    gc.unfreeze()  # let analyses evicted from the cache be collected before building anew
    result = network_service.analyse(_store, _viewer, query, as_of=as_of)
    # The cached graphs are millions of long-lived objects: move them out of the cyclic
    # garbage collector's sight, or every later query pays for scanning them. (Unfrozen
    # again above, so evicted analyses are collected when the next one is built.)
    gc.collect()
    gc.freeze()
    return result


def forget() -> None:
    """Drop every cached analysis (after an erasure: they may hold the erased person)."""
    _analyse.clear()


def get(store: Store, viewer: Viewer, query: network.NetworkQuery,
        as_of: date) -> analysis.NetworkAnalysis:
    """The analysis for this filter, computed at most once per data change."""
    hours = float(settings.get("copresence_hours"))
    result = _analyse(store, viewer, store.path, network.fingerprint(store, viewer), query,
                      viewer.shows_names, hours, as_of)
    key = (viewer.actor, viewer.role.value, viewer.purpose,
           repr(network_service.view_filter(query, viewer)))
    if st.session_state.get(LAST_KEY) == key:  # one event per new view, not per rerun
        return result
    network_service.record_view(store, viewer, query, result.view_graph)  # before it is shown
    st.session_state[LAST_KEY] = key  # only once recorded: a failed write is retried
    return result
