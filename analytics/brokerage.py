"""Leads for a human to confirm: facilitators (adults of concern) and hubs (places, adults).

Children are never leads. Every measure is shown side by side, because degree alone misleads
(Morselli 2009: high-degree actors were arrested while brokers were not) and many grooming
networks have no clear ringleader (Cockbain 2013). The analyst sorts; the tool does not judge.

Conventions
-----------
*Betweenness* is Freeman's, on unweighted shortest paths of the contact graph, **normalised
over the connected people**: raw / C(n - 1, 2), where n is the number of people with at least
one link in the analysed graph (isolates left out). The Florentine families: Medici
47.5 / C(14, 2) = .522 over the 15 families with a marriage tie (Pucci, isolated, left out).
Normalising per component instead would give every adult between two children in a
three-person fragment the maximum value 1. Components larger than ``exact_limit`` are estimated from
``pivots`` random sources (Brandes & Pich 2007); the half-width of the 95% Hoeffding interval
on the normalised value is then reported as ``betweenness_error`` (0 when exact).

*Child-adult betweenness* counts only shortest paths between a child and an adult of concern
(each pair once), as a share of such pairs in the component that do not involve the lead.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from analytics import _brandes
from analytics.network import ADULT_OF_CONCERN, CHILD, HARM_PRESENCE_KINDS, PeerGroups

BROKERAGE_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
"""Gould & Fernandez (1989) roles of a broker b between a and c (a, c not linked):
coordinator (all in one group), itinerant (a and c in one group, b outside), representative
(b in a's group, passing to another), gatekeeper (b in c's group, letting an outsider in) and
liaison (three different groups). Direction a -> b -> c is taken from time: the earlier link
is the incoming one; pairs first seen on the same day count half to each of the two roles."""


@dataclass(frozen=True)
class Lead:
    """One adult of concern as a lead, with everything needed to check it.

    ``measures`` maps measure name to value (see :data:`FACILITATOR_COLUMNS`); ``children``
    and ``groups`` are the children (labels) and peer groups the adult connects;
    ``links`` are the adult's links with their kind, nature, source agency, grading and dates;
    ``why`` is a sentence for a human; ``passed_on`` lists (child, other adult, when this
    adult was first linked to the child, when the other was), labels and dates, for the
    children this adult knew before another adult of concern did.
    """

    person_id: str
    label: str
    rank: int
    measures: dict[str, Any]
    children: list[str]
    groups: list[str]
    links: list[dict[str, Any]]
    why: str
    passed_on: tuple[tuple[str, str, date, date], ...] = ()


FACILITATOR_COLUMNS = (
    "rank", "person_id", "label", "betweenness", "betweenness_error", "child_adult_betweenness",
    "degree", "children", "groups", *BROKERAGE_ROLES, "temporal_brokerage", "key_player",
)


@dataclass(frozen=True)
class Facilitators:
    """Adults of concern ranked as possible facilitators (leads, not verdicts).

    ``table`` has one row per adult of concern, ordered by rank (betweenness first, then
    child-adult betweenness, then degree); columns :data:`FACILITATOR_COLUMNS`. ``leads`` maps
    person id to its :class:`Lead`. ``key_players`` is the greedy key-player set, in the order
    chosen, and ``reachability`` the child-adult-of-concern pairs still connected after
    removing the first 0, 1, ... of them.
    """

    table: pd.DataFrame
    leads: Mapping[str, Lead]
    key_players: list[str]
    reachability: list[int]

    def top(self, n: int = 10) -> pd.DataFrame:
        """The first ``n`` rows of the table."""
        return self.table.head(n)


def _index(graph: nx.Graph) -> tuple[list[str], dict[str, int], sp.csr_matrix]:
    nodes = list(graph.nodes)
    pos = {n: i for i, n in enumerate(nodes)}
    if graph.number_of_edges() == 0:
        return nodes, pos, sp.csr_matrix((len(nodes), len(nodes)))
    u = np.fromiter((pos[a] for a, _ in graph.edges), dtype=np.int64)
    v = np.fromiter((pos[b] for _, b in graph.edges), dtype=np.int64)
    data = np.ones(2 * len(u))
    adj = sp.csr_matrix((data, (np.concatenate([u, v]), np.concatenate([v, u]))),
                        shape=(len(nodes), len(nodes)))
    adj.data[:] = 1.0
    return nodes, pos, adj


@dataclass(frozen=True)
class _Indexed:
    """A graph as integer arrays: node order, CSR adjacency, component label per node."""

    nodes: list[str]
    adj: sp.csr_matrix
    label: np.ndarray
    kind: np.ndarray

    @classmethod
    def of(cls, graph: nx.Graph) -> _Indexed:
        nodes, _, adj = _index(graph)
        _, label = csgraph.connected_components(adj, directed=False)
        kind = np.array([str(graph.nodes[n].get("kind")) for n in nodes], dtype=object)
        return cls(nodes, adj, label, kind)

    def components(self) -> list[np.ndarray]:
        """Node indices of each component."""
        order = np.argsort(self.label, kind="stable")
        cuts = np.flatnonzero(np.diff(self.label[order])) + 1
        return list(np.split(order, cuts))


def _batches(comps: list[np.ndarray], limit: int) -> list[np.ndarray]:
    """Components grouped so each group has at most ``limit`` nodes (a bigger component is
    alone in its group): many small components then cost one small matrix product."""
    out: list[np.ndarray] = []
    batch: list[np.ndarray] = []
    size = 0
    for comp in sorted(comps, key=len):
        if batch and size + len(comp) > limit:
            out.append(np.concatenate(batch))
            batch, size = [], 0
        batch.append(comp)
        size += len(comp)
    if batch:
        out.append(np.concatenate(batch))
    return out


def betweenness(
    graph: nx.Graph,
    *,
    exact_limit: int = 4000,
    pivots: int = 400,
    seed: int = 7,
    only: set[str] | None = None,
    batch_nodes: int = 512,
) -> tuple[dict[str, float], dict[str, float]]:
    """Betweenness normalised over the connected people (see module docstring), and its
    error bound.

    Returns ``(value, error)`` dicts. Components with at most ``exact_limit`` nodes are exact
    (error 0). Larger ones use ``pivots`` uniformly drawn sources: the estimate is unbiased and
    with 95% probability within ``error`` of the exact normalised value (Hoeffding). With
    ``only``, components containing none of those nodes are skipped (value 0).
    """
    value: dict[str, float] = dict.fromkeys(graph.nodes, 0.0)
    error: dict[str, float] = dict.fromkeys(graph.nodes, 0.0)
    if graph.number_of_nodes() == 0:
        return value, error
    rng = np.random.default_rng(seed)
    ix = _Indexed.of(graph)
    linked = int((np.diff(ix.adj.indptr) > 0).sum())
    pairs = max((linked - 1) * (linked - 2) / 2, 1.0)
    wanted = (np.array([n in only for n in ix.nodes]) if only is not None
              else np.ones(len(ix.nodes), dtype=bool))
    comps = [c for c in ix.components() if len(c) >= 3 and wanted[c].any()]
    for idx in _batches(comps, batch_nodes):
        adj = ix.adj[idx][:, idx]
        nc = len(idx)
        if nc <= max(exact_limit, batch_nodes):
            raw = _brandes.dependencies(adj, np.arange(nc)) / 2.0
            err = 0.0
        else:
            k = min(pivots, nc)
            chosen = rng.choice(nc, size=k, replace=False)
            raw = _brandes.dependencies(adj, chosen) * (nc / k) / 2.0
            # each source adds at most n_c (n_c - 2) / 2 / pairs to the normalised estimate
            err = math.sqrt(math.log(2 / 0.05) / (2 * k)) * (nc * (nc - 2) / 2) / pairs
        for i, r in zip(idx.tolist(), raw, strict=True):
            value[ix.nodes[i]] = float(r / pairs)
            error[ix.nodes[i]] = err
    return value, error


def child_adult_betweenness(graph: nx.Graph, *, batch_nodes: int = 512) -> dict[str, float]:
    """For each node, the share of (child, adult of concern) shortest paths through it.

    Each pair counted once; normalised per component by the number of pairs in it that do
    not include the node itself. Sources are the adults of concern (usually far fewer than
    children), so the cost is one breadth-first search per adult.
    """
    out: dict[str, float] = dict.fromkeys(graph.nodes, 0.0)
    if graph.number_of_nodes() == 0:
        return out
    ix = _Indexed.of(graph)
    is_child = ix.kind == CHILD
    is_aoc = ix.kind == ADULT_OF_CONCERN
    n_child = np.bincount(ix.label, weights=is_child).astype(int)
    n_aoc = np.bincount(ix.label, weights=is_aoc).astype(int)
    comps = [c for c in ix.components()
             if len(c) >= 3 and n_child[ix.label[c[0]]] and n_aoc[ix.label[c[0]]]]
    for idx in _batches(comps, batch_nodes):
        adj = ix.adj[idx][:, idx]
        sources = np.flatnonzero(is_aoc[idx])
        raw = _brandes.dependencies(adj, sources, target_mask=is_child[idx])
        lab = ix.label[idx]
        pairs = (n_child[lab] - is_child[idx]) * (n_aoc[lab] - is_aoc[idx])
        share = np.where(pairs > 0, raw / np.maximum(pairs, 1), 0.0)
        for i, v in zip(idx.tolist(), share.tolist(), strict=True):
            out[ix.nodes[i]] = float(v)
    return out


def _group_of(node: str, graph: nx.Graph, membership: dict[str, str]) -> str | None:
    """A child's peer group; for an adult the group most of its children are in."""
    if node in membership:
        return membership[node]
    counts = Counter(membership[c] for c in graph.neighbors(node) if c in membership)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def brokerage_roles(graph: nx.Graph, broker: str, membership: dict[str, str]) -> dict[str, float]:
    """Gould-Fernandez role counts of ``broker`` over pairs of its unlinked neighbours.

    See :data:`BROKERAGE_ROLES` for the roles and how time gives the direction.
    """
    counts = dict.fromkeys(BROKERAGE_ROLES, 0.0)
    gb = _group_of(broker, graph, membership)
    neigh = sorted(graph.neighbors(broker))
    groups = {n: _group_of(n, graph, membership) for n in neigh}
    for i, a in enumerate(neigh):
        for c in neigh[i + 1:]:
            if graph.has_edge(a, c):
                continue
            ga, gc = groups[a], groups[c]
            if ga is None or gc is None or gb is None:
                continue
            if ga == gb == gc:
                counts["coordinator"] += 1
            elif ga == gc:
                counts["itinerant"] += 1
            elif ga != gb and gc != gb:
                counts["liaison"] += 1
            else:
                ta = graph.edges[broker, a].get("first_seen")
                tc = graph.edges[broker, c].get("first_seen")
                # orient so that "first" is the neighbour whose link came first
                if ta is not None and tc is not None and ta != tc:
                    first_group = ga if ta < tc else gc
                    role = "representative" if first_group == gb else "gatekeeper"
                    counts[role] += 1
                else:
                    counts["representative"] += 0.5
                    counts["gatekeeper"] += 0.5
    return counts


def temporal_brokerage(graph: nx.Graph, adult: str) -> list[tuple[str, str]]:
    """(child, other adult) pairs where ``adult`` was linked to the child before the child was
    linked to the other adult of concern: the adult may have passed the child on."""
    out = []
    for child in graph.neighbors(adult):
        if graph.nodes[child].get("kind") != CHILD:
            continue
        t0 = graph.edges[adult, child].get("first_seen")
        if t0 is None:
            continue
        for other in graph.neighbors(child):
            if other == adult or graph.nodes[other].get("kind") != ADULT_OF_CONCERN:
                continue
            t1 = graph.edges[child, other].get("first_seen")
            if t1 is not None and t0 < t1:
                out.append((child, other))
    return sorted(out)


def _pairs_in(graph: nx.Graph, nodes: Iterable[str]) -> int:
    kinds = [graph.nodes[n].get("kind") for n in nodes]
    return kinds.count(CHILD) * kinds.count(ADULT_OF_CONCERN)


def _component_gains(graph: nx.Graph, comp: set[str], kind: dict[str, Any]) -> dict[str, int]:
    """For each adult of concern in ``comp``: the (child, adult) pairs its removal cuts."""
    kinds = [kind[n] for n in comp]
    n_child, n_aoc = kinds.count(CHILD), kinds.count(ADULT_OF_CONCERN)
    before = n_child * n_aoc
    if before == 0:
        return {}
    adults = sorted(n for n in comp if kind[n] == ADULT_OF_CONCERN)
    if n_aoc == 1:
        return dict.fromkeys(adults, before)
    sub = graph.subgraph(comp)
    cuts = set(nx.articulation_points(sub))
    gains = {}
    for a in adults:
        if a in cuts:
            rest = sub.subgraph(comp - {a})
            after = sum(_pairs_in(graph, p) for p in nx.connected_components(rest))
        else:
            after = n_child * (n_aoc - 1)
        gains[a] = before - after
    return gains


def key_players(graph: nx.Graph, *, k: int = 3) -> tuple[list[str], list[int]]:
    """Greedy key-player set: the ``k`` adults of concern whose removal most reduces the
    number of (child, adult of concern) pairs that can still reach each other.

    Returns the adults in the order chosen and the reachable pairs after 0, 1, ... removals.
    Removing an adult only changes its own component, so gains are computed per component
    once and only the split component is recomputed after each pick. In a component with one
    adult of concern that adult cuts all its pairs; an adult that is not a cut vertex cuts
    only its own pairs; only cut vertices need a fresh count inside their component.
    """
    kind: dict[str, Any] = dict(graph.nodes(data="kind"))
    comps: dict[int, set[str]] = {}
    gains: dict[int, dict[str, int]] = {}
    pairs: dict[int, int] = {}
    next_id = 0

    def add(comp: set[str]) -> None:
        nonlocal next_id
        p = _pairs_in(graph, comp)
        if p == 0:
            return
        comps[next_id] = comp
        pairs[next_id] = p
        gains[next_id] = _component_gains(graph, comp, kind)
        next_id += 1

    for comp in nx.connected_components(graph):
        add(set(comp))
    chosen: list[str] = []
    trace = [sum(pairs.values())]
    for _ in range(k):
        best: tuple[int, str, int] | None = None
        for cid, g in gains.items():
            for a, gain in g.items():
                if gain > 0 and (best is None or (-gain, a) < (-best[0], best[1])):
                    best = (gain, a, cid)
        if best is None:
            break
        gain, adult, cid = best
        comp = comps.pop(cid) - {adult}
        pairs.pop(cid)
        gains.pop(cid)
        for piece in nx.connected_components(graph.subgraph(comp)):
            add(set(piece))
        chosen.append(adult)
        trace.append(sum(pairs.values()))
    return chosen, trace


def facilitators(
    graph: nx.Graph,
    *,
    groups: PeerGroups | None = None,
    key_player_k: int = 3,
    exact_limit: int = 4000,
    pivots: int = 400,
    seed: int = 7,
) -> Facilitators:
    """Rank the adults of concern of a contact graph as possible facilitators.

    Only nodes of kind ``adult_of_concern`` become leads: children, trusted adults and
    professionals never do. ``groups`` (from :func:`analytics.network.peer_groups`) gives
    the partition for brokerage roles; without it there are no roles.
    """
    adults = {n for n, k in graph.nodes(data="kind") if k == ADULT_OF_CONCERN}
    bet, err = betweenness(graph, exact_limit=exact_limit, pivots=pivots, seed=seed, only=adults)
    cab = child_adult_betweenness(graph)
    membership = groups.membership if groups else {}
    kp, trace = key_players(graph, k=key_player_k)
    kp_rank = {n: i + 1 for i, n in enumerate(kp)}
    rows = []
    details: dict[str, dict[str, Any]] = {}
    for a in adults:
        kids = sorted(c for c in graph.neighbors(a) if graph.nodes[c].get("kind") == CHILD)
        grps = sorted({membership[c] for c in kids if c in membership})
        roles = brokerage_roles(graph, a, membership) if membership else dict.fromkeys(
            BROKERAGE_ROLES, 0.0)
        temporal = temporal_brokerage(graph, a)
        row = {
            "person_id": a,
            "label": graph.nodes[a].get("label", a),
            "betweenness": round(bet[a], 6),
            "betweenness_error": round(err[a], 6),
            "child_adult_betweenness": round(cab[a], 6),
            "degree": graph.degree(a),
            "children": len(kids),
            "groups": len(grps),
            **roles,
            "temporal_brokerage": len(temporal),
            "key_player": kp_rank.get(a, 0),
        }
        rows.append(row)
        details[a] = {"kids": kids, "groups": grps, "temporal": temporal}
    table = pd.DataFrame(rows, columns=[c for c in FACILITATOR_COLUMNS if c != "rank"])
    if not table.empty:
        table = table.sort_values(
            ["betweenness", "child_adult_betweenness", "degree", "person_id"],
            ascending=[False, False, False, True], kind="stable").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return Facilitators(table, _Leads(graph, table, details), kp, trace)


class _Leads(Mapping[str, Lead]):
    """The :class:`Lead` of each adult of the table, built when first looked up (a county has
    thousands of adults of concern; a page reads a few of them)."""

    def __init__(self, graph: nx.Graph, table: pd.DataFrame,
                 details: dict[str, dict[str, Any]]) -> None:
        self._graph, self._details = graph, details
        self._rows: dict[str, dict[str, Any]] = {
            str(r["person_id"]): {str(k): v for k, v in r.items()}
            for r in table.to_dict("records")}
        self._n = len(table)
        self._built: dict[str, Lead] = {}

    def __getitem__(self, person: str) -> Lead:
        if person not in self._built:
            self._built[person] = self._build(self._rows[person])
        return self._built[person]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def _build(self, rec: dict[str, Any]) -> Lead:
        graph, a = self._graph, str(rec["person_id"])
        d = self._details[a]
        measures = {k: rec[k] for k in FACILITATOR_COLUMNS if k not in ("person_id", "label")}
        return Lead(
            person_id=a,
            label=str(rec["label"]),
            rank=int(rec["rank"]),
            measures=measures,
            children=[graph.nodes[c].get("label", c) for c in d["kids"]],
            groups=list(d["groups"]),
            links=_links_of(graph, a),
            why=_why(rec, d, graph, self._n),
            passed_on=tuple(
                (str(graph.nodes[c].get("label", c)), str(graph.nodes[o].get("label", o)),
                 graph.edges[a, c]["first_seen"], graph.edges[c, o]["first_seen"])
                for c, o in d["temporal"]),
        )


def _links_of(graph: nx.Graph, node: str) -> list[dict[str, Any]]:
    out = []
    for other in sorted(graph.neighbors(node)):
        for rec in graph.edges[node, other].get("links", []):
            out.append({
                "with": graph.nodes[other].get("label", other),
                "with_kind": graph.nodes[other].get("kind"),
                "kind": rec.get("kind"),
                "nature": rec.get("nature"),
                "source_agency": rec.get("source_agency"),
                "grading": rec.get("grading", "ungraded"),
                "verified": rec.get("verified", False),
                "first_seen": rec.get("first_seen"),
                "last_seen": rec.get("last_seen"),
                "link_id": rec.get("link_id"),
            })
    return out


def _why(rec: dict[Any, Any], d: dict[str, Any], graph: nx.Graph, among: int) -> str:
    parts = [f"linked to {rec['children']} child(ren) in {rec['groups']} peer group(s)"]
    parts.append(f"rank {rec['rank']} of {among} adults of concern by betweenness "
                 f"({rec['betweenness']:.3g})")
    if rec["child_adult_betweenness"] > 0:
        parts.append(f"on {rec['child_adult_betweenness']:.1%} of child-adult of concern "
                     "shortest paths")
    if any(rec[r] for r in BROKERAGE_ROLES):
        parts.append(roles_in_words({r: float(rec[r]) for r in BROKERAGE_ROLES}))
    if d["temporal"]:
        others = sorted({graph.nodes[o].get("label", o) for _, o in d["temporal"]})
        parts.append(f"knew {len({c for c, _ in d['temporal']})} child(ren) before they were "
                     f"linked to {', '.join(others[:3])}")
    if rec["key_player"]:
        parts.append(f"key player #{rec['key_player']}")
    return "; ".join(parts) + ". A lead to check, not a finding."


# -- hubs -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hubs:
    """Places and adults of concern linked to many distinct children.

    ``places`` columns: ``place_id, label, place_kind, children, visits, repeat_children``
    (children seen there on two or more occasions), ``harm_presences`` (harmed at / found
    after missing), ``last_seen``, ``score``. The score is, over distinct children, the sum of
    each child's most recent presence weighted by recency (halving every ``half_life_days``)
    and by ``harm_weight`` when it was a harm presence. ``adults`` columns: ``person_id,
    label, children`` (linked directly), ``harmful_links``, ``children_2_hops``. Both
    tables are sorted best first.
    """

    places: pd.DataFrame
    adults: pd.DataFrame
    as_of: date
    half_life_days: float
    harm_weight: float


def place_hubs(
    place_graph: nx.Graph,
    *,
    as_of: date,
    half_life_days: float = 180.0,
    harm_weight: float = 2.0,
    exclude_presence_kinds: tuple[str, ...] = ("lives_at",),
) -> pd.DataFrame:
    """Places ranked by distinct children (two-mode degree) weighted by recency and harm."""
    as_of_dt = datetime.combine(as_of, datetime.min.time())
    rows = []
    for node, data in place_graph.nodes(data=True):
        if data.get("kind") not in ("place", "online"):
            continue
        children = 0
        visits = 0
        repeat = 0
        harm = 0
        score = 0.0
        last: datetime | None = None
        for person in place_graph.neighbors(node):
            if place_graph.nodes[person].get("kind") != CHILD:
                continue
            recs = [r for r in place_graph.edges[node, person]["records"]
                    if r["kind"] not in exclude_presence_kinds]
            if not recs:
                continue
            children += 1
            visits += len(recs)
            repeat += len(recs) >= 2
            best = 0.0
            for r in recs:
                age = max((as_of_dt - r["seen_at"]).days, 0)
                w = 0.5 ** (age / half_life_days)
                if r["kind"] in HARM_PRESENCE_KINDS:
                    w *= harm_weight
                    harm += 1
                best = max(best, w)
                last = r["seen_at"] if last is None or r["seen_at"] > last else last
            score += best
        if children:
            rows.append({"place_id": node, "label": data.get("label", node),
                         "place_kind": data.get("place_kind", ""), "children": children,
                         "visits": visits, "repeat_children": repeat, "harm_presences": harm,
                         "last_seen": last, "score": round(score, 4)})
    cols = ["place_id", "label", "place_kind", "children", "visits", "repeat_children",
            "harm_presences", "last_seen", "score"]
    table = pd.DataFrame(rows, columns=cols)
    return table.sort_values(["score", "children", "place_id"], ascending=[False, False, True],
                             kind="stable").reset_index(drop=True)


def node_hubs(graph: nx.Graph, kinds: Iterable[str]) -> pd.DataFrame:
    """Nodes of ``kinds`` (never children) ranked by distinct children they reach directly,
    then by harmful links to them, then by children within two hops.

    Columns ``node, kind, label, children, harmful_links, children_2_hops, degree``, best
    first. The one hub ranking of a person graph: :func:`adult_hubs` and the edge-list
    command (:func:`analytics.edgelist.roles`) both use it.
    """
    wanted = set(kinds) - {CHILD}
    rows = []
    for node, kind in graph.nodes(data="kind"):
        if kind not in wanted:
            continue
        direct = {c for c in graph.neighbors(node) if graph.nodes[c].get("kind") == CHILD}
        harmful = sum(1 for c in direct if graph.edges[node, c].get("nature") == "harmful")
        two = set(direct)
        for m in graph.neighbors(node):
            two.update(c for c in graph.neighbors(m)
                       if c != node and graph.nodes[c].get("kind") == CHILD)
        rows.append({"node": node, "kind": kind, "label": graph.nodes[node].get("label", node),
                     "children": len(direct), "harmful_links": harmful,
                     "children_2_hops": len(two), "degree": graph.degree(node)})
    table = pd.DataFrame(rows, columns=["node", "kind", "label", "children", "harmful_links",
                                        "children_2_hops", "degree"])
    return table.sort_values(["children", "harmful_links", "children_2_hops", "node"],
                             ascending=[False, False, False, True],
                             kind="stable").reset_index(drop=True)


def adult_hubs(graph: nx.Graph) -> pd.DataFrame:
    """Adults of concern ranked by distinct children they reach directly (then harmful links,
    then children in 2 hops): columns ``person_id, label, children, harmful_links,
    children_2_hops``."""
    table = node_hubs(graph, (ADULT_OF_CONCERN,)).rename(columns={"node": "person_id"})
    return table[["person_id", "label", "children", "harmful_links", "children_2_hops"]]


def hubs(person_graph: nx.Graph, place_graph: nx.Graph, *, as_of: date,
         half_life_days: float = 180.0, harm_weight: float = 2.0) -> Hubs:
    """Place hubs and adult hubs together (see :class:`Hubs`)."""
    return Hubs(place_hubs(place_graph, as_of=as_of, half_life_days=half_life_days,
                           harm_weight=harm_weight),
                adult_hubs(person_graph), as_of, half_life_days, harm_weight)


def lead_paths(graph: nx.Graph, lead: str, *, limit: int = 50) -> list[list[str]]:
    """Shortest paths from the lead to each child it reaches within two hops (for
    highlighting): the lead's brokerage paths, at most ``limit``."""
    paths = nx.single_source_shortest_path(graph, lead, cutoff=2)
    out = [p for n, p in paths.items()
           if n != lead and graph.nodes[n].get("kind") == CHILD]
    out.sort(key=lambda p: (len(p), p))
    return out[:limit]


def roles_summary(counts: dict[str, float]) -> str:
    """'liaison x2, gatekeeper x1' style text for a row of role counts (the technical
    names, for analysts who know Gould & Fernandez; the page shows :func:`roles_in_words`)."""
    items = [(r, counts.get(r, 0)) for r in BROKERAGE_ROLES]
    return ", ".join(f"{r} x{v:g}" for r, v in items if v) or "none"


ROLE_WORDS: dict[str, str] = {
    "coordinator": "links people within the one group it belongs to",
    "itinerant": "links two people of one group it is not part of",
    "representative": "passes contact from its own group out to another",
    "gatekeeper": "lets someone from outside into its own group",
    "liaison": "links two groups it belongs to neither of",
}
"""Each Gould & Fernandez role in plain words (the wording of docs/network.md)."""


def roles_in_words(counts: dict[str, float], *, most: int | None = None) -> str:
    """The roles of one adult in plain words, most frequent first, with how many pairs of
    people each covers, e.g. 'links two groups it belongs to neither of (6 pairs)'. With
    ``most``, only that many roles and '+ N more'."""
    items = sorted(((counts.get(r, 0.0), r) for r in BROKERAGE_ROLES if counts.get(r, 0.0)),
                   key=lambda kv: (-kv[0], BROKERAGE_ROLES.index(kv[1])))
    if not items:
        return "no brokerage between groups"
    shown = items if most is None else items[:most]
    text = "; ".join(f"{ROLE_WORDS[r]} ({v:g} pair{'' if v == 1 else 's'})" for v, r in shown)
    return text + (f"; + {len(items) - len(shown)} more" if len(items) > len(shown) else "")


RANKED_MEASURES = ("betweenness", "child_adult_betweenness", "degree", "children")
"""Measures given a rank and a percentile beside their raw value in :func:`lead_table`."""


def lead_table(fac: Facilitators, *, words: int | None = None) -> pd.DataFrame:
    """The facilitator table as the page shows it. For each measure of
    :data:`RANKED_MEASURES`: ``<measure>_rank`` (1 = highest; ties share the best rank),
    ``<measure>_pct`` (percentile: the share of the adults of concern in the view with a
    lower value, 0-100, one decimal) and ``<measure>_standing`` ("#3 · 99.9th pct").
    ``roles`` gives the roles in plain words, ``main_role`` the most frequent one (for the
    first ``words`` rows only when given; the rest are empty)."""
    t = fac.table.copy()
    n = max(len(t), 1)
    for m in RANKED_MEASURES:
        values = t[m].astype(float)
        t[f"{m}_rank"] = values.rank(method="min", ascending=False).astype(int)
        lower = values.rank(method="min").astype(int) - 1
        t[f"{m}_pct"] = (100.0 * lower / n).round(1)
        t[f"{m}_standing"] = [f"#{r} · {p:.1f}th pct" for r, p in
                              zip(t[f"{m}_rank"], t[f"{m}_pct"], strict=True)]
    head = t if words is None else t.head(words)
    counts = [{r: float(row[r]) for r in BROKERAGE_ROLES} for row in head.to_dict("records")]
    blank = [""] * (len(t) - len(head))
    t["roles"] = [*(roles_in_words(c) for c in counts), *blank]
    t["main_role"] = [*(roles_in_words(c, most=1) for c in counts), *blank]
    return t


def _when(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else "date not recorded"


def evidence(lead: Lead, *, kinds: dict[str, str] | None = None) -> list[str]:
    """The lead's evidence as dated sentences, oldest first: one per recorded link (dates,
    kind, nature, with whom, source agency, grading, verified) and one per child the adult
    knew before another adult of concern did. ``kinds`` gives readable link kinds."""
    words = kinds or {}
    rows = []
    for link in lead.links:
        first, last = link.get("first_seen"), link.get("last_seen")
        span = _when(first) if first == last else f"{_when(first)} to {_when(last)}"
        kind = words.get(str(link.get("kind")), str(link.get("kind")))
        check = "verified" if link.get("verified") else "not verified"
        rows.append((str(_when(first)), f"{span}: {link.get('nature')} link ({kind}) with "
                     f"{link.get('with')}; recorded by {link.get('source_agency')}, graded "
                     f"{link.get('grading')}, {check}."))
    for child, other, t0, t1 in lead.passed_on:
        rows.append((_when(t0), f"{_when(t0)}: linked to {child}, "
                     f"{(t1 - t0).days} days before {child} was first linked to {other} "
                     f"({_when(t1)})."))
    return [text for _, text in sorted(rows, key=lambda r: r[0])]
