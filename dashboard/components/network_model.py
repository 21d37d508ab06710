"""Load the network once per data version, filter it per view (both kept), audit every view.

Owns the session-state key ``network_last_view`` (the last view audited).

* The **index** (every person, place, link and presence with its provenance) is loaded
  through the gateway once per (database, data fingerprint, display mode) and kept.
* A **view** (a filter: period, kinds, natures, agencies, grading) is cut from the index with
  array masks and its graphs built in a fraction of a second; it is kept too, so going back
  to an earlier filter is instant. Its heavier measures (peer groups, leads, hubs) are
  computed by :func:`measure` after the graph is drawn.

Python's cyclic garbage collector is paused while a view is built (hundreds of thousands of
new graph objects would otherwise set off repeated full collections, several times the cost
of the build itself), and the index and each finished view are moved out of its sight
(``gc.freeze``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import streamlit as st

from analytics import analysis
from data import network
from data.store import Store
from domain import settings
from domain.access import Viewer
from services import network as network_service

LAST_KEY = "network_last_view"

_PAUSES = threading.Lock()
_paused = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a burst of long-lived objects is built
    (threads nest: it restarts when the last one leaves)."""
    global _paused
    with _PAUSES:
        _paused += 1
        gc.disable()
    try:
        yield
    finally:
        with _PAUSES:
            _paused -= 1
            if _paused == 0:
                gc.enable()


@st.cache_resource(show_spinner="Loading the network...", max_entries=2)
def _index(_store: Store, _viewer: Viewer, path: str, fingerprint: str,
           names: bool) -> analysis.NetworkIndex:
    gc.unfreeze()  # an index and views of an older data version may now be collected
    gc.collect()
    with collector_paused():
        result = network_service.index(_store, _viewer)
    # millions of long-lived objects: out of the collector's sight, or every later
    # collection pays for scanning them
    gc.collect()
    gc.freeze()
    return result


@st.cache_resource(show_spinner="Filtering the network...", max_entries=6)
def _select(_idx: analysis.NetworkIndex, path: str, fingerprint: str, names: bool,
            query: network.NetworkQuery, hours: float, as_of: date) -> analysis.NetworkAnalysis:
    with collector_paused():
        return network_service.select(_idx, query, as_of=as_of)


def _key(store: Store, viewer: Viewer) -> tuple[str, str, bool]:
    return store.path, network.fingerprint(store, viewer), viewer.shows_names


def get(store: Store, viewer: Viewer, query: network.NetworkQuery,
        as_of: date) -> analysis.NetworkAnalysis:
    """The view for this filter, cut from the index of the current data version."""
    key = _key(store, viewer)
    idx = _index(store, viewer, *key)
    hours = float(settings.get("copresence_hours"))
    result = _select(idx, *key, query, hours, as_of)
    seen = (viewer.actor, viewer.role.value, viewer.purpose,
            repr(network_service.view_filter(query, viewer)))
    if st.session_state.get(LAST_KEY) != seen:  # one event per new view, not per rerun
        st.session_state[LAST_KEY] = seen
        network_service.record_view(store, viewer, query, result.view_graph)
    return result


def measure(a: analysis.NetworkAnalysis) -> None:
    """Compute the view's peer groups, leads and hubs (once; kept with the view), then move
    the finished view out of the garbage collector's sight: a full collection scans every
    object it sees, about 0.3 s per kept county view, and would otherwise run on most
    filter changes. (A discarded view is still freed: see ``analysis._release``.)"""
    if a.measured:
        return
    with st.spinner("Ranking leads for this period..."), collector_paused():
        _ = (a.groups, a.facilitators, a.hubs)
        gc.collect()  # only what is not frozen yet: this view and recent garbage
        gc.freeze()


def top_lead(a: analysis.NetworkAnalysis) -> str | None:
    """The first facilitator lead of the view (the default centre), if there is one."""
    measure(a)
    ids = a.facilitators.table["person_id"]
    return str(ids.iloc[0]) if len(ids) else None
