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


def merge_links(items: Iterable[tuple[str, str, dict[str, Any]]]) -> dict[tuple[str, str],
                                                                        dict[str, Any]]:
    """Merge link (or co-presence) records into one edge per unordered pair of people.

    ``items`` are ``(u, v, record)``; self-loops are skipped. Returns the edge attributes
    (see the module docstring) keyed by the pair (its two ids in sorted order), pairs in the
    order first seen. ``weight`` adds each record's ``meetings`` (1 for a link).
    """
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, rec in items:
        if u == v:
            continue
        key = (u, v) if u < v else (v, u)
        nature = rec.get("nature") or "unknown"
        first, last = rec.get("first_seen"), rec.get("last_seen")
        intel = rec.get("grading_intel")
        e = edges.get(key)
        if e is None:
            edges[key] = {"weight": float(rec.get("meetings", 1)), "kinds": [rec["kind"]],
                          "nature": nature, "first_seen": first, "last_seen": last,
                          "verified": bool(rec.get("verified")), "intel": intel, "links": [rec]}
            continue
        e["weight"] += float(rec.get("meetings", 1))
        if rec["kind"] not in e["kinds"]:
            e["kinds"] = sorted([*e["kinds"], rec["kind"]])
        e["nature"] = _worse(e["nature"], nature)
        if first is not None and (e["first_seen"] is None or first < e["first_seen"]):
            e["first_seen"] = first
        if last is not None and (e["last_seen"] is None or last > e["last_seen"]):
            e["last_seen"] = last
        e["verified"] = e["verified"] or bool(rec.get("verified"))
        e["intel"] = _best_intel(e["intel"], intel)
        e["links"].append(rec)
    return edges


def graph_of(nodes: Iterable[tuple[str, dict[str, Any]]],
             edges: Iterable[tuple[str, str, dict[str, Any]]]) -> nx.Graph:
    """An undirected graph of ``nodes`` (each with a copy of its attributes) and ``edges``
    (each keeping the attribute dict given, shared by both directions, as networkx does).

    The same graph as ``add_nodes_from`` + ``add_edges_from`` (a test checks), written into
    networkx's documented dict-of-dicts structure directly: about five times faster, which
    is what lets a filter change rebuild a county's graphs in a fraction of a second. Every
    edge's ends must be among ``nodes``.
    """
    graph: nx.Graph[str] = nx.Graph()
    node: dict[str, Any] = graph._node  # type: ignore[attr-defined]
    adj: dict[str, dict[str, Any]] = graph._adj  # type: ignore[attr-defined]
    for n, d in nodes:
        node[n] = dict(d)
        adj[n] = {}
    for u, v, d in edges:
        adj[u][v] = d
        adj[v][u] = d
    return graph


def person_nodes(people: pd.DataFrame) -> list[tuple[str, dict[str, Any]]]:
    """``(person_id, attributes)`` for every person: kind, pseudonym, label."""
    labels = _label_column(people)
    return [(str(pid), {"kind": str(kind), "pseudonym": str(pseud), "label": str(label)})
            for pid, pseud, kind, label in zip(people["person_id"], people["pseudonym"],
                                               people["kind"], labels, strict=True)]


def place_nodes(places: pd.DataFrame) -> list[tuple[str, dict[str, Any]]]:
    """``(place_id, attributes)`` for every place: kind (place or online), place kind, label."""
    return [(str(pid), {"kind": ONLINE if pkind == "online" else PLACE, "place_kind": str(pkind),
                        "label": str(name), "pseudonym": str(name), "bipartite": 1})
            for pid, pkind, name in zip(places["place_id"], places["kind"], places["name"],
                                        strict=True)]


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
    graph.add_nodes_from(person_nodes(people))
    us, vs, recs = link_records(links)
    edges = merge_links((u, v, r) for u, v, r in zip(us, vs, recs, strict=True)
                        if u in graph and v in graph)
    graph.add_edges_from((u, v, d) for (u, v), d in edges.items())
    return graph


def _dates(series: pd.Series) -> list[date | None]:
    ts = pd.to_datetime(series)
    return [None if pd.isna(t) else t.date() for t in ts]


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    if name not in frame:
        return [None] * len(frame)
    return [None if not _present(v) else v for v in frame[name].tolist()]


def link_records(links: pd.DataFrame) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """The two people of each link row and one provenance dict per row, built column-wise
    (fast on 100k links): ``(sources, targets, records)``."""
    n = len(links)
    if n == 0:
        return [], [], []
    src, intel, hand = (_column(links, c) for c in
                        ("grading_source", "grading_intel", "grading_handling"))
    verified = (links["verified"].fillna(False).astype(bool).tolist() if "verified" in links
                else [False] * n)
    evidence = links["evidence"].tolist() if "evidence" in links else [None] * n
    grading = [grading_text(a, b, c) for a, b, c in zip(src, intel, hand, strict=True)]
    cols = zip(links["link_id"].astype(str).tolist(), links["kind"].astype(str).tolist(),
               links["nature"].astype(str).tolist(), _dates(links["first_seen"]),
               _dates(links["last_seen"]), links["source_agency"].astype(str).tolist(),
               src, intel, hand, verified, evidence, grading, strict=True)
    records = [{"link_id": lid, "kind": k, "nature": nat, "first_seen": f, "last_seen": la,
                "source_agency": ag, "grading_source": gs, "grading_intel": gi,
                "grading_handling": gh, "verified": ver, "evidence": _as_list(ev),
                "grading": gt}
               for lid, k, nat, f, la, ag, gs, gi, gh, ver, ev, gt in cols]
    return (links["source_person_id"].astype(str).tolist(),
            links["target_person_id"].astype(str).tolist(), records)


def presence_records(presences: pd.DataFrame) -> tuple[list[str], list[str],
                                                       list[dict[str, Any]]]:
    """The person and place of each presence row and one provenance dict per row:
    ``(people, places, records)``; a record holds presence id, kind, ``seen_at`` (a
    datetime), source agency and grading."""
    if presences.empty:
        return [], [], []
    src, intel, hand = (_column(presences, c) for c in
                        ("grading_source", "grading_intel", "grading_handling"))
    seen_all = pd.to_datetime(presences["seen_at"]).dt.to_pydatetime()
    records = [{"presence_id": pid, "kind": kind, "seen_at": seen, "source_agency": agency,
                "grading": grading_text(gs, gi, gh)}
               for pid, kind, seen, agency, gs, gi, gh in zip(
                   presences["presence_id"].astype(str).tolist(),
                   presences["kind"].astype(str).tolist(), seen_all,
                   presences["source_agency"].astype(str).tolist(), src, intel, hand,
                   strict=True)]
    return (presences["person_id"].astype(str).tolist(),
            presences["place_id"].astype(str).tolist(), records)


def merge_presences(items: Iterable[tuple[str, str, dict[str, Any]]]) -> dict[
        tuple[str, str], dict[str, Any]]:
    """One person x place edge per pair from ``(person, place, record)`` items: ``weight``
    (presences), ``presence_kinds``, ``first_seen``, ``last_seen``, ``records``."""
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, record in items:
        seen, kind = record["seen_at"], record["kind"]
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
    return edges


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
    graph.add_nodes_from((n, {**d, "bipartite": 0}) for n, d in person_nodes(people))
    graph.add_nodes_from(place_nodes(places))
    us, vs, recs = presence_records(presences)
    edges = merge_presences(zip(us, vs, recs, strict=True))
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
    _row: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64), repr=False)

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
        rows = np.concatenate([np.arange(len(a)), np.arange(len(a))])[order]
        index: dict[str, tuple[int, int]] = {}
        if len(me):
            starts = np.flatnonzero(np.r_[True, me[1:] != me[:-1]])
            ends = np.r_[starts[1:], len(me)]
            index = {str(me[s]): (int(s), int(e)) for s, e in zip(starts, ends, strict=True)}
        return cls(pairs, window, index, other, where, rows)

    def meetings(self, a: str, b: str) -> pd.DataFrame:
        """Where and when ``a`` and ``b`` were seen together: one row per place with
        ``place_id``, ``meetings``, ``first`` and ``last`` (timestamps), most meetings first."""
        lo, hi = self._index.get(a, (0, 0))
        rows = self._row[lo:hi][self._partner[lo:hi] == b]
        out = self.pairs.iloc[rows][["place_id", "meetings", "first", "last"]]
        return out.sort_values(["meetings", "last"], ascending=False, kind="stable") \
            .reset_index(drop=True)

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
    Each edge is merged again from the records kept, so its nature, dates and grading are
    those of the contact links alone.
    """
    excluded = set(exclude_kinds)
    out: nx.Graph[str] = nx.Graph()
    out.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if d.get("kind") != PROFESSIONAL)
    kept = ((u, v, r) for u, v, d in graph.edges(data=True) if u in out and v in out
            for r in d.get("links", []) if r["kind"] not in excluded)
    out.add_edges_from((u, v, d) for (u, v), d in merge_links(kept).items())
    return out


@dataclass(frozen=True)
class ConnectedChildren:
    """The children within ``k`` hops of ``child`` and the path connecting each.

    ``table`` columns: ``person_id``, ``label``, ``hops``, ``path`` (ids from the child),
    ``path_labels`` (labels), ``via`` (link kinds along the path, e.g. ``peer > seen together
    at Park 3 times, 2025-03-01 18:05 to 2025-05-02 21:30``: co-presence with its place,
    count and times),
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


def _stamp(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def together_text(place: str, meetings: int, first: Any, last: Any) -> str:
    """'seen together at Recreation Ground 3 times, 2025-10-01 18:05 to 2025-11-07 21:37'
    (one time: 'once, 2025-10-01 18:05')."""
    if meetings == 1 or pd.Timestamp(first) == pd.Timestamp(last):
        when = f"{'once' if meetings == 1 else f'{meetings} times'}, {_stamp(first)}"
    else:
        when = f"{meetings} times, {_stamp(first)} to {_stamp(last)}"
    return f"seen together at {place} {when}"


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
        if self.copresence is None:
            return "seen together", False
        met = self.copresence.meetings(u, v).head(3)
        return "; ".join(together_text(self.places.get(p, p), int(n), f, la)
                         for p, n, f, la in met.itertuples(index=False)), False


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
class PlaceTimeline:
    """Who was at one place together, and when.

    An *occasion* is a run of presences at the place each within ``window`` of the one
    before (so people on one occasion were there together, as co-presence counts it), with
    at least two different people. ``occasions``: ``occasion`` (1 = earliest), ``start``,
    ``end``, ``people`` (ids), ``labels``, ``children`` and ``adults_of_concern`` (how many
    of each), ``presences``. ``points``: one row per presence on an occasion: ``occasion``,
    ``person_id``, ``label``, ``kind``, ``seen_at``, ``presence_kind``.
    """

    place: str
    window: timedelta
    occasions: pd.DataFrame
    points: pd.DataFrame


def place_timeline(presences: pd.DataFrame, people: dict[str, tuple[str, str]], place: str, *,
                   window: timedelta = timedelta(hours=2),
                   exclude_kinds: Sequence[str] = ("lives_at",)) -> PlaceTimeline:
    """The occasions on which two or more people were at ``place`` together.

    ``presences`` as the ``network.presences`` query returns them; ``people`` maps a person
    id to its (label, kind). Homes are excluded by presence kind, as for co-presence.
    """
    pcols = ["occasion", "person_id", "label", "kind", "seen_at", "presence_kind"]
    ocols = ["occasion", "start", "end", "people", "labels", "children", "adults_of_concern",
             "presences"]
    here = presences[(presences["place_id"].astype(str) == place)
                     & ~presences["kind"].isin(exclude_kinds)
                     & presences["person_id"].astype(str).isin(people)]
    pts = pd.DataFrame({"person_id": here["person_id"].astype(str).to_numpy(),
                        "seen_at": pd.to_datetime(here["seen_at"]).to_numpy(),
                        "presence_kind": here["kind"].astype(str).to_numpy()})
    pts = pts.sort_values(["seen_at", "person_id"], kind="stable").reset_index(drop=True)
    gap = pts["seen_at"].diff() > pd.Timedelta(window)
    pts["occasion"] = gap.cumsum()
    distinct = pts.groupby("occasion")["person_id"].transform("nunique")
    pts = pts[distinct >= 2].copy()
    pts["occasion"] = pd.factorize(pts["occasion"])[0] + 1
    pts["label"] = [people[p][0] for p in pts["person_id"]]
    pts["kind"] = [people[p][1] for p in pts["person_id"]]
    rows = []
    for occ, g in pts.groupby("occasion", sort=True):
        ids = list(dict.fromkeys(g["person_id"]))
        kinds = [people[p][1] for p in ids]
        rows.append({"occasion": int(str(occ)), "start": g["seen_at"].min(),
                     "end": g["seen_at"].max(),
                     "people": ids, "labels": ", ".join(people[p][0] for p in ids),
                     "children": kinds.count(CHILD),
                     "adults_of_concern": kinds.count(ADULT_OF_CONCERN), "presences": len(g)})
    return PlaceTimeline(place, window, pd.DataFrame(rows, columns=ocols),
                         pts[pcols].reset_index(drop=True))


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


def group_names(groups: PeerGroups, recorded: pd.DataFrame) -> dict[str, str]:
    """One name for every peer group found, the name the rest of CSMap uses for it.

    ``recorded`` holds the recorded peer groups' members (``group_id``, ``name``,
    ``person_id``, as the ``network.groups`` query returns them). A group found in the links
    takes the name of the recorded group that holds most of its members, when that group holds
    at least half of them (the name the Panel page shows, e.g. "Peer group 693
    (Middlewich)"); a second found group matching the same recorded group is that name with
    ", part 2". A group with no recorded counterpart is "Unrecorded group C12" (its id here).
    """
    of: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    if not recorded.empty:
        for gid, name, pid in zip(recorded["group_id"].astype(str), recorded["name"].astype(str),
                                  recorded["person_id"].astype(str), strict=True):
            of.setdefault(pid, []).append(gid)
            names[gid] = name
    out: dict[str, str] = {}
    parts: dict[str, int] = {}
    for gid, members in zip(groups.table["group_id"], groups.table["members"], strict=True):
        votes: dict[str, int] = {}
        for m in members:
            for g in dict.fromkeys(of.get(str(m), [])):
                votes[g] = votes.get(g, 0) + 1
        best = min(votes, key=lambda g: (-votes[g], g)) if votes else None
        if best is None or 2 * votes[best] < len(members):
            out[str(gid)] = f"Unrecorded group {gid}"
            continue
        parts[best] = parts.get(best, 0) + 1
        out[str(gid)] = names[best] + (f", part {parts[best]}" if parts[best] > 1 else "")
    return out


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
