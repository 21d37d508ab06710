"""One network analysis of a window: the graphs, peer groups, facilitators and hubs together.

Two steps, so a filter change costs a fraction of a second:

* :class:`NetworkIndex` holds every person, place, link and presence of one data version with
  their provenance records built once, and the columns a filter tests as arrays;
* :meth:`NetworkIndex.select` applies a :class:`RecordFilter` (period, link kinds, natures,
  agencies, grading) with array masks and builds the graphs of that window from the records
  already made. The heavier measures (co-presence, peer groups, facilitators, hubs) are
  computed the first time they are asked for and then kept, so the graph can be drawn before
  the leads are ranked.

The ego view and connected children are then breadth-first searches on the built graphs.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from analytics import brokerage, network
from domain import vocabulary

_CONTACT_EXCLUDED = frozenset(network.CONTACT_EXCLUDED_KINDS)


@dataclass(frozen=True)
class RecordFilter:
    """The filters of a network view, applied to links and presences.

    ``start``/``end`` are inclusive dates: a link counts when it was seen at some point in the
    window (first seen <= end and last seen >= start), a presence when it happened in it.
    Empty ``kinds``, ``natures`` and ``agencies`` keep all (kinds and natures apply to links
    only). ``min_intel`` is the weakest 3x5x2 intelligence grade kept (A best ... E worst;
    None keeps all); ``include_ungraded`` says whether records with no grading are kept when
    it is set. The same rules as the ``network.links`` and ``network.presences`` queries.
    """

    start: date
    end: date
    kinds: tuple[str, ...] = ()
    natures: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    min_intel: str | None = None
    include_ungraded: bool = True

    @classmethod
    def everything(cls) -> RecordFilter:
        """A filter that keeps every record."""
        return cls(date.min, date.max)


def _graded(intel: np.ndarray, f: RecordFilter) -> np.ndarray:
    """Rows passing the grading rule of ``f`` (``intel`` holds letters or None)."""
    if f.min_intel is None:
        return np.ones(len(intel), dtype=bool)
    known = np.array([i is not None for i in intel], dtype=bool)
    good = np.array([i is not None and i <= f.min_intel for i in intel], dtype=bool)
    return good | (~known & f.include_ungraded)


def _among(values: np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
    """Rows whose value is in ``wanted`` (all rows when it is empty)."""
    if not wanted:
        return np.ones(len(values), dtype=bool)
    return np.isin(values, list(wanted))


def _day(value: date) -> np.datetime64:
    return np.datetime64(max(value, date(1, 1, 2)).isoformat(), "D")


class NetworkIndex:
    """Every record of one data version, ready to be filtered (see the module docstring).

    Built from the frames of the ``network.*`` queries loaded without filters. ``people`` may
    carry a ``label`` column (names in named mode, otherwise pseudonyms); ``groups`` are the
    recorded peer groups' members (``network.groups``), which name the groups found.
    ``captions`` gives 'label (Kind)' for every person and place, for search lists.
    """

    def __init__(self, people: pd.DataFrame, places: pd.DataFrame, links: pd.DataFrame,
                 presences: pd.DataFrame, groups: pd.DataFrame | None = None) -> None:
        self.people = people
        self.recorded_groups = groups if groups is not None else pd.DataFrame(
            columns=["group_id", "name", "person_id"])
        self.person_nodes = network.person_nodes(people)
        self.place_nodes = network.place_nodes(places)
        self.place_labels = dict(zip(places["place_id"].astype(str),
                                     places["name"].astype(str), strict=True))
        kind_of = {n: d["kind"] for n, d in self.person_nodes}
        self.link_u, self.link_v, self.link_recs = network.link_records(links)
        self._link_kind = np.array([r["kind"] for r in self.link_recs], dtype=object)
        self._link_nature = np.array([r["nature"] for r in self.link_recs], dtype=object)
        self._link_agency = np.array([r["source_agency"] for r in self.link_recs], dtype=object)
        self._link_intel = np.array([r["grading_intel"] for r in self.link_recs], dtype=object)
        self._link_first = pd.to_datetime(links["first_seen"]).to_numpy("datetime64[D]")
        self._link_last = pd.to_datetime(links["last_seen"]).to_numpy("datetime64[D]")
        self._contact_ids = {
            r["link_id"] for r, u, v in zip(self.link_recs, self.link_u, self.link_v, strict=True)
            if r["kind"] not in _CONTACT_EXCLUDED and kind_of.get(u) != network.PROFESSIONAL
            and kind_of.get(v) != network.PROFESSIONAL}
        self._known_link = np.array([u in kind_of and v in kind_of
                                     for u, v in zip(self.link_u, self.link_v, strict=True)],
                                    dtype=bool)
        self.presences = presences
        self.pres_u, self.pres_v, self.pres_recs = network.presence_records(presences)
        self._pres_agency = presences["source_agency"].astype(str).to_numpy(dtype=object)
        self._pres_intel = np.array(
            [None if v is None or v != v else str(v)
             for v in presences.get("grading_intel", pd.Series([None] * len(presences)))],
            dtype=object)
        self._pres_seen = pd.to_datetime(presences["seen_at"]).to_numpy("datetime64[s]")
        kinds = {t.code: t.label for t in vocabulary.NODE_KINDS}
        self.captions = {n: f"{d.get('label', n)} ({kinds.get(str(d.get('kind')), 'Other')})"
                         for n, d in [*self.person_nodes, *self.place_nodes]}
        self._place_ids = {n for n, _ in self.place_nodes}
        self._person_ids = set(kind_of)

    def link_mask(self, f: RecordFilter) -> np.ndarray:
        """The links passing ``f`` (a boolean per link row)."""
        keep = self._known_link & (self._link_first <= _day(f.end)) \
            & (self._link_last >= _day(f.start))
        return keep & _among(self._link_kind, f.kinds) & _among(self._link_nature, f.natures) \
            & _among(self._link_agency, f.agencies) & _graded(self._link_intel, f)

    def presence_mask(self, f: RecordFilter) -> np.ndarray:
        """The presences passing ``f`` (a boolean per presence row)."""
        start = _day(f.start).astype("datetime64[s]")
        end = (_day(min(f.end, date.max - timedelta(days=1))) + 1).astype("datetime64[s]")
        keep = (self._pres_seen >= start) & (self._pres_seen < end)
        return keep & _among(self._pres_agency, f.agencies) & _graded(self._pres_intel, f)

    def _contact_edges(self, person_edges: dict[tuple[str, str], dict[str, Any]]
                       ) -> list[tuple[str, str, dict[str, Any]]]:
        """The contact graph's edges: a pair whose records are all contact links keeps its
        person-graph edge; a mixed pair is merged again from its contact links alone."""
        contact = self._contact_ids
        out = []
        for (u, v), d in person_edges.items():
            recs = d["links"]
            kept = [r for r in recs if r["link_id"] in contact]
            if len(kept) == len(recs):
                out.append((u, v, d))
            elif kept:
                out.extend((u, v, e) for e in network.merge_links((u, v, r) for r in kept)
                           .values())
        return out

    def select(self, f: RecordFilter, *, as_of: date,
               copresence_window: timedelta = timedelta(hours=2), seed: int = 7,
               key_player_k: int = 3) -> NetworkAnalysis:
        """The analysis of the records passing ``f``: graphs now, measures when asked."""
        lm = np.flatnonzero(self.link_mask(f)).tolist()
        pm = np.flatnonzero(self.presence_mask(f)).tolist()
        lu, lv, lr = self.link_u, self.link_v, self.link_recs
        person_edges = network.merge_links((lu[i], lv[i], lr[i]) for i in lm)
        pu, pv, pr = self.pres_u, self.pres_v, self.pres_recs
        places, people = self._place_ids, self._person_ids
        presence_edges = network.merge_presences(
            (pu[i], pv[i], pr[i]) for i in pm if pu[i] in people and pv[i] in places)
        view = network.graph_of(
            [*self.person_nodes, *self.place_nodes],
            [*((u, v, d) for (u, v), d in person_edges.items()),
             *((u, v, _as_drawn(d)) for (u, v), d in presence_edges.items())])
        link_graph = network.graph_of(
            ((n, d) for n, d in self.person_nodes if d["kind"] != network.PROFESSIONAL),
            self._contact_edges(person_edges))
        return NetworkAnalysis(
            view_graph=view, link_graph=link_graph, as_of=as_of,
            place_labels=self.place_labels, people=self.people,
            recorded_groups=self.recorded_groups, captions=self.captions,
            link_pairs=len(person_edges),
            presences=self.presences.iloc[pm], copresence_window=copresence_window,
            seed=seed, key_player_k=key_player_k)


def _as_drawn(edge: dict[str, Any]) -> dict[str, Any]:
    """A person x place edge with the attributes the drawing and exports read."""
    edge.update(kinds=["presence"], nature=_presence_nature(edge), verified=True, intel=None)
    return edge


class NetworkAnalysis:
    """Everything the Network page shows for one window and filter.

    Attributes
    ----------
    view_graph
        People and their links (professionals included, for display), places and who was
        seen at each: what is drawn (children seen at one place share the place node). A
        person x place edge holds its presences (``records``, ``presence_kinds``, dates).
    person_graph
        The people of the view graph and their links (a read-only view of it).
    place_graph
        The two-mode person x place graph: the view graph itself, whose places are joined
        only to the people seen there.
    link_graph
        The contact graph of links only (professionals, and professional and trusted-adult
        links, removed): peer groups, facilitators and adult hubs are computed on it, so
        meeting at a busy place does not merge groups or make brokers.
    as_of, place_labels, captions
        The data's as-of date; place id to name; 'label (Kind)' of every person and place.
    copresence, groups, group_names, facilitators, hubs
        Computed when first asked for, then kept: co-presence of children
        (:class:`analytics.network.CoPresence`), peer groups and their names (the recorded
        group's name where there is one), facilitator leads and hubs.
    """

    def __init__(self, *, view_graph: nx.Graph, link_graph: nx.Graph, as_of: date,
                 place_labels: dict[str, str], people: pd.DataFrame, presences: pd.DataFrame,
                 copresence_window: timedelta, seed: int, key_player_k: int,
                 recorded_groups: pd.DataFrame | None = None,
                 captions: dict[str, str] | None = None, link_pairs: int = 0) -> None:
        self.view_graph, self.link_graph = view_graph, link_graph
        self.as_of, self.place_labels = as_of, place_labels
        self.captions = captions if captions is not None else {}
        self._pairs = link_pairs
        self._graphs: list[nx.Graph] = [view_graph, link_graph]
        weakref.finalize(self, _release, self._graphs)
        self._people, self._presences = people, presences
        self._window, self._seed, self._k = copresence_window, seed, key_player_k
        self._recorded = recorded_groups if recorded_groups is not None else pd.DataFrame(
            columns=["group_id", "name", "person_id"])

    @cached_property
    def person_graph(self) -> nx.Graph:
        """People and their links (a read-only view of the view graph)."""
        graph = self.view_graph.subgraph(
            [n for n, k in self.view_graph.nodes(data="kind") if k in network.PERSON_KINDS])
        self._graphs.append(graph)
        return graph

    @property
    def place_graph(self) -> nx.Graph:
        """The person x place graph (the view graph: see the class docstring)."""
        return self.view_graph

    @property
    def measured(self) -> bool:
        """True once the leads and hubs of this view have been computed."""
        return "facilitators" in self.__dict__ and "hubs" in self.__dict__

    @property
    def links_drawn(self) -> int:
        """How many linked pairs of people passed the filter."""
        return self._pairs

    @cached_property
    def copresence(self) -> network.CoPresence:
        """Children seen at the same place within the co-presence window."""
        return network.copresence(self._presences, self._people, window=self._window)

    @cached_property
    def groups(self) -> network.PeerGroups:
        """Peer groups among the children of the contact graph (seeded)."""
        return network.peer_groups(self.link_graph, seed=self._seed)

    @cached_property
    def group_names(self) -> dict[str, str]:
        """The name of each peer group found (:func:`analytics.network.group_names`)."""
        return network.group_names(self.groups, self._recorded)

    @cached_property
    def facilitators(self) -> brokerage.Facilitators:
        """Adults of concern ranked as leads, with their evidence."""
        return brokerage.facilitators(self.link_graph, groups=self.groups, seed=self._seed,
                                      key_player_k=self._k)

    @cached_property
    def hubs(self) -> brokerage.Hubs:
        """Place hubs and adult hubs."""
        return brokerage.hubs(self.link_graph, self.view_graph, as_of=self.as_of)

    def timeline(self, place: str) -> network.PlaceTimeline:
        """Who was at ``place`` together, and when, in this view's presences."""
        people = {n: (str(d.get("label", n)), str(d.get("kind")))
                  for n, d in self.view_graph.nodes(data=True)
                  if d.get("kind") in network.PERSON_KINDS}
        return network.place_timeline(self._presences, people, place, window=self._window)

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
    groups: pd.DataFrame | None = None,
) -> NetworkAnalysis:
    """Build the graphs from already-filtered frames (every record kept) and the measures.

    ``people`` may carry a ``label`` column (names in named mode, otherwise pseudonyms).
    """
    return NetworkIndex(people, places, links, presences, groups).select(
        RecordFilter.everything(), as_of=as_of, copresence_window=copresence_window,
        seed=seed, key_player_k=key_player_k)


def _release(graphs: list[nx.Graph]) -> None:
    """Drop the views networkx caches on a graph (``G.edges`` holds ``G``: a reference
    cycle), so a discarded analysis is freed at once even when the garbage collector has been
    told to ignore it (the dashboard freezes kept analyses; see network_model)."""
    for graph in graphs:
        for cached in ("edges", "degree", "adj", "nodes"):
            graph.__dict__.pop(cached, None)


def _presence_nature(edge: dict[str, object]) -> str:
    kinds = edge.get("presence_kinds") or []
    harm = any(k in network.HARM_PRESENCE_KINDS for k in kinds)  # type: ignore[attr-defined]
    return "harmful" if harm else "unknown"



