"""The roles table beside the graph: facilitator leads, hubs, peer groups, with evidence.

Only adults of concern and places are ever listed as leads or hubs; children appear only as
the people a lead connects. Owns the session-state key ``network_lead``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import brokerage
from analytics.analysis import NetworkAnalysis
from dashboard.components.network_view import Shown
from domain import vocabulary
from services import network as network_service
from services.safe import md

LEAD_KEY = "network_lead"
NONE = "(none)"


# What the betweenness column means: the same words as docs/network.md and analytics/brokerage.
BETWEENNESS_HELP = ("Share of shortest paths between other people that pass through this "
                    "adult: raw betweenness / C(n-1, 2), normalised over the people with at "
                    "least one link (not per component).")


def _leads_table(a: NetworkAnalysis, top: int) -> pd.DataFrame:
    t = a.facilitators.table.head(top).copy()
    t["brokerage"] = [brokerage.roles_summary({str(k): v for k, v in r.items()})
                      for r in t.to_dict("records")]
    return t[["rank", "label", "betweenness", "child_adult_betweenness", "degree", "children",
              "groups", "brokerage", "temporal_brokerage", "key_player"]]


def render(a: NetworkAnalysis, shown: Shown, *, top: int = 25) -> str | None:
    """Draw the tabs; return the id of the lead whose paths to highlight (or None). The
    people listed are audited first (``shown``)."""
    fac = a.facilitators
    shown.record("roles tables", network_service.shown_in_roles(a, top=top))
    st.markdown("#### Leads to check")
    st.caption("Measures side by side, not a verdict: degree alone misleads, and many "
               "networks have no single ringleader. Sort by any column.")
    tabs = st.tabs(["Facilitator leads", "Place hubs", "Adult hubs", "Peer groups"])
    with tabs[0]:
        st.dataframe(_leads_table(a, top), hide_index=True, width="stretch", height=280,
                     column_config={
                         "label": "Adult of concern",
                         "betweenness": st.column_config.NumberColumn(
                             "Betweenness", format="%.3f",
                             help=BETWEENNESS_HELP),
                         "child_adult_betweenness": st.column_config.NumberColumn(
                             "Child-adult betweenness", format="%.3f",
                             help="Share of child-to-adult-of-concern shortest paths through "
                                  "this adult."),
                         "temporal_brokerage": "Knew child before another adult",
                         "key_player": st.column_config.NumberColumn(
                             "Key player #", help="Order in the greedy key-player set (0 = "
                                                  "not in it)."),
                     })
    with tabs[1]:
        places = a.hubs.places.head(top)
        st.dataframe(places.assign(place_kind=places["place_kind"].map(vocabulary.label))[
            ["label", "place_kind", "children", "repeat_children", "harm_presences", "visits",
             "last_seen", "score"]], hide_index=True, width="stretch", height=280,
            column_config={"label": "Place", "place_kind": "Kind",
                           "children": "Distinct children",
                           "repeat_children": "Children seen 2+ times",
                           "harm_presences": "Harmed / found after missing here"})
        st.caption(f"Score: each child's latest presence, halving every "
                   f"{a.hubs.half_life_days:g} days, x{a.hubs.harm_weight:g} when harmed or "
                   "found there after a missing episode.")
    with tabs[2]:
        st.dataframe(a.hubs.adults.head(top)[["label", "children", "harmful_links",
                                              "children_2_hops"]],
                     hide_index=True, width="stretch", height=280,
                     column_config={"label": "Adult of concern",
                                    "children": "Children linked",
                                    "children_2_hops": "Children within 2 links"})
    with tabs[3]:
        g = a.groups.table.head(top)
        names = {n: a.link_graph.nodes[n].get("label", n) for n in a.link_graph}
        st.dataframe(g.assign(members=[", ".join(names.get(m, m) for m in ms)
                                       for ms in g["members"]]),
                     hide_index=True, width="stretch", height=280)
        st.caption(f"Louvain communities among children (seed {a.groups.seed}; the same seed "
                   "gives the same groups), within connected components.")
    options = [NONE, *list(fac.table["person_id"].head(top))]
    labels_of = {pid: f"#{lead.rank} {lead.label}" for pid, lead in fac.leads.items()}
    chosen = st.selectbox("Highlight a lead's paths", options, key=LEAD_KEY,
                          format_func=lambda p: labels_of.get(p, p))
    if chosen == NONE:
        return None
    lead = fac.leads[chosen]
    shown.record("lead detail", network_service.shown_for_lead(a, str(chosen)))
    with st.container(border=True):
        st.markdown(f"**{md(lead.label)}**: {md(lead.why)}")
        st.markdown("Children connected: " + (", ".join(lead.children) or "none"))
        st.markdown("Peer groups: " + (", ".join(lead.groups) or "none"))
        links = pd.DataFrame(lead.links)
        if not links.empty:
            links["kind"] = links["kind"].map(vocabulary.label)
            st.dataframe(links[["with", "kind", "nature", "source_agency", "grading",
                                "verified", "first_seen", "last_seen"]],
                         hide_index=True, width="stretch", height=200)
    return str(chosen)
