"""Network: people, places and links; leads with their evidence; ego view; exports."""

from __future__ import annotations

import streamlit as st

from analytics import network
from dashboard import common
from dashboard.components import (
    network_exports,
    network_filters,
    network_model,
    network_roles,
    network_together,
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
if a.links_drawn == 0:
    st.info("No links in this period and filter. Widen the period or clear filters.")

labels_of = a.captions
centre, hops = network_view.pick_centre(store, viewer, a, labels_of,
                                        default=lambda: network_model.top_lead(a))
kinds, labels = network_view.display_options()
drawn = network_view.draw(a, centre=centre, lead=network_roles.chosen(), hops=hops,
                          kinds=kinds, labels=labels, labels_of=labels_of)

network_model.measure(a)
network_roles.render(a)
kind = a.view_graph.nodes[centre].get("kind") if centre else None
if kind == network.CHILD:
    network_view.connected_children(a, str(centre), hops, labels_of)
elif kind in (network.PLACE, network.ONLINE):
    network_together.render(a, str(centre), labels_of)

with st.expander("Export this view (GraphML, GEXF, i2)", icon=":material/download:"):
    network_exports.render(store, viewer, drawn)
