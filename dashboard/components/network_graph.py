"""The interactive network graph (streamlit-cytoscape, a maintained Cytoscape.js component).

Node shape and colour by kind; harmful links red, protective green, other links grey;
unverified or low-graded (D/E) links dashed; co-presence dotted. Labels are whatever the
graph's ``label`` attribute holds (pseudonyms unless the viewer is in named mode).
Highlighted nodes get a thick dark border and highlighted links are drawn thicker.

Positions are computed here (:mod:`analytics.graph_layout`), not by Cytoscape: the centre is in
the middle, nodes drawn before keep their place (so highlighting a lead or changing a filter
does not reshuffle the picture), and the view is fitted to the canvas whenever the set of
nodes changes. Only labels that fit without overprinting are shown unless the user asks for
all of them; every label shows on hover and in the panel of a clicked node.

This component owns the session-state keys ``network_graph_event`` (the last event seen),
``network_graph_positions`` (where each node was drawn, and the centre then) and
``network_labels`` (which labels to print).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import networkx as nx
import streamlit as st
from streamlit_cytoscape import EdgeStyle, NodeStyle, streamlit_cytoscape

from analytics import graph_layout
from domain import vocabulary

EVENT_KEY = "network_graph_event"
POSITIONS_KEY = "network_graph_positions"
LABELS_KEY = "network_labels"
LABEL_MODES = {"fit": "Those that fit", "all": "All", "none": "None"}

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
    positions: dict[str, tuple[float, float]] | None = None,
    labelled: set[str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements for ``graph``; underscore fields drive the styles (hidden in the
    info panel), the rest is what a click on an element shows. With ``positions`` each node
    carries its place; ``labelled`` are the nodes whose label is printed (all when None)."""
    hn = set(highlight_nodes)
    he = {frozenset(e) for e in highlight_edges}
    nodes = []
    for n, d in graph.nodes(data=True):
        kind = str(d.get("kind", "other"))
        legend = NODE_KINDS.get(kind, NODE_KINDS["other"])[0]
        name = str(d.get("label", n))
        node: dict[str, Any] = {"data": {
            "id": str(n),
            "label": legend,
            "name": name,
            "kind": vocabulary.label(d.get("place_kind") or kind),
            "_caption": name if labelled is None or n in labelled else "",
            "_border": 3.0 if n in hn else 0.5,
            "_bcolor": "#111111" if n in hn else "#FFFFFF",
        }}
        if positions is not None and n in positions:
            node["position"] = {"x": positions[n][0], "y": positions[n][1]}
        nodes.append(node)
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
        NodeStyle(legend, color=colour, caption="_caption",
                  custom_styles={"shape": shape, "border-width": "data(_border)",
                                 "border-color": "data(_bcolor)", "font-size": 8,
                                 "text-margin-y": 2, "min-zoomed-font-size": 4,
                                 "text-background-color": "#FFFFFF",
                                 "text-background-opacity": 0.7,
                                 "text-background-padding": 1})
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
            "lead's paths. Labels that would overprint are left off: hover or click a node, "
            "or choose *Labels: All*.")


def label_order(graph: nx.Graph, first: Iterable[str]) -> list[str]:
    """Nodes by how much their label matters: ``first`` (centre, lead, highlighted), then
    places and adults of concern, then the best-connected."""
    lead = [n for n in dict.fromkeys(first) if n in graph]
    rank = {"place": 0, "online": 0, "adult_of_concern": 1}
    rest = sorted((n for n in graph if n not in set(lead)),
                  key=lambda n: (rank.get(str(graph.nodes[n].get("kind")), 2), -graph.degree(n),
                                 str(n)))
    return [*lead, *rest]


def label_choice() -> str:
    """Which labels to print: those that fit (default), all, or none."""
    return str(st.radio("Labels", list(LABEL_MODES), format_func=LABEL_MODES.__getitem__,
                        key=LABELS_KEY, horizontal=True,
                        help="Labels that would overprint are left off by default; hover or "
                             "click a node to read its label."))


def layout_of(graph: nx.Graph, centre: str | None) -> dict[str, tuple[float, float]]:
    """Positions for ``graph`` (kept from the last drawing where the nodes were drawn
    before and the centre is the same), remembered for the next run."""
    last = st.session_state.get(POSITIONS_KEY) or {}
    previous = last.get("pos") if last.get("centre") == centre else None
    pos = graph_layout.positions(graph, centre=centre, previous=previous)
    st.session_state[POSITIONS_KEY] = {"centre": centre, "pos": pos}
    return pos


def forget_layout() -> None:
    """Lay the next drawing out afresh."""
    st.session_state.pop(POSITIONS_KEY, None)


def render(graph: nx.Graph, *, key: str, centre: str | None = None, height: int = 640,
           labels: str = "fit", highlight_nodes: Iterable[str] = (),
           highlight_edges: Iterable[tuple[str, str]] = ()) -> str | None:
    """Draw the graph laid out round ``centre`` and fitted to the canvas; returns the id of a
    node the user asked to expand, if any."""
    node_styles, edge_styles = styles()
    hn = list(highlight_nodes)
    pos = layout_of(graph, centre)
    captions_of = {str(n): str(d.get("label", n)) for n, d in graph.nodes(data=True)}
    shown = (None if labels == "all" else set() if labels == "none" else
             graph_layout.labels_that_fit(pos, captions_of,
                                          label_order(graph, [c for c in (centre,) if c] + hn)))
    # the layout is re-run (preset positions, then fitted) whenever the nodes change
    token = hashlib.sha1("|".join(sorted(map(str, graph.nodes))).encode()).hexdigest()[:12]
    event = streamlit_cytoscape(
        elements(graph, highlight_nodes=hn, highlight_edges=highlight_edges, positions=pos,
                 labelled=shown),
        layout={"name": "preset", "fit": True, "padding": 30, "animate": False,
                "nodes": token},
        node_styles=node_styles, edge_styles=edge_styles, height=height, key=key,
        node_actions=["expand"],
    )
    st.caption(legend_markdown())
    if isinstance(event, dict) and event.get("action") == "expand":
        stamp = event.get("timestamp")
        if st.session_state.get(EVENT_KEY) != stamp:
            st.session_state[EVENT_KEY] = stamp
            ids = (event.get("data") or {}).get("node_ids") or []
            return str(ids[0]) if ids else None
    return None
