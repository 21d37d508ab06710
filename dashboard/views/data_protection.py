"""Data protection (administrators): subject access, deletion everywhere, retention review,
disproportionality. The lessons of the ICO's Gangs Matrix enforcement (BRIEF section 8)."""

from __future__ import annotations

import streamlit as st

from analytics import equality
from dashboard import common
from dashboard.components import (
    equality_view,
    person_deletion,
    person_search,
    retention_view,
    subject_access_view,
)
from services import protection

store, viewer, today = common.context()

st.title("Data protection")
st.caption("Everything held about one person and who it was shared with; deletion from every "
           "table; concerns past their review or end date; and whether some groups are "
           "over-represented. Pseudonyms only; every view and export is audited.")
person_deletion.last_done()

sar, delete, retention, equality_tab = st.tabs(
    ["Subject access", "Delete a person", "Retention review", "Disproportionality"])

people = protection.people(store, viewer)
with sar:
    st.markdown("### Subject access report")
    person_id = person_search.pick(people) if people is not None else None
    if person_id is not None:
        report = subject_access_view.load(store, viewer, person_id)
        if report is not None:
            subject_access_view.export(store, viewer, report)
            subject_access_view.show(report)

with delete:
    st.markdown("### Delete a person everywhere")
    st.caption("Choose the person on the Subject access tab; check what is held first.")
    if person_id is None and not person_deletion.interrupted(store, viewer):
        st.info("Choose a person on the Subject access tab first.")
    elif person_id is not None and not person_deletion.interrupted(store, viewer):
        person_deletion.form(store, viewer, person_id)

with retention:
    st.markdown("### Retention review")
    retention_view.show(store, viewer, today)

with equality_tab:
    st.markdown("### Disproportionality")
    people_eq = store.frame("protection.equality_people", viewer,
                                            {"as_of": today}, limit=10_000_000)
    if people_eq is not None:
        tables = equality.equality_tables(people_eq)
        st.markdown("**Children with an open concern, against all children held**")
        equality_view.show(tables["children"], label="With an open concern",
                           counted=f"children with an open concern on {today:%d %B %Y}")
        st.markdown("**Adults of concern, against all adults held**")
        equality_view.show(tables["adults"], label="Adults of concern",
                           counted="adults recorded as adults of concern")
        st.caption("The base is the people this store holds, not the census population: a "
                   "ratio is a prompt to ask who is recorded and referred, not a finding.")
