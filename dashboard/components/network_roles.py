"""The leads under the graph: facilitator leads, hubs, peer groups, with their evidence.

Only adults of concern and places are ever listed as leads or hubs; children appear only as
the people a lead connects. Each measure shows its percentile beside its raw value (raw
betweenness of a county's leads differs in the fourth decimal place), roles are in plain
words, and a chosen lead's evidence is a list of dated sentences. Owns the session-state key
``network_lead``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import brokerage
from analytics.analysis import NetworkAnalysis
from domain import vocabulary
from services.safe import md

LEAD_KEY = "network_lead"
NONE = "(none)"

# What the betweenness column means: the same words as docs/network.md and analytics/brokerage.
BETWEENNESS_HELP = ("Share of shortest paths between other people that pass through this "
                    "adult: raw betweenness / C(n-1, 2), normalised over the people with at "
                    "least one link (not per component).")
LEAD_COLUMNS = ["rank", "label", "children", "groups", "betweenness",
                "betweenness_standing", "child_adult_betweenness",
                "child_adult_betweenness_standing", "main_role", "temporal_brokerage",
                "key_player", "degree"]

_STANDING = ("Rank among the adults of concern in this view, and percentile (the share of "
             "them with a lower value).")

LEAD_CONFIG = {
    "rank": st.column_config.NumberColumn("Rank", help="Order by betweenness, then "
                                          "child-adult betweenness, then links; nothing more."),
    "label": st.column_config.TextColumn("Adult of concern"),
    "children": st.column_config.NumberColumn("Children", help="Children linked directly."),
    "groups": st.column_config.NumberColumn("Groups", help="Peer groups those children are in."),
    "betweenness": st.column_config.NumberColumn("Betweenness", format="%.2e",
                                                 help=BETWEENNESS_HELP),
    "betweenness_standing": st.column_config.TextColumn("Betweenness rank", help=_STANDING),
    "child_adult_betweenness": st.column_config.NumberColumn(
        "Child-adult", format="%.3f",
        help="Child-adult betweenness: share of child-to-adult-of-concern shortest paths "
             "through this adult."),
    "child_adult_betweenness_standing": st.column_config.TextColumn("Child-adult rank",
                                                                    help=_STANDING),
    "main_role": st.column_config.TextColumn(
        "Main brokerage role", width="medium",
        help="Gould-Fernandez roles in plain words, the most frequent first (all of them "
             "appear when the lead is chosen below)."),
    "temporal_brokerage": st.column_config.NumberColumn(
        "Knew child first",
        help="Children this adult was linked to before another adult of concern was."),
    "key_player": st.column_config.NumberColumn(
        "Key player #", help="Order in the greedy key-player set (0 = not in it)."),
    "degree": st.column_config.NumberColumn("Links"),
}


def chosen() -> str | None:
    """The lead whose paths to highlight (chosen under the graph on an earlier run)."""
    value = st.session_state.get(LEAD_KEY)
    return None if value in (None, NONE) else str(value)


def render(a: NetworkAnalysis, *, top: int = 25) -> str | None:
    """Draw the tabs; return the id of the lead whose paths to highlight (or None)."""
    fac = a.facilitators
    st.markdown("#### Leads to check")
    st.caption("Measures side by side, not a verdict: degree alone misleads, and many "
               "networks have no single ringleader. Sort by any column.")
    tabs = st.tabs(["Facilitator leads", "Place hubs", "Adult hubs", "Peer groups"])
    with tabs[0]:
        st.dataframe(brokerage.lead_table(fac, words=top)[LEAD_COLUMNS].head(top),
                     hide_index=True,
                     width="stretch", height=320, column_config=LEAD_CONFIG)
    with tabs[1]:
        places = a.hubs.places.head(top)
        st.dataframe(places.assign(place_kind=places["place_kind"].map(vocabulary.label))[
            ["label", "place_kind", "children", "repeat_children", "harm_presences", "visits",
             "last_seen", "score"]], hide_index=True, width="stretch", height=320,
            column_config={"label": "Place", "place_kind": "Kind",
                           "children": "Distinct children",
                           "repeat_children": "Children seen 2+ times",
                           "harm_presences": "Harmed / found after missing here",
                           "last_seen": st.column_config.DatetimeColumn(
                               "Last seen", format="YYYY-MM-DD HH:mm")})
        st.caption(f"Score: each child's latest presence, halving every "
                   f"{a.hubs.half_life_days:g} days, x{a.hubs.harm_weight:g} when harmed or "
                   "found there after a missing episode.")
    with tabs[2]:
        st.dataframe(a.hubs.adults.head(top)[["label", "children", "harmful_links",
                                              "children_2_hops"]],
                     hide_index=True, width="stretch", height=320,
                     column_config={"label": "Adult of concern",
                                    "children": "Children linked",
                                    "children_2_hops": "Children within 2 links"})
    with tabs[3]:
        _groups(a, top)
    return _lead(a, top)


def _groups(a: NetworkAnalysis, top: int) -> None:
    """The peer groups found, under the name every page uses for them."""
    g = a.groups.table.head(top)
    names = {n: a.link_graph.nodes[n].get("label", n) for n in a.link_graph}
    st.dataframe(pd.DataFrame({
        "Peer group": [a.group_names.get(str(gid), str(gid)) for gid in g["group_id"]],
        "Children": g["size"],
        "Members": [", ".join(names.get(m, m) for m in ms) for ms in g["members"]]}),
        hide_index=True, width="stretch", height=320)
    st.caption(f"Groups found in the links (Louvain communities within connected components, "
               f"seed {a.groups.seed}: the same seed gives the same groups), named after the "
               "recorded peer group holding most of their members, as on the Panel page.")


def _lead(a: NetworkAnalysis, top: int) -> str | None:
    """The lead picker and the chosen lead's evidence."""
    fac = a.facilitators
    options = [NONE, *list(fac.table["person_id"].head(top))]
    if st.session_state.get(LEAD_KEY) not in options:
        st.session_state[LEAD_KEY] = NONE
    head = fac.table.head(top)
    labels_of = {str(p): f"#{r} {la}" for p, r, la in
                 zip(head["person_id"], head["rank"], head["label"], strict=True)}
    picked = st.selectbox("Highlight a lead's paths", options, key=LEAD_KEY,
                          format_func=lambda p: labels_of.get(p, p))
    if picked == NONE:
        return None
    lead = fac.leads[picked]
    with st.container(border=True):
        st.markdown(f"**{md(lead.label)}**: {md(lead.why)}")
        roles = brokerage.roles_in_words({r: float(lead.measures[r])
                                          for r in brokerage.BROKERAGE_ROLES})
        st.markdown("How it brokers: " + md(roles))
        st.markdown("Children connected: " + (md(", ".join(lead.children)) or "none"))
        st.markdown("Peer groups: " + (md(", ".join(a.group_names.get(g, g)
                                                   for g in lead.groups)) or "none"))
        st.markdown("**Evidence, oldest first**")
        kinds = {t.code: t.label.lower() for t in vocabulary.LINK_KINDS}
        st.markdown("\n".join(f"- {md(s)}" for s in brokerage.evidence(lead, kinds=kinds)))
    return str(picked)
