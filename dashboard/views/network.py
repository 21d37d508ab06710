"""Network: people, places and links; leads with their evidence; ego view; exports."""

from __future__ import annotations

import streamlit as st

from analytics import network
from dashboard import common
from dashboard.components import (
    network_exports,
    network_filters,
    network_graph,
    network_model,
    network_roles,
    network_view,
)

store, viewer, today = common.context()
network_view.init_state()

st.title("Network")
st.caption("People, places and the links between them. Children are never labelled: leads "
           "are adults of concern and places, for a person to check. "
           + ("Names are shown (multi-agency mode)." if viewer.shows_names
              else "Pseudonyms are shown (safety planning mode)."))

query = network_filters.render(store, viewer, today)
a = network_model.get(store, viewer, query, today)
if a.person_graph.number_of_edges() == 0:
    st.info("No links in this period and filter. Widen the period or clear filters.")

labels_of = network_graph.captions(a.view_graph)
shown = network_view.Shown(store, viewer, query)  # each part audits its people first
centre, hops = network_view.pick_centre(store, viewer, a, labels_of)
kinds = network_view.kinds_shown()
left, right = st.columns([3, 2])
with right:
    lead = network_roles.render(a, shown)
with left:
    drawn = network_view.draw(a, shown, centres=[c for c in (centre, lead) if c], lead=lead,
                              hops=hops, kinds=kinds, labels_of=labels_of)
if centre and a.view_graph.nodes[centre].get("kind") == network.CHILD:
    network_view.connected_children(a, shown, centre, hops, labels_of)

with st.expander("Export this view (GraphML, GEXF, i2)", icon=":material/download:"):
    network_exports.render(store, viewer, drawn)
