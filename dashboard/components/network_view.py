"""The Network page's parts: choosing the centre of the ego view (audited as a search),
the drawn view with its expanded nodes, and the children connected to a child.

The centre stays what the user chose across filter changes: a new search text centres the
view on its first match, a filter change never moves it.

Owns the session-state keys ``network_search``, ``network_centre``, ``network_hops``,
``network_kinds``, ``network_expanded``, ``network_last_search`` and
``network_last_search_text``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import networkx as nx
import streamlit as st

from analytics import brokerage, network
from analytics.analysis import NetworkAnalysis
from dashboard.components import network_graph
from data.store import Store
from domain import settings
from domain.access import Viewer
from services import network as network_service
from services.safe import md

CENTRE_KEY = "network_centre"
EXPANDED_KEY = "network_expanded"
LAST_SEARCH_KEY = "network_last_search"
LAST_TEXT_KEY = "network_last_search_text"


def init_state() -> None:
    """Give this component's keys their defaults."""
    st.session_state.setdefault(EXPANDED_KEY, [])


def _suggestions(a: NetworkAnalysis) -> list[str]:
    """Top leads and place hubs, when this view's leads are already ranked."""
    if not a.measured:
        return []
    return [*a.facilitators.table["person_id"].head(10),
            *a.hubs.places["place_id"].head(10)]


def pick_centre(store: Store, viewer: Viewer, a: NetworkAnalysis, labels_of: dict[str, str],
                *, default: Callable[[], str | None]) -> tuple[str | None, int]:
    """Search box, centre and hops; a new search is written to the audit trail once.

    The centre is kept across filter changes (every person and place is in every view);
    ``default`` gives one when none has been chosen yet.
    """
    c1, c2, c3 = st.columns([2, 3, 1])
    search = c1.text_input("Search a person or place", key="network_search",
                           placeholder="pseudonym, name or place")
    needle = search.strip().lower()
    matches = [n for n, text in labels_of.items() if needle and needle in text.lower()][:200]
    current = st.session_state.get(CENTRE_KEY)
    if st.session_state.get(LAST_TEXT_KEY) != search:  # a new search: centre on its match
        st.session_state[LAST_TEXT_KEY] = search
        if matches and current not in matches:
            current = matches[0]
    if current not in labels_of:
        current = default()
    options = list(dict.fromkeys([c for c in [current, *matches, *_suggestions(a)] if c]))
    if not options:
        options = sorted(a.view_graph, key=lambda n: -a.view_graph.degree(n))[:50]
    st.session_state[CENTRE_KEY] = current if current in options else options[0]
    centre = c2.selectbox("Centre the view on", options, key=CENTRE_KEY,
                          format_func=lambda n: labels_of.get(n, n),
                          help="Type above to find anyone; the centre stays when you change "
                               "the filters.")
    hops = int(c3.radio("Hops", [1, 2, 3], index=1, key="network_hops", horizontal=True))
    if centre is not None:
        seen = (str(centre), hops, search)
        if st.session_state.get(LAST_SEARCH_KEY) != seen:  # one event per new search
            st.session_state[LAST_SEARCH_KEY] = seen
            network_service.record_search(store, viewer, text=search, centre=str(centre),
                                          hops=hops, results=len(matches), graph=a.view_graph)
    return (str(centre) if centre is not None else None), hops


def display_options() -> tuple[list[str], str]:
    """Which kinds of node to draw (professionals hidden by default) and which labels."""
    kinds = list(network_graph.NODE_KINDS)[:-1]
    left, right = st.columns([3, 2])
    shown = left.multiselect(
        "Show", kinds, key="network_kinds", default=[k for k in kinds if k != "professional"],
        format_func=lambda k: network_graph.NODE_KINDS[k][0],
        help="Professionals link to many children; they are hidden by default to keep the "
             "picture readable (their links never count as contact in the analysis).")
    with right:
        labels = network_graph.label_choice()
        if st.button("Lay out again", key="network_relayout", icon=":material/refresh:"):
            network_graph.forget_layout()
    return shown, labels


def draw(a: NetworkAnalysis, *, centre: str | None, lead: str | None, hops: int,
         kinds: Sequence[str], labels: str, labels_of: dict[str, str]) -> nx.Graph:
    """The capped ego view around the centre (and the lead), the lead's paths highlighted;
    a double-clicked node is expanded. Returns the graph drawn (what an export holds)."""
    paths = brokerage.lead_paths(a.link_graph, lead) if lead else []
    capped = network.view(a.view_graph, cap=settings.get_int("graph_element_cap"),
                          centres=[c for c in (centre, lead) if c], hops=hops,
                          expanded=st.session_state[EXPANDED_KEY], kinds=list(kinds))
    st.caption(capped.caption())
    expand = network_graph.render(
        capped.graph, key="network_graph", centre=centre, labels=labels,
        highlight_nodes=[n for p in paths for n in p],
        highlight_edges={(p[i], p[i + 1]) for p in paths for i in range(len(p) - 1)})
    if expand and expand not in st.session_state[EXPANDED_KEY]:
        st.session_state[EXPANDED_KEY] = [*st.session_state[EXPANDED_KEY], expand]
        st.rerun()
    st.multiselect("Expanded nodes (double-click a node to expand it)",
                   list(dict.fromkeys([*capped.graph.nodes, *st.session_state[EXPANDED_KEY]])),
                   key=EXPANDED_KEY, format_func=lambda n: labels_of.get(n, n))
    return capped.graph


def connected_children(a: NetworkAnalysis, centre: str, hops: int,
                       labels_of: dict[str, str]) -> None:
    """The children within ``hops`` links of a child, with the path and links between."""
    st.subheader("Connected children")
    cc = a.connected_children(centre, k=hops)
    st.caption(f"Children within {hops} link(s) of {md(labels_of[centre])} through peer, family, "
               "harmful and co-presence links (professional links excluded).")
    st.dataframe(cc.table[["label", "hops", "path_labels", "via", "harmful_on_path"]],
                 hide_index=True, width="stretch",
                 column_config={"label": "Child", "path_labels": "Path", "via": "Links"})
