"""The interactive network graph (streamlit-cytoscape, a maintained Cytoscape.js component).

Node shape and colour by kind; harmful links red, protective green, other links grey;
unverified or low-graded (D/E) links dashed; co-presence dotted. Labels are whatever the
graph's ``label`` attribute holds (pseudonyms unless the viewer is in named mode).
Highlighted nodes get a thick dark border and highlighted links are drawn thicker.

The component's own toolbar has an **Export** button that downloads the drawn graph as JSON,
names included, with no purpose, no recipients and no audit event, and the component has no
option to turn it off. So CSMap serves a copy of the component's frontend whose page has the
button and its dialog removed from view (:func:`frontend_without_export`); exports go through
the audited export expander only.

This component owns the session-state key ``network_graph_event`` (the last event seen).
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import streamlit as st
import streamlit.components.v1 as components
import streamlit_cytoscape
from streamlit_cytoscape import EdgeStyle, NodeStyle
from streamlit_cytoscape.sanitize import sanitize_elements

from domain import vocabulary

EVENT_KEY = "network_graph_event"

# The toolbar's Export button and its dialog in the component's page (streamlit-cytoscape 0.x).
_EXPORT_MARKERS = ('<div id="toolbarExport" class="bar__item"', '<dialog id="exportDialog"')
_HIDE_EXPORT = ("<style>#toolbarExport, #toolbarExport + hr, #exportDialog "
                "{display: none !important;}</style></head>")


def frontend_without_export(source: Path, folder: Path) -> Path:
    """Copy the component's built frontend from ``source`` into ``folder`` with the toolbar
    Export button and its dialog hidden and inert; returns ``folder``. Raises
    :class:`RuntimeError` when the page no longer has them where expected (a new version of
    the component: check it before serving it)."""
    shutil.copytree(source, folder, dirs_exist_ok=True)
    index = folder / "index.html"
    page = index.read_text(encoding="utf-8")
    if not all(marker in page for marker in _EXPORT_MARKERS) or "</head>" not in page:
        raise RuntimeError(f"{source / 'index.html'} has no toolbar Export where CSMap expects "
                           "it: check the new streamlit-cytoscape before serving it")
    for marker in _EXPORT_MARKERS:
        page = page.replace(marker, marker + " hidden inert")
    index.write_text(page.replace("</head>", _HIDE_EXPORT, 1), encoding="utf-8")
    return folder


@functools.cache
def _component() -> Callable[..., Any]:
    """The graph component, declared once per process from a private copy of its frontend
    (a folder only this process may write) without the toolbar Export."""
    source = Path(streamlit_cytoscape.__file__).resolve().parent / "frontend" / "build"
    folder = frontend_without_export(source, Path(tempfile.mkdtemp(prefix="csmap-cytoscape-")))
    return components.declare_component("csmap_cytoscape", path=str(folder))

# Cytoscape shape of each kind of node; legend text and colour come from the vocabulary.
_SHAPES: dict[str, str] = {
    "child": "ellipse", "adult_of_concern": "diamond", "trusted_adult": "round-rectangle",
    "professional": "rectangle", "place": "triangle", "online": "hexagon", "other": "ellipse",
}

# kind -> (legend text, colour, Cytoscape shape)
NODE_KINDS: dict[str, tuple[str, str, str]] = {
    t.code: (t.label, t.colour or "#999999", _SHAPES[t.code]) for t in vocabulary.NODE_KINDS}


def _nature_legend(term: vocabulary.Term) -> str:
    return "Link (nature not known)" if term.code == "unknown" else f"{term.label} link"


# edge group -> (legend text, colour): the link natures, then presence at places
EDGE_GROUPS: dict[str, tuple[str, str]] = {
    **{t.code: (_nature_legend(t), t.colour or "#8C8C8C") for t in vocabulary.LINK_NATURES},
    "co-presence": ("Co-presence at a place", "#B0B0B0"),
    "presence": ("Seen at place", "#C9B79C"),
}

LOW_GRADES = frozenset({"D", "E"})


def _edge_group(data: dict[str, Any]) -> str:
    kinds = data.get("kinds", [])
    if kinds == ["presence"]:
        return "presence"
    if kinds == ["co_presence"]:
        return "co-presence"
    nature = str(data.get("nature", "unknown"))
    return nature if nature in EDGE_GROUPS else "unknown"


def _line_style(group: str, data: dict[str, Any]) -> str:
    if group == "co-presence":
        return "dotted"
    if group == "presence":
        return "solid"
    if not data.get("verified") or data.get("intel") in LOW_GRADES:
        return "dashed"
    return "solid"


def elements(
    graph: nx.Graph,
    *,
    highlight_nodes: Iterable[str] = (),
    highlight_edges: Iterable[tuple[str, str]] = (),
) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements for ``graph``; underscore fields drive the styles (hidden in the
    info panel), the rest is what a click on an element shows."""
    hn = set(highlight_nodes)
    he = {frozenset(e) for e in highlight_edges}
    nodes = []
    for n, d in graph.nodes(data=True):
        kind = str(d.get("kind", "other"))
        legend = NODE_KINDS.get(kind, NODE_KINDS["other"])[0]
        nodes.append({"data": {
            "id": str(n),
            "label": legend,
            "name": str(d.get("label", n)),
            "kind": vocabulary.label(d.get("place_kind") or kind),
            "_border": 3.0 if n in hn else 0.5,
            "_bcolor": "#111111" if n in hn else "#FFFFFF",
        }})
    edges = []
    for i, (u, v, d) in enumerate(graph.edges(data=True)):
        group = _edge_group(d)
        recs = d.get("links") or d.get("records") or []
        on_path = frozenset((u, v)) in he
        edges.append({"data": {
            "id": f"e{i}",
            "source": str(u),
            "target": str(v),
            "label": EDGE_GROUPS[group][0],
            "kinds": ", ".join(vocabulary.label(k) for k in d.get("kinds", [])),
            "first_seen": str(d.get("first_seen") or ""),
            "last_seen": str(d.get("last_seen") or ""),
            "agencies": ", ".join(sorted({str(r.get("source_agency", "")) for r in recs})),
            "grading": ", ".join(sorted({str(r.get("grading", "ungraded")) for r in recs})),
            "verified": "yes" if d.get("verified") else "no",
            "records": len(recs),
            "_line": _line_style(group, d),
            "_width": 4.5 if on_path else (1.2 if group in ("co-presence", "presence") else 2.0),
        }})
    return {"nodes": nodes, "edges": edges}


def styles() -> tuple[list[NodeStyle], list[EdgeStyle]]:
    """Node and edge styles, one per kind / edge group."""
    node_styles = [
        NodeStyle(legend, color=colour, caption="name",
                  custom_styles={"shape": shape, "border-width": "data(_border)",
                                 "border-color": "data(_bcolor)", "font-size": 8,
                                 "text-margin-y": 2, "min-zoomed-font-size": 5})
        for legend, colour, shape in NODE_KINDS.values()
    ]
    edge_styles = [
        EdgeStyle(legend, color=colour,
                  custom_styles={"line-style": "data(_line)", "width": "data(_width)"})
        for legend, colour in EDGE_GROUPS.values()
    ]
    return node_styles, edge_styles


def legend_markdown() -> str:
    """A one-line legend under the graph."""
    shapes = " · ".join(f"{legend} ({shape.replace('-', ' ')})"
                        for legend, _, shape in NODE_KINDS.values() if legend != "Other")
    return (f"**Shapes:** {shapes}. **Links:** red harmful, green protective, grey unknown; "
            "dashed = unverified or graded D/E; thin beige = seen at a place (children seen at "
            "one place share its triangle). Thick border and thick links = the selected "
            "lead's paths.")


def captions(graph: nx.Graph) -> dict[str, str]:
    """'label (Kind)' for every node, for search lists."""
    out = {}
    for n, d in graph.nodes(data=True):
        kind = NODE_KINDS.get(str(d.get("kind")), NODE_KINDS["other"])[0]
        out[str(n)] = f"{d.get('label', n)} ({kind})"
    return out


def render(graph: nx.Graph, *, key: str, height: int = 620,
           highlight_nodes: Iterable[str] = (),
           highlight_edges: Iterable[tuple[str, str]] = ()) -> str | None:
    """Draw the graph; returns the id of a node the user asked to expand, if any."""
    node_styles, edge_styles = styles()
    layout = {"name": "cose", "animate": False, "randomize": False, "nodeRepulsion": 9000,
              "idealEdgeLength": 60}
    # The arguments streamlit_cytoscape() passes to its frontend, given to the copy without
    # the toolbar Export (see the module docstring).
    event = _component()(
        elements=sanitize_elements(elements(graph, highlight_nodes=highlight_nodes,
                                            highlight_edges=highlight_edges)),
        style=[n.dump() for n in node_styles] + [e.dump() for e in edge_styles],
        layout=layout, height=f"{height}px", key=key, on_change=None,
        nodeActions=["expand"], edgeActions=[], collapseParallelEdges=False,
        priorityEdgeLabel=None, metaEdgeStyle={}, events=[], hideUnderscoreAttrs=True,
        infopanelActions=[],
    )
    st.caption(legend_markdown())
    if isinstance(event, dict) and event.get("action") == "expand":
        stamp = event.get("timestamp")
        if st.session_state.get(EVENT_KEY) != stamp:
            st.session_state[EVENT_KEY] = stamp
            ids = (event.get("data") or {}).get("node_ids") or []
            return str(ids[0]) if ids else None
    return None
