"""Overview: children with open concerns, incidents by month and kind, places, agencies."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from analytics import overview
from dashboard import common
from dashboard.components import charts, overview_lists
from domain import vocabulary

store, viewer, today = common.context()

st.title("Overview")
st.caption(f"Data up to {today:%d %B %Y}. Pseudonyms are shown unless you switch to names.")

start, end = st.slider(
    "Period",
    min_value=today - timedelta(days=730),
    max_value=today,
    value=(today - timedelta(days=365), today),
    format="DD MMM YYYY",
    key="overview_period",
)
# whole months only, so the first bar is not a sliver of a month
window = {"start": start.replace(day=1), "end": end + timedelta(days=1)}

head = store.frame("overview.headline", viewer, {"as_of": today}).iloc[0]
cols = st.columns(5)
cols[0].metric("Children with open concerns", int(head["children_open_concerns"]))
cols[1].metric("Incidents recorded", f"{int(head['incidents']):,}")
cols[2].metric("Places", int(head["places"]))
cols[3].metric("Online spaces", int(head["online_spaces"]))
cols[4].metric("Agencies contributing", int(head["agencies_contributing"]))

monthly = store.frame("overview.incidents_by_month_kind", viewer, window)
by_kind = overview.monthly_series(overview.panel_groups(monthly), by="group",
                                  top=len(vocabulary.INCIDENT_GROUPS))
by_context = overview.monthly_series(monthly, by="harm_context", top=4)
left, right = st.columns(2)
with left:
    st.subheader("Incidents by month, as the panel groups them")
    charts.monthly(by_kind.rename(columns=vocabulary.INCIDENT_GROUPS.label), label="Group")
with right:
    st.subheader("Inside and outside the home")
    st.caption("Extra- and intra-familial harm side by side: cumulative harm is missed when "
               "incidents are managed in isolation.")
    charts.monthly(by_context.rename(columns=vocabulary.label), label="Context", mark="line")

overview_lists.person_lists(store, viewer, today, window)

st.subheader("Agencies contributing")
agencies = store.frame("overview.agencies", viewer, window)
st.dataframe(agencies.assign(sector=agencies["sector"].map(vocabulary.label))[
    ["name", "sector", "incidents"]], hide_index=True, width="stretch")
