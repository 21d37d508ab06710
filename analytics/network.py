"""The person graph, the person x place graph, co-presence, connected children and peer groups.

Everything here is a pure function over DataFrames (as returned by the ``network.*`` queries)
or networkx graphs. Node ids are strings. Node attributes: ``kind`` (child,
adult_of_concern, trusted_adult, professional, place, online), ``label`` (what to show: a
pseudonym unless the caller passed names), ``pseudonym``. Edge attributes of the person graph:

``weight``
    number of recorded links (and co-presence meetings) merged into this pair;
``kinds``
    sorted link kinds on the pair (``co_presence`` for meetings at a place);
``nature``
    the most serious nature on the pair: harmful, then unknown, then protective;
``first_seen`` / ``last_seen``
    earliest and latest date any merged link was seen;
``verified``
    True when at least one merged link is verified;
``intel``
    the best intelligence grade (A best ... E worst) on the pair, None when ungraded;
``links``
    the merged records themselves, each a dict with its provenance (link id, kind, nature,
    source agency, grading, verified, dates, evidence), so every edge can explain itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from domain import vocabulary

CHILD = "child"
ADULT_OF_CONCERN = "adult_of_concern"
TRUSTED_ADULT = "trusted_adult"
PROFESSIONAL = "professional"
PLACE = "place"
ONLINE = "online"
PERSON_KINDS = vocabulary.PERSON_KINDS.codes

LINK_KINDS = vocabulary.LINK_KINDS.codes
CO_PRESENCE = "co_presence"
NATURES = vocabulary.LINK_NATURES.codes
# When two links join the same pair, the edge takes the most severe nature.
_NATURE_RANK = {"harmful": 0, "unknown": 1, "protective": 2}
INTEL_GRADES = vocabulary.GRADING_INTEL.codes

# Presence kinds that say a child was harmed or found there: they weigh more in hub scores.
HARM_PRESENCE_KINDS = frozenset({"harmed_at", "found_at_after_missing"})


def grading_text(source: Any, intel: Any, handling: Any) -> str:
    """The 3x5x2 grading as analysts write it, e.g. ``2B P``; "ungraded" when absent
    (:func:`domain.vocabulary.grading_text`)."""
    return vocabulary.grading_text(source, intel, handling)


def _present(value: Any) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [str(v) for v in value]
    except TypeError:
        return []


def _worse(a: str, b: str) -> str:
    return a if _NATURE_RANK.get(a, 1) <= _NATURE_RANK.get(b, 1) else b


def _best_intel(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _add_record(graph: nx.Graph, u: str, v: str, record: dict[str, Any], weight: float) -> None:
    """Merge one link/co-presence record into the pair (u, v)."""
    kind = record["kind"]
    nature = record.get("nature") or "unknown"
    first, last = record.get("first_seen"), record.get("last_seen")
    intel = record.get("grading_intel") if _present(record.get("grading_intel")) else None
    if graph.has_edge(u, v):
        e = graph.edges[u, v]
        e["weight"] += weight
        if kind not in e["kinds"]:
            e["kinds"] = sorted([*e["kinds"], kind])
        e["nature"] = _worse(e["nature"], nature)
        if first is not None and (e["first_seen"] is None or first < e["first_seen"]):
            e["first_seen"] = first
        if last is not None and (e["last_seen"] is None or last > e["last_seen"]):
            e["last_seen"] = last
        e["verified"] = e["verified"] or bool(record.get("verified"))
        e["intel"] = _best_intel(e["intel"], intel)
        e["links"] = [*e["links"], record]
    else:
        graph.add_edge(u, v, weight=weight, kinds=[kind], nature=nature, first_seen=first,
                       last_seen=last, verified=bool(record.get("verified")), intel=intel,
                       links=[record])


def _label_column(people: pd.DataFrame) -> pd.Series:
    if "label" in people:
        return people["label"].fillna(people["pseudonym"]).astype(str)
    return people["pseudonym"].astype(str)


def build_person_graph(
    people: pd.DataFrame,
    links: pd.DataFrame,
) -> nx.Graph:
    """The person graph: one node per person, one edge per linked pair (links merged).

    ``people`` needs ``person_id, pseudonym, kind`` (``label`` when names may be shown);
    ``links`` needs the columns of the ``network.links`` query. People with no surviving link
    are still nodes, so isolates stay visible.
    """
    graph: nx.Graph[str] = nx.Graph()
    labels = _label_column(people)
    for pid, pseud, kind, label in zip(people["person_id"], people["pseudonym"],
                                       people["kind"], labels, strict=True):
        graph.add_node(str(pid), kind=str(kind), pseudonym=str(pseud), label=str(label))
    for record in _link_records(links):
        u, v = record.pop("_u"), record.pop("_v")
        if u == v or u not in graph or v not in graph:
            continue
        _add_record(graph, u, v, record, 1.0)
    return graph


def _dates(series: pd.Series) -> list[date | None]:
    ts = pd.to_datetime(series)
    return [None if pd.isna(t) else t.date() for t in ts]


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    if name not in frame:
        return [None] * len(frame)
    return [None if not _present(v) else v for v in frame[name].tolist()]


def _link_records(links: pd.DataFrame) -> list[dict[str, Any]]:
    """One provenance dict per link row, built column-wise (fast on 100k links)."""
    n = len(links)
    if n == 0:
        return []
    src, intel, hand = (_column(links, c) for c in
                        ("grading_source", "grading_intel", "grading_handling"))
    verified = (links["verified"].fillna(False).astype(bool).tolist() if "verified" in links
                else [False] * n)
    evidence = links["evidence"].tolist() if "evidence" in links else [None] * n
    grading = [grading_text(a, b, c) for a, b, c in zip(src, intel, hand, strict=True)]
    cols = zip(links["source_person_id"].astype(str).tolist(),
               links["target_person_id"].astype(str).tolist(),
               links["link_id"].astype(str).tolist(), links["kind"].astype(str).tolist(),
               links["nature"].astype(str).tolist(), _dates(links["first_seen"]),
               _dates(links["last_seen"]), links["source_agency"].astype(str).tolist(),
               src, intel, hand, verified, evidence, grading, strict=True)
    return [{"_u": u, "_v": v, "link_id": lid, "kind": k, "nature": nat, "first_seen": f,
             "last_seen": la, "source_agency": ag, "grading_source": gs, "grading_intel": gi,
             "grading_handling": gh, "verified": ver, "evidence": _as_list(ev),
             "grading": gt}
            for u, v, lid, k, nat, f, la, ag, gs, gi, gh, ver, ev, gt in cols]


def build_place_graph(
    people: pd.DataFrame,
    places: pd.DataFrame,
    presences: pd.DataFrame,
) -> nx.Graph:
    """The two-mode person x place graph: an edge per (person, place) with its presences.

    Place nodes have ``kind`` ``place`` or ``online`` and ``place_kind`` (park, hotel...).
    Edge attributes: ``weight`` (presences), ``presence_kinds``, ``first_seen``,
    ``last_seen``, ``records`` (each presence with its source agency and grading).
    """
    graph: nx.Graph[str] = nx.Graph()
    labels = _label_column(people)
    for pid, pseud, kind, label in zip(people["person_id"], people["pseudonym"],
                                       people["kind"], labels, strict=True):
        graph.add_node(str(pid), kind=str(kind), pseudonym=str(pseud), label=str(label),
                       bipartite=0)
    for pid, pkind, name in zip(places["place_id"], places["kind"], places["name"], strict=True):
        graph.add_node(str(pid), kind=ONLINE if pkind == "online" else PLACE,
                       place_kind=str(pkind), label=str(name), pseudonym=str(name), bipartite=1)
    if presences.empty:
        return graph
    src, intel, hand = (_column(presences, c) for c in
                        ("grading_source", "grading_intel", "grading_handling"))
    seen_all = pd.to_datetime(presences["seen_at"]).dt.to_pydatetime()
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, pid, kind, seen, agency, gs, gi, gh in zip(
            presences["person_id"].astype(str).tolist(), presences["place_id"].astype(str).tolist(),
            presences["presence_id"].astype(str).tolist(), presences["kind"].astype(str).tolist(),
            seen_all, presences["source_agency"].astype(str).tolist(), src, intel, hand,
            strict=True):
        record = {"presence_id": pid, "kind": kind, "seen_at": seen, "source_agency": agency,
                  "grading": grading_text(gs, gi, gh)}
        e = edges.get((u, v))
        if e is None:
            edges[(u, v)] = {"weight": 1.0, "presence_kinds": [kind], "first_seen": seen,
                             "last_seen": seen, "records": [record]}
            continue
        e["weight"] += 1
        if kind not in e["presence_kinds"]:
            e["presence_kinds"] = sorted([*e["presence_kinds"], kind])
        e["first_seen"] = min(e["first_seen"], seen)
        e["last_seen"] = max(e["last_seen"], seen)
        e["records"].append(record)
    graph.add_edges_from((u, v, d) for (u, v), d in edges.items() if u in graph and v in graph)
    return graph


@dataclass(frozen=True)
class CoPresence:
    """Pairs of children seen at the same place within ``window`` of each other.

    ``pairs`` has one row per (child_a, child_b, place_id) with ``meetings`` (how many pairs of
    presences fell within the window), ``first`` and ``last`` (the earlier timestamp of the
    first and last such meeting). ``child_a < child_b``.

    :meth:`partners` looks up one child's co-present children without building a graph (a
    county has hundreds of thousands of pairs).
    """

    pairs: pd.DataFrame
    window: timedelta
    _index: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    _partner: np.ndarray = field(default_factory=lambda: np.array([], dtype=object), repr=False)
    _place: np.ndarray = field(default_factory=lambda: np.array([], dtype=object), repr=False)

    @classmethod
    def from_pairs(cls, pairs: pd.DataFrame, window: timedelta) -> CoPresence:
        """Build the lookup index (both directions, sorted by child) for ``pairs``."""
        a = pairs["child_a"].astype(str).to_numpy()
        b = pairs["child_b"].astype(str).to_numpy()
        place = pairs["place_id"].astype(str).to_numpy()
        me = np.concatenate([a, b])
        other = np.concatenate([b, a])
        where = np.concatenate([place, place])
        order = np.argsort(me, kind="stable")
        me, other, where = me[order], other[order], where[order]
        index: dict[str, tuple[int, int]] = {}
        if len(me):
            starts = np.flatnonzero(np.r_[True, me[1:] != me[:-1]])
            ends = np.r_[starts[1:], len(me)]
            index = {str(me[s]): (int(s), int(e)) for s, e in zip(starts, ends, strict=True)}
        return cls(pairs, window, index, other, where)

    def partners(self, child: str) -> set[str]:
        """Children seen at the same place as ``child`` within the window."""
        lo, hi = self._index.get(child, (0, 0))
        return set(self._partner[lo:hi].tolist())

    def partner_places(self, child: str) -> dict[str, list[str]]:
        """For each child co-present with ``child``: the places where they were."""
        lo, hi = self._index.get(child, (0, 0))
        out: dict[str, list[str]] = {}
        for other, place in zip(self._partner[lo:hi].tolist(), self._place[lo:hi].tolist(),
                                strict=True):
            out.setdefault(other, []).append(place)
        return out

    def places(self, a: str, b: str) -> list[str]:
        """Places where ``a`` and ``b`` were co-present."""
        lo, hi = self._index.get(a, (0, 0))
        hits = self._partner[lo:hi] == b
        return sorted(set(self._place[lo:hi][hits].tolist()))


def copresence(
    presences: pd.DataFrame,
    people: pd.DataFrame,
    *,
    window: timedelta = timedelta(hours=2),
    exclude_kinds: Sequence[str] = ("lives_at",),
) -> CoPresence:
    """Two children at the same place within ``window`` (children only; homes excluded by kind).

    Sorted per place by time; for each presence every later presence within the window at
    that place pairs with it, so the cost is linear in presences plus the pairs found.
    """
    cols = ["child_a", "child_b", "place_id", "meetings", "first", "last"]
    children = set(people.loc[people["kind"] == CHILD, "person_id"].astype(str))
    pres = presences[presences["person_id"].astype(str).isin(children)
                     & ~presences["kind"].isin(exclude_kinds)]
    if pres.empty:
        return CoPresence.from_pairs(pd.DataFrame(columns=cols), window)
    frame = pd.DataFrame({
        "person": pres["person_id"].astype(str).to_numpy(),
        "place": pres["place_id"].astype(str).to_numpy(),
        "t": pd.to_datetime(pres["seen_at"]).to_numpy(dtype="datetime64[ns]").astype(np.int64),
    }).sort_values(["place", "t"], kind="stable").reset_index(drop=True)
    codes, _ = pd.factorize(frame["place"])
    # One sortable key: the place code in the high part, time in the low part; the spread
    # between places is larger than any window so windows never cross places.
    t = frame["t"].to_numpy()
    t0 = t - t.min()
    span = int(t0.max()) + int(window.total_seconds() * 1e9) + 1
    key = codes.astype(np.float64) * float(span) + t0.astype(np.float64)
    w = float(window.total_seconds() * 1e9)
    hi = np.searchsorted(key, key + w, side="right")
    idx = np.arange(len(key))
    counts = hi - idx - 1
    i = np.repeat(idx, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    j = i + 1 + offsets
    persons = frame["person"].to_numpy()
    a, b = persons[i], persons[j]
    differ = a != b
    a, b, i = a[differ], b[differ], i[differ]
    lo_p = np.where(a < b, a, b)
    hi_p = np.where(a < b, b, a)
    out = pd.DataFrame({"child_a": lo_p, "child_b": hi_p,
                        "place_id": frame["place"].to_numpy()[i],
                        "at": pd.to_datetime(t[i])})
    if out.empty:
        return CoPresence.from_pairs(pd.DataFrame(columns=cols), window)
    pairs = (out.groupby(["child_a", "child_b", "place_id"], as_index=False)
             .agg(meetings=("at", "size"), first=("at", "min"), last=("at", "max")))
    return CoPresence.from_pairs(pairs[cols], window)


CONTACT_EXCLUDED_KINDS = (PROFESSIONAL, "trusted_adult")


def contact_graph(graph: nx.Graph, *,
                  exclude_kinds: Iterable[str] = CONTACT_EXCLUDED_KINDS) -> nx.Graph:
    """The graph through which harm and contact travel: professionals, and professional and
    trusted-adult links, removed.

    A social worker's or a trusted adult's protective link connects many children without
    being contact between them, so it would make unrelated children look connected and make
    protective adults look like brokers. (Protective links are still drawn on the page.)
    """
    excluded = set(exclude_kinds)
    keep_nodes = [n for n, k in graph.nodes(data="kind") if k != PROFESSIONAL]
    sub = graph.subgraph(keep_nodes)
    edges = [(u, v) for u, v in sub.edges
             if any(k not in excluded for k in sub.edges[u, v].get("kinds", []))]
    out: nx.Graph[str] = nx.Graph()
    out.add_nodes_from(sub.nodes(data=True))
    for u, v in edges:
        data = dict(sub.edges[u, v])
        data["links"] = [r for r in data["links"] if r["kind"] not in excluded]
        data["kinds"] = sorted({r["kind"] for r in data["links"]})
        data["weight"] = float(sum(r.get("meetings", 1) for r in data["links"]))
        out.add_edge(u, v, **data)
    return out


@dataclass(frozen=True)
class ConnectedChildren:
    """The children within ``k`` hops of ``child`` and the path connecting each.

    ``table`` columns: ``person_id``, ``label``, ``hops``, ``path`` (ids from the child),
    ``path_labels`` (labels), ``via`` (link kinds along the path, e.g. ``peer > co_presence``),
    ``harmful_on_path`` (a harmful link is on the path).
    """

    child: str
    k: int
    table: pd.DataFrame

    def ids(self) -> list[str]:
        """The connected children's ids, nearest first."""
        return list(self.table["person_id"])


def connected_children(graph: nx.Graph, child: str, *, k: int = 2,
                       copresence: CoPresence | None = None,
                       place_labels: dict[str, str] | None = None) -> ConnectedChildren:
    """Children linked to ``child`` within ``k`` hops through links or co-presence.

    Pass the contact graph (:func:`contact_graph`): paths may run through adults (two
    children linked to the same adult of concern are connected) but never through
    professionals or trusted adults. With ``copresence``, two children seen at the same
    place within its window are one hop apart too. Breadth-first, so the path given is a
    shortest one.
    """
    if child not in graph:
        raise KeyError(f"{child!r} is not in the graph")
    if graph.nodes[child].get("kind") != CHILD:
        raise ValueError(f"{child!r} is not a child")
    if k < 1:
        raise ValueError("k must be at least 1")
    parent = _bfs_parents(graph, child, k, copresence)
    step = _PathSteps(graph, copresence, place_labels or {})
    rows = [_connection_row(graph, _path_to(parent, node), step) for node in parent
            if node != child and graph.nodes[node].get("kind") == CHILD]
    cols = ["person_id", "label", "hops", "path", "path_labels", "via", "harmful_on_path"]
    table = pd.DataFrame(rows, columns=cols)
    if not table.empty:
        table = table.sort_values(["hops", "label"], kind="stable").reset_index(drop=True)
    return ConnectedChildren(child, k, table)


def _bfs_parents(graph: nx.Graph, child: str, k: int,
                 copresence: CoPresence | None) -> dict[str, str | None]:
    """Breadth-first from ``child`` to ``k`` hops: each node reached and the node it was
    reached from (children are also one hop from their co-presence partners)."""
    parent: dict[str, str | None] = {child: None}
    frontier = [child]
    for _ in range(k):
        nxt = []
        for node in frontier:
            near = set(graph.neighbors(node))
            if copresence is not None and graph.nodes[node].get("kind") == CHILD:
                near |= {p for p in copresence.partners(node) if p in graph}
            for m in near:
                if m not in parent:
                    parent[m] = node
                    nxt.append(m)
        frontier = nxt
    return parent


def _path_to(parent: dict[str, str | None], node: str) -> list[str]:
    """The breadth-first path from the start to ``node``."""
    path = [node]
    while (up := parent[path[-1]]) is not None:
        path.append(up)
    path.reverse()
    return path


class _PathSteps:
    """What joins two consecutive nodes of a path: link kinds and whether one is harmful, or
    co-presence with (up to three) places where they met. Memoised per pair."""

    def __init__(self, graph: nx.Graph, copresence: CoPresence | None,
                 places: dict[str, str]) -> None:
        self.graph, self.copresence, self.places = graph, copresence, places
        self.cache: dict[tuple[str, str], tuple[str, bool]] = {}
        self.met_at: dict[str, dict[str, list[str]]] = {}

    def __call__(self, u: str, v: str) -> tuple[str, bool]:
        key = (u, v)
        if key not in self.cache:
            self.cache[key] = self._link(u, v) if self.graph.has_edge(u, v) else self._met(u, v)
        return self.cache[key]

    def _link(self, u: str, v: str) -> tuple[str, bool]:
        e = self.graph.edges[u, v]
        return "/".join(e["kinds"]), e["nature"] == "harmful"

    def _met(self, u: str, v: str) -> tuple[str, bool]:
        if u not in self.met_at:
            self.met_at[u] = self.copresence.partner_places(u) if self.copresence else {}
        met = sorted(set(self.met_at[u].get(v, [])))[:3]
        return f"{CO_PRESENCE} ({', '.join(self.places.get(p, p) for p in met)})", False


def _connection_row(graph: nx.Graph, path: list[str], step: _PathSteps) -> dict[str, Any]:
    """One row of :class:`ConnectedChildren`'s table for the path to its last node."""
    node = path[-1]
    steps = [step(u, v) for u, v in zip(path, path[1:], strict=False)]
    return {
        "person_id": node,
        "label": graph.nodes[node].get("label", node),
        "hops": len(path) - 1,
        "path": path,
        "path_labels": " > ".join(str(graph.nodes[p].get("label", p)) for p in path),
        "via": " > ".join(kind for kind, _ in steps),
        "harmful_on_path": any(h for _, h in steps),
    }


@dataclass(frozen=True)
class PeerGroups:
    """Peer groups among children: connected components and seeded Louvain communities.

    ``table``: one row per group with ``group_id`` (``C1``... for communities), ``component``
    (``K1``... the component it lies in), ``size`` and ``members`` (ids, sorted).
    ``membership`` maps each child id to its community ``group_id``. Same seed, same groups.
    """

    table: pd.DataFrame
    membership: dict[str, str]
    seed: int
    resolution: float = 1.0
    components: list[list[str]] = field(default_factory=list)


def peer_groups(graph: nx.Graph, *, seed: int = 7, resolution: float = 1.0,
                min_size: int = 2, split_above: int = 12) -> PeerGroups:
    """Peer groups among the children of a (contact) graph.

    Components and communities are computed on the children-only subgraph (links between
    children), so an adult does not merge two groups: that is what brokerage measures. A
    component of at most ``split_above`` children is one group; larger components are split
    into Louvain communities. Groups smaller than ``min_size`` are left out of the table.
    """
    kids = [n for n, kind in graph.nodes(data="kind") if kind == CHILD]
    sub = graph.subgraph(kids)
    comps = sorted((sorted(c) for c in nx.connected_components(sub)),
                   key=lambda c: (-len(c), c[0]))
    comp_of = {n: f"K{i + 1}" for i, c in enumerate(comps) for n in c}
    # A component of at most ``split_above`` children is one group; larger ones are split by
    # one seeded Louvain run over all of them (it never merges disconnected children).
    communities: list[list[str]] = [c for c in comps if len(c) <= split_above]
    big = [n for c in comps if len(c) > split_above for n in c]
    if big:
        plain: nx.Graph[str] = nx.Graph()
        plain.add_nodes_from(sorted(big))
        plain.add_weighted_edges_from(sorted(
            (u, v, float(w)) if u < v else (v, u, float(w))
            for u, v, w in sub.subgraph(big).edges(data="weight", default=1.0)))
        found = nx.community.louvain_communities(plain, weight="weight",
                                                 resolution=resolution, seed=seed)
        communities.extend(sorted(c) for c in found)
    communities.sort(key=lambda c: (-len(c), c[0]))
    rows = []
    membership: dict[str, str] = {}
    for i, members in enumerate(communities):
        gid = f"C{i + 1}"
        for m in members:
            membership[m] = gid
        if len(members) >= min_size:
            rows.append({"group_id": gid, "component": comp_of[members[0]],
                         "size": len(members), "members": members})
    table = pd.DataFrame(rows, columns=["group_id", "component", "size", "members"])
    return PeerGroups(table, membership, seed, resolution, comps)


def ego_graph(graph: nx.Graph, centre: str, *, hops: int = 1) -> nx.Graph:
    """The people and places within ``hops`` of ``centre`` (1-3), with the links among them."""
    if centre not in graph:
        raise KeyError(f"{centre!r} is not in the graph")
    if not 1 <= hops <= 3:
        raise ValueError("hops must be 1, 2 or 3")
    return nx.ego_graph(graph, centre, radius=hops)


@dataclass(frozen=True)
class CappedView:
    """What to draw: at most ``cap`` elements (nodes + edges) of a larger view.

    ``graph`` is the drawn subgraph; ``shown`` its elements; ``total`` the elements of the
    whole view before the cap; ``truncated`` whether anything was left out.
    """

    graph: nx.Graph
    shown: int
    total: int
    cap: int

    @property
    def truncated(self) -> bool:
        """True when the cap left elements out."""
        return self.shown < self.total

    def caption(self) -> str:
        """'Showing N of M elements' for the page."""
        if self.truncated:
            return (f"Showing {self.shown:,} of {self.total:,} elements (nodes + links); "
                    f"the cap is {self.cap:,}. Narrow the filters or hops to see the rest.")
        return f"Showing all {self.total:,} elements (nodes + links)."


def view(
    graph: nx.Graph,
    *,
    cap: int,
    centres: Sequence[str] = (),
    hops: int = 1,
    expanded: Sequence[str] = (),
    kinds: Iterable[str] | None = None,
) -> CappedView:
    """The ego network of ``centres`` (within ``hops``) plus the neighbours of ``expanded``
    nodes, cut to ``cap`` elements nearest the centres first; the whole graph (highest degree
    first) when there is no centre. With ``kinds``, only nodes of those kinds are drawn or
    walked through (the centres always are)."""
    if cap < 1:
        raise ValueError("the element cap must be at least 1")
    adj = graph.adj
    starts = [c for c in centres if c in graph]
    allowed = set(kinds) if kinds is not None else None

    def ok(n: str) -> bool:
        return allowed is None or graph.nodes[n].get("kind") in allowed or n in starts

    if starts:
        dist = _distances(graph, starts, hops, expanded, ok)
        order = sorted(dist, key=lambda n: (dist[n], -len(adj[n]), str(n)))
    else:
        order = sorted((n for n in graph.nodes if ok(n)), key=lambda n: (-len(adj[n]), str(n)))
    members = set(order)
    total = len(members) + sum(1 for n in order for m in adj[n] if m in members) // 2
    chosen, shown = _take_until_cap(graph, order, cap)
    return CappedView(graph.subgraph(chosen).copy(), shown, total, cap)


def _distances(graph: nx.Graph, starts: list[str], hops: int, expanded: Sequence[str],
               ok: Callable[[str], bool]) -> dict[str, int]:
    """Hops from the nearest centre (walking only through ``ok`` nodes), then each expanded
    node's neighbours one further than it."""
    adj = graph.adj
    dist = dict.fromkeys(starts, 0)
    frontier = list(dist)
    for d in range(1, hops + 1):
        nxt = []
        for u in frontier:
            for m in adj[u]:
                if m not in dist and ok(m):
                    dist[m] = d
                    nxt.append(m)
        frontier = nxt
    for e in expanded:
        if e in graph and ok(e):
            base = dist.setdefault(e, hops)
            for m in adj[e]:
                if ok(m) and dist.get(m, base + 1) > base:
                    dist[m] = base + 1
    return dist


def _take_until_cap(graph: nx.Graph, order: list[str], cap: int) -> tuple[set[str], int]:
    """Nodes taken in ``order`` while nodes + edges among them fit in ``cap`` (at least the
    first node); the nodes and the element count."""
    adj = graph.adj
    chosen: set[str] = set()
    shown = 0
    for n in order:
        new_edges = sum(1 for m in adj[n] if m in chosen)
        if shown + 1 + new_edges > cap:
            if shown + 1 <= cap and not chosen:
                chosen.add(n)
                shown += 1
            break
        chosen.add(n)
        shown += 1 + new_edges
    return chosen, shown
