"""The network analysis model: the store's frames for a filter, turned into measures.

:func:`analyse` loads people, places, links and presences through the gateway (role checks,
masking, audit) and runs :func:`analytics.analysis.analyse`; the page caches the result once
per data change and filter (:mod:`dashboard.components.network_model`).
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
    frames = network.load(store, viewer, query)
    hours = float(settings.get("copresence_hours"))
    return analysis.analyse(frames.people.copy(), frames.places, frames.links,
                            frames.presences, as_of=as_of,
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


SHOWN_PARTS = ("graph drawn", "roles tables", "lead detail", "connected children")
"""The parts of the Network page that show people, each audited with the people it shows."""


def record_shown(store: Store, viewer: Viewer, query: network.NetworkQuery, *, part: str,
                 people: Sequence[str]) -> None:
    """Audit one part of the Network page (:data:`SHOWN_PARTS`) before it is drawn: a
    consultation listing exactly the people it shows, so each appears in their subject
    access report."""
    if part not in SHOWN_PARTS:
        raise ValueError(f"unknown part of the Network page {part!r}")
    store.audit(audit.Consultation(
        who=audit.Who.of(viewer), object_kind="network", object_id=part,
        source=f"network page: {part}", rows=len(people), person_ids=tuple(people),
        parameters=view_filter(query, viewer)))


def shown_in_roles(a: analysis.NetworkAnalysis, *, top: int) -> list[str]:
    """The people the roles tables list: the top facilitator leads and adult hubs, and the
    members of the top peer groups."""
    ids = [str(p) for p in a.facilitators.table["person_id"].head(top)]
    ids += [str(n) for n in a.hubs.adults.head(top)["person_id"]]
    for members in a.groups.table.head(top)["members"]:
        ids += [str(m) for m in members]
    return list(dict.fromkeys(ids))


def shown_for_lead(a: analysis.NetworkAnalysis, lead: str) -> list[str]:
    """The people a lead's detail names: the lead, the children they connect and the people
    at the other end of their links."""
    graph = a.link_graph
    by_label = {str(d.get("label", n)): str(n) for n, d in graph.nodes(data=True)}
    ids = [lead, *(by_label.get(c, c) for c in a.facilitators.leads[lead].children)]
    if lead in graph:
        ids += [str(n) for n in graph.neighbors(lead)]
    return list(dict.fromkeys(ids))


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
