"""Exports of a network view: GraphML and GEXF (Gephi), i2 Analyst's Notebook import CSVs.

Every export carries provenance (source agency, grading, verified, first/last seen, link ids)
and is pseudonymised unless the caller passes names: the caller decides the labels when it
builds the graph, and :func:`pseudonymise` replaces them with pseudonyms on request. Text
cells that a spreadsheet would run as a formula (starting with = + - @ tab CR LF) get a
leading apostrophe.
"""

from __future__ import annotations

import io
from typing import Any

import networkx as nx
import pandas as pd

from domain.text import strip_bidi

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: formula-like text gets a leading apostrophe, and
    direction controls go (:func:`domain.text.strip_bidi`)."""
    if isinstance(value, str):
        value = strip_bidi(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and header) neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def pseudonymise(graph: nx.Graph) -> nx.Graph:
    """A copy whose labels are the pseudonyms (places keep their public names)."""
    out = graph.copy()
    for _, data in out.nodes(data=True):
        data["label"] = data.get("pseudonym", data.get("label"))
    return out


def _flat(value: Any) -> str | int | float | bool:
    if isinstance(value, bool | int | float):
        return value
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return str(value)


def _export_graph(graph: nx.Graph) -> nx.Graph:
    """A copy with flat, typed attributes and provenance columns on every edge."""
    out: nx.Graph[str] = nx.Graph()
    for node, data in graph.nodes(data=True):
        out.add_node(str(node), label=neutralise(_flat(data.get("label", node))),
                     kind=_flat(data.get("kind", "")),
                     place_kind=_flat(data.get("place_kind", "")))
    for u, v, data in graph.edges(data=True):
        recs = data.get("links") or data.get("records") or []
        out.add_edge(
            str(u), str(v),
            weight=float(data.get("weight", 1.0)),
            kinds=_flat(data.get("kinds", data.get("presence_kinds", []))),
            nature=_flat(data.get("nature", "")),
            first_seen=_flat(data.get("first_seen")),
            last_seen=_flat(data.get("last_seen")),
            verified=bool(data.get("verified", False)),
            source_agencies=neutralise(_flat(sorted({str(r.get("source_agency", ""))
                                                     for r in recs}))),
            gradings=_flat(sorted({str(r.get("grading", "ungraded")) for r in recs})),
            record_ids=_flat([r.get("link_id") or r.get("presence_id") for r in recs]),
        )
    return out


def to_graphml(graph: nx.Graph) -> bytes:
    """GraphML (Gephi, yEd, igraph) with node kind/label and edge provenance attributes."""
    buf = io.BytesIO()
    nx.write_graphml(_export_graph(graph), buf)
    return buf.getvalue()


def to_gexf(graph: nx.Graph) -> bytes:
    """GEXF (Gephi's own format) with the same attributes as :func:`to_graphml`."""
    buf = io.BytesIO()
    nx.write_gexf(_export_graph(graph), buf)
    return buf.getvalue()


I2_ENTITY_COLUMNS = ("Entity ID", "Entity Type", "Label", "Kind", "Place Kind")
I2_LINK_COLUMNS = ("Link ID", "From Entity ID", "To Entity ID", "Link Type", "Nature",
                   "Weight", "First Seen", "Last Seen", "Verified", "Source Agency", "Grading",
                   "Record IDs")


def to_i2(graph: nx.Graph) -> tuple[bytes, bytes]:
    """i2 Analyst's Notebook import CSVs: (entities, links), one link row per record.

    Each link row carries its own source agency and 3x5x2 grading so provenance survives the
    import. Text cells are neutralised against formula injection.
    """
    entities = []
    for node, data in graph.nodes(data=True):
        kind = str(data.get("kind", ""))
        entities.append({
            "Entity ID": str(node),
            "Entity Type": "Location" if kind in ("place", "online") else "Person",
            "Label": str(data.get("label", node)),
            "Kind": kind,
            "Place Kind": str(data.get("place_kind", "")),
        })
    links = []
    for u, v, data in graph.edges(data=True):
        recs = data.get("links") or data.get("records") or [{}]
        for i, r in enumerate(recs):
            rid = r.get("link_id") or r.get("presence_id") or f"{u}-{v}-{i}"
            links.append({
                "Link ID": str(rid),
                "From Entity ID": str(u),
                "To Entity ID": str(v),
                "Link Type": str(r.get("kind", "/".join(data.get("kinds", [])))),
                "Nature": str(r.get("nature", data.get("nature", ""))),
                "Weight": float(r.get("meetings", 1)),
                "First Seen": _flat(r.get("first_seen", r.get("seen_at", data.get("first_seen")))),
                "Last Seen": _flat(r.get("last_seen", r.get("seen_at", data.get("last_seen")))),
                "Verified": bool(r.get("verified", False)),
                "Source Agency": str(r.get("source_agency", "")),
                "Grading": str(r.get("grading", "ungraded")),
                "Record IDs": _flat(r.get("evidence", [])),
            })
    ent = neutralise_frame(pd.DataFrame(entities, columns=list(I2_ENTITY_COLUMNS)))
    lnk = neutralise_frame(pd.DataFrame(links, columns=list(I2_LINK_COLUMNS)))
    return ent.to_csv(index=False).encode(), lnk.to_csv(index=False).encode()
