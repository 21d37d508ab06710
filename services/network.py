"""The network analysis model: the store's frames for a filter, turned into measures.

:func:`analyse` loads people, places, links and presences through the gateway (role checks,
masking, audit) and runs :func:`analytics.analysis.analyse`; the page caches the result once
per data change and filter (:mod:`dashboard.components.network_model`).
"""

from __future__ import annotations

from datetime import date, timedelta

from analytics import analysis
from data import network
from data.store import Store
from domain import settings
from domain.access import Viewer


def analyse(store: Store, viewer: Viewer, query: network.NetworkQuery, *,
            as_of: date) -> analysis.NetworkAnalysis:
    """Every measure of the network that passes ``query``, as ``viewer`` may see it."""
    frames = network.load(store, viewer, query)
    hours = float(settings.get("copresence_hours"))
    return analysis.analyse(frames.people.copy(), frames.places, frames.links,
                            frames.presences, as_of=as_of,
                            copresence_window=timedelta(hours=hours))


def view_detail(query: network.NetworkQuery, viewer: Viewer) -> str:
    """The filter of a network view as the audit trail records it."""
    return (f"start={query.start} end={query.end} kinds={list(query.kinds)} "
            f"natures={list(query.natures)} agencies={list(query.agencies)} "
            f"min_intel={query.min_intel} named={viewer.shows_names}")
