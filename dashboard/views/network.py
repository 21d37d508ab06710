"""Network: people, places and links; leads with their evidence; ego view; exports."""

from __future__ import annotations

import streamlit as st

from analytics import brokerage, network
from dashboard import common
from dashboard.components import (
    network_exports,
    network_filters,
    network_graph,
    network_model,
    network_roles,
)
from domain import settings
from services import network as network_service
from services.safe import md

EXPANDED_KEY = "network_expanded"
ctx = common.context()
store, viewer = ctx.store, ctx.viewer
today = common.as_of(store)
st.session_state.setdefault(EXPANDED_KEY, [])

st.title("Network")
st.caption("People, places and the links between them. Children are never labelled: leads "
           "are adults of concern and places, for a person to check. "
           + ("Names are shown (multi-agency mode)." if viewer.shows_names
              else "Pseudonyms are shown (safety planning mode)."))

query = network_filters.render(store, viewer, today)
a = network_model.get(store, viewer, query, today)
if a is None:
    st.stop()
graph = a.view_graph
if a.person_graph.number_of_edges() == 0:
    st.info("No links in this period and filter. Widen the period or clear filters.")

labels_of = network_graph.captions(graph)
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
hops = c3.radio("Hops", [1, 2, 3], index=1, key="network_hops", horizontal=True)
if centre is not None:
    seen = (str(centre), int(hops), search)
    if st.session_state.get("network_last_search") != seen:  # one event per new search
        st.session_state["network_last_search"] = seen
        network_service.record_search(store, viewer, text=search, centre=str(centre),
                                      hops=int(hops), results=len(matches), graph=graph)

shown_kinds = st.multiselect(
    "Show", list(network_graph.NODE_KINDS)[:-1], key="network_kinds",
    default=[k for k in list(network_graph.NODE_KINDS)[:-1] if k != "professional"],
    format_func=lambda k: network_graph.NODE_KINDS[k][0],
    help="Professionals link to many children; they are hidden by default to keep the "
         "picture readable (their links never count as contact in the analysis).")
left, right = st.columns([3, 2])
with right:
    lead = network_roles.render(a)
paths = brokerage.lead_paths(a.link_graph, lead) if lead else []
hl_nodes = {n for p in paths for n in p}
hl_edges = {(p[i], p[i + 1]) for p in paths for i in range(len(p) - 1)}
with left:
    centres = [c for c in (centre, lead) if c]
    capped = network.view(graph, cap=settings.get_int("graph_element_cap"), centres=centres,
                          hops=int(hops), expanded=st.session_state[EXPANDED_KEY],
                          kinds=shown_kinds)
    st.caption(capped.caption())
    expand = network_graph.render(capped.graph, key="network_graph",
                                  highlight_nodes=hl_nodes, highlight_edges=hl_edges)
    if expand and expand not in st.session_state[EXPANDED_KEY]:
        st.session_state[EXPANDED_KEY] = [*st.session_state[EXPANDED_KEY], expand]
        st.rerun()
    st.multiselect("Expanded nodes (double-click a node to expand it)",
                   list(dict.fromkeys([*capped.graph.nodes, *st.session_state[EXPANDED_KEY]])),
                   key=EXPANDED_KEY,
                   format_func=lambda n: labels_of.get(n, n))

if centre and graph.nodes[centre].get("kind") == network.CHILD:
    st.subheader("Connected children")
    cc = a.connected_children(centre, k=int(hops))
    st.caption(f"Children within {hops} link(s) of {md(labels_of[centre])} through peer, family, "
               "harmful and co-presence links (professional links excluded).")
    st.dataframe(cc.table[["label", "hops", "path_labels", "via", "harmful_on_path"]],
                 hide_index=True, width="stretch",
                 column_config={"label": "Child", "path_labels": "Path", "via": "Links"})

with st.expander("Export this view (GraphML, GEXF, i2)", icon=":material/download:"):
    network_exports.render(store, viewer, capped.graph)
