"""The Network page's parts: choosing the centre of the ego view (audited as a search),
the drawn view with its expanded nodes, and the children connected to a child.

Every part that shows people is audited, before it is drawn, with exactly the people it
shows (:class:`Shown`). Owns the session-state keys ``network_search``, ``network_centre``,
``network_hops``, ``network_kinds``, ``network_expanded``, ``network_last_search`` and
``network_shown``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import streamlit as st

from analytics import brokerage, network
from analytics.analysis import NetworkAnalysis
from dashboard.components import network_graph
from data.network import NetworkQuery
from data.store import Store
from domain import settings
from domain.access import Viewer
from services import network as network_service
from services.safe import md

EXPANDED_KEY = "network_expanded"
LAST_SEARCH_KEY = "network_last_search"
SHOWN_KEY = "network_shown"


@dataclass(frozen=True)
class Shown:
    """Where the Network page's parts audit what they show: the store, who is looking and
    the filter."""

    store: Store
    viewer: Viewer
    query: NetworkQuery

    def record(self, part: str, people: Sequence[str]) -> None:
        """Audit ``part`` of the page showing ``people`` (once per session while the people,
        the filter and the viewer stay the same); call it before drawing them."""
        seen = st.session_state.setdefault(SHOWN_KEY, {})
        v = self.viewer
        key = (v.actor, v.role.value, v.purpose, v.shows_names,
               repr(network_service.view_filter(self.query, v)), tuple(sorted(people)))
        if seen.get(part) != key:
            network_service.record_shown(self.store, v, self.query, part=part,
                                         people=list(people))
            seen[part] = key


def init_state() -> None:
    """Give this component's keys their defaults."""
    st.session_state.setdefault(EXPANDED_KEY, [])


def pick_centre(store: Store, viewer: Viewer, a: NetworkAnalysis,
                labels_of: dict[str, str]) -> tuple[str | None, int]:
    """Search box, centre and hops; a new search is written to the audit trail once."""
    graph = a.view_graph
    leads = list(a.facilitators.table["person_id"].head(10))
    c1, c2, c3 = st.columns([2, 3, 1])
    search = c1.text_input("Search a person or place", key="network_search",
                           placeholder="pseudonym, name or place")
    matches = [n for n in graph if search and search.lower() in labels_of[n].lower()][:200]
    options = list(dict.fromkeys([*matches, *leads, *list(a.hubs.places["place_id"].head(10))]))
    if not options:
        options = sorted(graph.nodes, key=lambda n: -graph.degree(n))[:50]
    centre = c2.selectbox("Centre the view on", options, key="network_centre",
                          format_func=lambda n: labels_of.get(n, n),
                          help="Leads and top place hubs are listed; type above to find anyone.")
    hops = int(c3.radio("Hops", [1, 2, 3], index=1, key="network_hops", horizontal=True))
    if centre is not None:
        seen = (str(centre), hops, search)
        if st.session_state.get(LAST_SEARCH_KEY) != seen:  # one event per new search
            st.session_state[LAST_SEARCH_KEY] = seen
            network_service.record_search(store, viewer, text=search, centre=str(centre),
                                          hops=hops, results=len(matches), graph=graph)
    return (str(centre) if centre is not None else None), hops


def kinds_shown() -> list[str]:
    """Which kinds of node to draw (professionals hidden by default)."""
    kinds = list(network_graph.NODE_KINDS)[:-1]
    return st.multiselect(
        "Show", kinds, key="network_kinds", default=[k for k in kinds if k != "professional"],
        format_func=lambda k: network_graph.NODE_KINDS[k][0],
        help="Professionals link to many children; they are hidden by default to keep the "
             "picture readable (their links never count as contact in the analysis).")


def draw(a: NetworkAnalysis, shown: Shown, *, centres: Sequence[str], lead: str | None,
         hops: int, kinds: Sequence[str], labels_of: dict[str, str]) -> nx.Graph:
    """The capped ego view around ``centres``, the lead's paths highlighted; a double-clicked
    node is expanded. Returns the graph drawn (what an export of this view holds)."""
    paths = brokerage.lead_paths(a.link_graph, lead) if lead else []
    capped = network.view(a.view_graph, cap=settings.get_int("graph_element_cap"),
                          centres=list(centres), hops=hops,
                          expanded=st.session_state[EXPANDED_KEY], kinds=list(kinds))
    st.caption(capped.caption())
    shown.record("graph drawn", network_service.people_in(capped.graph))
    expand = network_graph.render(
        capped.graph, key="network_graph", highlight_nodes={n for p in paths for n in p},
        highlight_edges={(p[i], p[i + 1]) for p in paths for i in range(len(p) - 1)})
    if expand and expand not in st.session_state[EXPANDED_KEY]:
        st.session_state[EXPANDED_KEY] = [*st.session_state[EXPANDED_KEY], expand]
        st.rerun()
    st.multiselect("Expanded nodes (double-click a node to expand it)",
                   list(dict.fromkeys([*capped.graph.nodes, *st.session_state[EXPANDED_KEY]])),
                   key=EXPANDED_KEY, format_func=lambda n: labels_of.get(n, n))
    return capped.graph


def connected_children(a: NetworkAnalysis, shown: Shown, centre: str, hops: int,
                       labels_of: dict[str, str]) -> None:
    """The children within ``hops`` links of a child, with the path and links between."""
    st.subheader("Connected children")
    cc = a.connected_children(centre, k=hops)
    on_paths = [str(n) for path in cc.table["path"] for n in path] if "path" in cc.table else []
    shown.record("connected children", [centre, *map(str, cc.table["person_id"]), *on_paths])
    st.caption(f"Children within {hops} link(s) of {md(labels_of[centre])} through peer, family, "
               "harmful and co-presence links (professional links excluded).")
    st.dataframe(cc.table[["label", "hops", "path_labels", "via", "harmful_on_path"]],
                 hide_index=True, width="stretch",
                 column_config={"label": "Child", "path_labels": "Path", "via": "Links"})
