"""One network analysis of a window: the graphs, peer groups, facilitators and hubs together.

Built once per data change and filter (the dashboard caches it), then queried cheaply: the
ego view and connected children are breadth-first searches on the built graphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx
import pandas as pd

from analytics import brokerage, network


@dataclass(frozen=True)
class NetworkAnalysis:
    """Everything the Network page shows for one window and filter.

    ``person_graph``: people and their links (professionals included, for display);
    ``link_graph``: the contact graph of links only (professional and trusted-adult links
    removed): peer groups, facilitators and adult hubs are computed on it, so meeting at a
    busy place does not merge groups or make brokers;
    ``place_graph``: the two-mode person x place graph; ``view_graph``: person graph plus
    places and presence edges (what is drawn; children seen at one place share the place
    node); ``copresence`` (looked up by :meth:`connected_children`); ``groups``;
    ``facilitators``; ``hubs``; ``place_labels`` (place id to name).
    """

    person_graph: nx.Graph
    link_graph: nx.Graph
    place_graph: nx.Graph
    view_graph: nx.Graph
    copresence: network.CoPresence
    groups: network.PeerGroups
    facilitators: brokerage.Facilitators
    hubs: brokerage.Hubs
    as_of: date
    place_labels: dict[str, str]

    def connected_children(self, child: str, *, k: int = 2) -> network.ConnectedChildren:
        """Children within ``k`` hops of ``child`` through links or co-presence."""
        return network.connected_children(self.link_graph, child, k=k,
                                          copresence=self.copresence,
                                          place_labels=self.place_labels)


def analyse(
    people: pd.DataFrame,
    places: pd.DataFrame,
    links: pd.DataFrame,
    presences: pd.DataFrame,
    *,
    as_of: date,
    copresence_window: timedelta = timedelta(hours=2),
    seed: int = 7,
    key_player_k: int = 3,
) -> NetworkAnalysis:
    """Build the graphs from already-filtered frames and compute every measure.

    ``people`` may carry a ``label`` column (names in named mode, otherwise pseudonyms).
    """
    person_graph = network.build_person_graph(people, links)
    cp = network.copresence(presences, people, window=copresence_window)
    place_labels = dict(zip(places["place_id"].astype(str), places["name"].astype(str),
                            strict=True))
    link_graph = network.contact_graph(person_graph)
    place_graph = network.build_place_graph(people, places, presences)
    groups = network.peer_groups(link_graph, seed=seed)
    fac = brokerage.facilitators(link_graph, groups=groups, seed=seed,
                                 key_player_k=key_player_k)
    hubs = brokerage.hubs(link_graph, place_graph, as_of=as_of)
    view = person_graph.copy()
    view.add_nodes_from((n, d) for n, d in place_graph.nodes(data=True)
                        if d.get("kind") in (network.PLACE, network.ONLINE))
    for u, v, d in place_graph.edges(data=True):
        view.add_edge(u, v, **{**d, "kinds": ["presence"], "nature": _presence_nature(d),
                               "verified": True, "intel": None})
    return NetworkAnalysis(person_graph, link_graph, place_graph, view, cp, groups,
                           fac, hubs, as_of, place_labels)


def _presence_nature(edge: dict[str, object]) -> str:
    kinds = edge.get("presence_kinds") or []
    harm = any(k in network.HARM_PRESENCE_KINDS for k in kinds)  # type: ignore[attr-defined]
    return "harmful" if harm else "unknown"
