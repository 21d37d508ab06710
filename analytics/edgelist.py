"""Read an analyst's edge list (an i2 or Gephi export) and find its roles.

Used by ``csmap roles``. EDGES.csv has a header with ``source`` and ``target`` and optionally
``weight``, ``kind`` and ``first_seen`` (ISO date). Edges are undirected; repeated pairs merge
and their weights add. NODES.csv has ``id`` and ``kind`` (child, adult, adult_of_concern,
trusted_adult, professional, place, online, or anything else for "other"); without it every
node counts as an adult of concern. Problems raise :class:`~domain.errors.ValidationError` with
a one-line message naming the file, the row (the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from analytics import brokerage
from analytics.network import ADULT_OF_CONCERN, CHILD, PeerGroups, peer_groups
from domain.errors import ValidationError

KIND_ALIASES = {
    "adult": ADULT_OF_CONCERN,
    "adult_of_concern": ADULT_OF_CONCERN,
    "aoc": ADULT_OF_CONCERN,
    "child": CHILD,
    "trusted_adult": "trusted_adult",
    "professional": "professional",
    "place": "place",
    "location": "place",
    "online": "online",
}


@dataclass(frozen=True)
class EdgeRow:
    """One row of an edge list after validation."""

    source: str
    target: str
    weight: float
    kind: str
    first_seen: date | None


def _read_rows(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = text.lstrip("\ufeff")  # a byte-order mark from a spreadsheet's "CSV UTF-8"
    if not text.strip():
        raise ValidationError(f"{name}: the file is empty (expected a header row)")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
        rows = [(reader.line_num, r) for r in reader if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise ValidationError(f"{name}, row {reader.line_num}: unreadable CSV ({exc})") from None
    return header, rows


def parse_edges(text: str, *, name: str = "EDGES.csv") -> list[EdgeRow]:
    """Validate an edge list given as text; see the module docstring for the format."""
    header, rows = _read_rows(text, name)
    for col in ("source", "target"):
        if col not in header:
            raise ValidationError(f"{name}, row 1, column {col}: missing column "
                                  f"(the header must have source,target)")
    if not rows:
        raise ValidationError(f"{name}, row 2: no edges after the header")
    ix: dict[str, int] = {c: header.index(c)
                          for c in ("source", "target", "weight", "kind", "first_seen")
                          if c in header}
    out = []
    for line, row in rows:
        def cell(col: str, row: list[str] = row) -> str:
            i = ix.get(col)
            return row[i].strip() if i is not None and i < len(row) else ""

        src, tgt = cell("source"), cell("target")
        for col, val in (("source", src), ("target", tgt)):
            if not val:
                raise ValidationError(f"{name}, row {line}, column {col}: empty node id")
        if src == tgt:
            raise ValidationError(f"{name}, row {line}, column target: self-loop "
                                  f"({src!r} linked to itself)")
        weight = 1.0
        if "weight" in ix and cell("weight"):
            raw = cell("weight")
            try:
                weight = float(raw)
            except ValueError:
                raise ValidationError(f"{name}, row {line}, column weight: {raw!r} is not a "
                                      "number") from None
            if not math.isfinite(weight) or weight <= 0:
                raise ValidationError(f"{name}, row {line}, column weight: {raw!r} must be a "
                                      "positive number")
        first: date | None = None
        if "first_seen" in ix and cell("first_seen"):
            raw = cell("first_seen")
            try:
                first = date.fromisoformat(raw[:10])
            except ValueError:
                raise ValidationError(f"{name}, row {line}, column first_seen: {raw!r} is not "
                                      "a date (use YYYY-MM-DD)") from None
        out.append(EdgeRow(src, tgt, weight, cell("kind") or "link", first))
    return out


def parse_nodes(text: str, *, name: str = "NODES.csv") -> dict[str, str]:
    """Validate a node list (``id,kind``) given as text; returns id -> CSMap kind."""
    header, rows = _read_rows(text, name)
    for col in ("id", "kind"):
        if col not in header:
            raise ValidationError(f"{name}, row 1, column {col}: missing column "
                                  "(the header must have id,kind)")
    i_id, i_kind = header.index("id"), header.index("kind")
    out: dict[str, str] = {}
    for line, row in rows:
        nid = row[i_id].strip() if i_id < len(row) else ""
        kind = row[i_kind].strip().lower() if i_kind < len(row) else ""
        if not nid:
            raise ValidationError(f"{name}, row {line}, column id: empty node id")
        if not kind:
            raise ValidationError(f"{name}, row {line}, column kind: empty kind (use child, "
                                  "adult, place...)")
        if nid in out:
            raise ValidationError(f"{name}, row {line}, column id: {nid!r} listed twice")
        out[nid] = KIND_ALIASES.get(kind, "other")
    return out


def read_text(path: Path) -> str:
    """A file's text, with a one-line error when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read ({exc.strerror})") from None


def build_graph(edges: list[EdgeRow], kinds: dict[str, str] | None = None) -> nx.Graph:
    """The undirected graph of an edge list; repeated pairs merge (weights add, earliest
    ``first_seen`` kept). Nodes missing from ``kinds`` are adults of concern only when no
    node list was given at all; otherwise "other"."""
    graph: nx.Graph[str] = nx.Graph()
    default = ADULT_OF_CONCERN if kinds is None else "other"
    known = kinds or {}
    for nid, kind in known.items():
        graph.add_node(nid, kind=kind, label=nid, pseudonym=nid)
    for e in edges:
        for n in (e.source, e.target):
            if n not in graph:
                graph.add_node(n, kind=default, label=n, pseudonym=n)
        rec = {"kind": e.kind, "nature": "unknown", "first_seen": e.first_seen,
               "source_agency": "edge list", "grading": "ungraded", "link_id": None}
        if graph.has_edge(e.source, e.target):
            d = graph.edges[e.source, e.target]
            d["weight"] += e.weight
            if e.first_seen and (d["first_seen"] is None or e.first_seen < d["first_seen"]):
                d["first_seen"] = e.first_seen
            d["links"].append(rec)
            if e.kind not in d["kinds"]:
                d["kinds"] = sorted([*d["kinds"], e.kind])
        else:
            graph.add_edge(e.source, e.target, weight=e.weight, first_seen=e.first_seen,
                           kinds=[e.kind], nature="unknown", links=[rec])
    return graph


def roles(graph: nx.Graph, *, top: int = 10, seed: int = 7) -> dict[str, Any]:
    """The ``csmap roles --json`` object: facilitators, hubs and groups of an edge-list graph."""
    has_children = any(k == CHILD for _, k in graph.nodes(data="kind"))
    groups = (peer_groups(graph, seed=seed) if has_children
              else _all_node_groups(graph, seed=seed))
    fac = brokerage.facilitators(graph, groups=groups, seed=seed)
    facilitators = []
    for rec in fac.table.head(top).to_dict("records"):
        facilitators.append({
            "id": str(rec["person_id"]),
            "rank": int(rec["rank"]),
            "betweenness": float(rec["betweenness"]),
            "degree": int(rec["degree"]),
            "betweenness_error": float(rec["betweenness_error"]),
            "child_adult_betweenness": float(rec["child_adult_betweenness"]),
            "children": int(rec["children"]),
            "groups": int(rec["groups"]),
            **{r: float(rec[r]) for r in brokerage.BROKERAGE_ROLES},
            "temporal_brokerage": int(rec["temporal_brokerage"]),
            "key_player": int(rec["key_player"]),
        })
    ranked = brokerage.node_hubs(graph, (ADULT_OF_CONCERN, "place", "online")).head(top)
    hubs = [{"id": str(r["node"]), "rank": i + 1, "kind": str(r["kind"]),
             "children": int(r["children"]), "degree": int(r["degree"])}
            for i, r in enumerate(ranked.to_dict("records"))]
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "facilitators": facilitators,
        "hubs": hubs,
        "groups": [{"id": str(r["group_id"]), "members": [str(m) for m in r["members"]]}
                   for r in groups.table.to_dict("records")],
    }


def _all_node_groups(graph: nx.Graph, *, seed: int) -> PeerGroups:
    """Communities over every node (when the edge list names no children)."""
    relabelled: nx.Graph[str] = nx.Graph()
    for n in graph.nodes:
        relabelled.add_node(n, kind=CHILD)
    relabelled.add_edges_from(graph.edges(data=True))
    groups = peer_groups(relabelled, seed=seed)
    return groups


def format_table(result: dict[str, Any]) -> str:
    """A plain-text summary of :func:`roles` for a terminal."""
    lines = [f"{result['nodes']} nodes, {result['edges']} edges", "",
             "Facilitator leads (adults of concern; leads to check, not findings):",
             f"{'rank':>4}  {'id':<20} {'betweenness':>11} {'child-adult':>11} {'degree':>6}"]
    for f in result["facilitators"]:
        lines.append(f"{f['rank']:>4}  {f['id']:<20} {f['betweenness']:>11.3f} "
                     f"{f['child_adult_betweenness']:>11.3f} {f['degree']:>6}")
    lines += ["", "Hubs (places and adults of concern by distinct children):"]
    for h in result["hubs"]:
        lines.append(f"{h['rank']:>4}  {h['id']:<20} {h['kind']:<18} children={h['children']} "
                     f"degree={h['degree']}")
    lines += ["", f"Groups: {len(result['groups'])}"]
    for g in result["groups"][:10]:
        members = ", ".join(g["members"][:8]) + (" ..." if len(g["members"]) > 8 else "")
        lines.append(f"  {g['id']}: {members}")
    return "\n".join(lines)
