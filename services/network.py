"""The network analysis model: the store's frames for a filter, turned into measures.

:func:`index` loads every person, place, link and presence through the gateway (role checks,
masking, audit) once per data version; :func:`select` filters it in memory for a view
(:class:`analytics.analysis.NetworkIndex`). The page keeps both
(:mod:`dashboard.components.network_model`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import networkx as nx

from analytics import analysis
from analytics.network import PERSON_KINDS
from data import network
from data.store import Store
from domain import audit, settings
from domain.access import Viewer


def analyse(store: Store, viewer: Viewer, query: network.NetworkQuery, *,
            as_of: date) -> analysis.NetworkAnalysis:
    """Every measure of the network that passes ``query``, as ``viewer`` may see it."""
    return select(index(store, viewer), query, as_of=as_of)


def index(store: Store, viewer: Viewer) -> analysis.NetworkIndex:
    """Every person, place, link and presence ``viewer`` may see, indexed for filtering
    (built once per data version; the page keeps it)."""
    frames = network.load_all(store, viewer)
    return analysis.NetworkIndex(frames.people.copy(), frames.places, frames.links,
                                 frames.presences, frames.groups)


def record_filter(query: network.NetworkQuery) -> analysis.RecordFilter:
    """The analytics filter of a network query (the same rules as its SQL)."""
    return analysis.RecordFilter(
        start=query.start, end=query.end, kinds=query.kinds, natures=query.natures,
        agencies=query.agencies, min_intel=query.min_intel,
        include_ungraded=query.include_ungraded)


def select(idx: analysis.NetworkIndex, query: network.NetworkQuery, *,
           as_of: date) -> analysis.NetworkAnalysis:
    """The analysis of the records of ``idx`` passing ``query`` (a fraction of a second)."""
    hours = float(settings.get("copresence_hours"))
    return idx.select(record_filter(query), as_of=as_of,
                      copresence_window=timedelta(hours=hours))


def view_filter(query: network.NetworkQuery, viewer: Viewer) -> dict[str, object]:
    """The filter of a network view as the audit trail records it (dates, codes, mode)."""
    return {"start": query.start.isoformat(), "end": query.end.isoformat(),
            "kinds": list(query.kinds), "natures": list(query.natures),
            "agencies": list(query.agencies), "min_intel": query.min_intel,
            "named": viewer.shows_names}


def people_in(graph: nx.Graph) -> list[str]:
    """The ids of the people (not places) in a graph, as an audit event lists them."""
    return [str(n) for n, kind in graph.nodes(data="kind") if kind in PERSON_KINDS]


def record_view(store: Store, viewer: Viewer, query: network.NetworkQuery,
                graph: nx.Graph) -> None:
    """Audit a network view: a consultation with its filter and the people in ``graph``."""
    store.audit(audit.Consultation(
        who=audit.Who.of(viewer), object_kind="network", source="network view",
        rows=graph.number_of_nodes(), person_ids=tuple(people_in(graph)),
        parameters=view_filter(query, viewer)))


def record_search(store: Store, viewer: Viewer, *, text: str, centre: str, hops: int,
                  results: int, graph: nx.Graph) -> None:
    """Audit a search on the network page: the length of the text typed (never the text), the
    node chosen as centre, the hops, how many matched, and the person chosen, if a person."""
    chosen = [centre] if graph.nodes.get(centre, {}).get("kind") in PERSON_KINDS else []
    store.audit(audit.Search(
        who=audit.Who.of(viewer), object_kind="network", object_id=centre,
        person_ids=tuple(chosen), text_length=len(text.strip()), results=results,
        parameters={"hops": int(hops)}))


def record_export(store: Store, viewer: Viewer, *, file_format: str, purpose: str,
                  recipients: Sequence[str], graph: nx.Graph, named: bool) -> None:
    """Audit an export of a network view as a disclosure: who, why, to whom, its format,
    whether names are in it, its size and the people in it. Refuses (a
    :class:`~domain.errors.ValidationError`) when the recipients are empty."""
    store.audit(audit.Disclosure(
        who=audit.Who.of(viewer, purpose=purpose), object_kind="network",
        object_id=file_format, person_ids=tuple(people_in(graph)), what="network view",
        file_format=file_format, recipients=tuple(recipients), named=named,
        counts={"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}))
