"""Exports of a network view: GraphML and GEXF (Gephi), i2 Analyst's Notebook import CSVs.

Every export carries provenance (source agency, grading, verified, first/last seen, link ids)
and is pseudonymised unless the caller passes names: the caller decides the labels when it
builds the graph, and :func:`pseudonymise` replaces them with pseudonyms on request. Text
cells that a spreadsheet would run as a formula (starting with = + - @ tab CR LF) get a
leading apostrophe.

Dates and times are ISO 8601 with one format per column: ``first_seen`` / ``last_seen`` (and
the i2 ``First Seen`` / ``Last Seen``) are dates, ``YYYY-MM-DD``; ``seen_at`` (i2 ``Date
Time``) is the date and time of a sighting at a place, ``YYYY-MM-DDTHH:MM:SS`` (empty for a
link between people, which is recorded by date only). Every file carries the protective
marking (setting ``protective_marking``): a column of the CSVs, a graph attribute and a
comment at the top of GraphML, the description and a comment in GEXF.

:data:`I2_IMPORT_SPEC` (``analytics/i2_import_spec.json``) is the i2 Analyst's Notebook
import specification for the two CSVs as they are: delimiter, header row, the type of every
column and the date formats (documented in docs/network.md).
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from domain import settings

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
I2_IMPORT_SPEC: dict[str, Any] = json.loads(
    (Path(__file__).with_name("i2_import_spec.json")).read_text(encoding="utf-8"))
"""The i2 import specification of :func:`to_i2`'s files (see the module docstring)."""


def marking_of(marking: str | None) -> str:
    """The protective marking to put on a file: ``marking``, or the ``protective_marking``
    setting (read now) when None."""
    return str(settings.get("protective_marking") if marking is None else marking).strip()


def iso_date(value: Any) -> str:
    """A date (or the date of a date-time) as ``YYYY-MM-DD``; '' when missing."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return pd.Timestamp(value).strftime(DATE_FORMAT)


def iso_datetime(value: Any) -> str:
    """A date-time as ``YYYY-MM-DDTHH:MM:SS``; '' when missing or a plain date (a date has no
    time: it is not given one)."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return ""
    return pd.Timestamp(value).strftime(DATETIME_FORMAT)


def neutralise(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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


def _export_graph(graph: nx.Graph, marking: str) -> nx.Graph:
    """A copy with flat, typed attributes and provenance columns on every edge."""
    out: nx.Graph[str] = nx.Graph()
    out.graph["protective_marking"] = marking
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
            first_seen=iso_date(data.get("first_seen")),
            last_seen=iso_date(data.get("last_seen")),
            first_seen_at=iso_datetime(data.get("first_seen")),
            last_seen_at=iso_datetime(data.get("last_seen")),
            verified=bool(data.get("verified", False)),
            source_agencies=neutralise(_flat(sorted({str(r.get("source_agency", ""))
                                                     for r in recs}))),
            gradings=_flat(sorted({str(r.get("grading", "ungraded")) for r in recs})),
            record_ids=_flat([r.get("link_id") or r.get("presence_id") for r in recs]),
        )
    return out


def _xml_marked(text: bytes, marking: str) -> bytes:
    """``text`` with an XML comment naming the marking after the XML declaration."""
    safe = marking.replace("--", "- -")
    head, sep, rest = text.partition(b"?>")
    return head + sep + f"\n<!-- {safe} -->".encode() + rest


def to_graphml(graph: nx.Graph, *, marking: str | None = None) -> bytes:
    """GraphML (Gephi, yEd, igraph) with node kind/label and edge provenance attributes;
    the protective marking is a graph attribute and a comment at the top."""
    mark = marking_of(marking)
    buf = io.BytesIO()
    nx.write_graphml(_export_graph(graph, mark), buf)
    return _xml_marked(buf.getvalue(), mark)


def to_gexf(graph: nx.Graph, *, marking: str | None = None) -> bytes:
    """GEXF (Gephi's own format) with the same attributes as :func:`to_graphml`; the
    protective marking is the file's description and a comment at the top."""
    mark = marking_of(marking)
    buf = io.BytesIO()
    nx.write_gexf(_export_graph(graph, mark), buf)
    text = buf.getvalue().replace(
        b"</creator>", b"</creator>\n    <description>" + _xml_text(mark) + b"</description>", 1)
    return _xml_marked(text, mark)


def _xml_text(value: str) -> bytes:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).encode()


I2_ENTITY_COLUMNS = ("Protective Marking", "Entity ID", "Entity Type", "Label", "Kind",
                     "Place Kind")
I2_LINK_COLUMNS = ("Protective Marking", "Link ID", "From Entity ID", "To Entity ID",
                   "Link Type", "Nature", "Weight", "First Seen", "Last Seen", "Date Time",
                   "Verified", "Source Agency", "Grading", "Record IDs")


def to_i2(graph: nx.Graph, *, marking: str | None = None) -> tuple[bytes, bytes]:
    """i2 Analyst's Notebook import CSVs: (entities, links), one link row per record.

    Each link row carries its own source agency and 3x5x2 grading so provenance survives the
    import; every row carries the protective marking. Text cells are neutralised against
    formula injection. :data:`I2_IMPORT_SPEC` imports both files as they are.
    """
    mark = marking_of(marking)
    entities = []
    for node, data in graph.nodes(data=True):
        kind = str(data.get("kind", ""))
        entities.append({
            "Protective Marking": mark,
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
            seen = r.get("seen_at")
            links.append({
                "Protective Marking": mark,
                "Link ID": str(rid),
                "From Entity ID": str(u),
                "To Entity ID": str(v),
                "Link Type": str(r.get("kind", "/".join(data.get("kinds", [])))),
                "Nature": str(r.get("nature", data.get("nature", ""))),
                "Weight": float(r.get("meetings", 1)),
                "First Seen": iso_date(r.get("first_seen", seen or data.get("first_seen"))),
                "Last Seen": iso_date(r.get("last_seen", seen or data.get("last_seen"))),
                "Date Time": iso_datetime(seen),
                "Verified": bool(r.get("verified", False)),
                "Source Agency": str(r.get("source_agency", "")),
                "Grading": str(r.get("grading", "ungraded")),
                "Record IDs": _flat(r.get("evidence", [])),
            })
    ent = neutralise_frame(pd.DataFrame(entities, columns=list(I2_ENTITY_COLUMNS)))
    lnk = neutralise_frame(pd.DataFrame(links, columns=list(I2_LINK_COLUMNS)))
    return ent.to_csv(index=False).encode(), lnk.to_csv(index=False).encode()


def i2_import_spec(*, marking: str | None = None) -> bytes:
    """The i2 import specification as a file to give with the CSVs (JSON), carrying the
    protective marking of the files it describes."""
    return json.dumps({**I2_IMPORT_SPEC, "protective_marking": marking_of(marking)},
                      indent=2).encode()
