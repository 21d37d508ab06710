"""Contextual Safeguarding peer-group and location assessments. Owns ``assess_*`` keys."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.components import language_check
from data import meetings
from data.store import Store
from domain import vocabulary
from domain.access import Viewer

DOMAIN_HELP: dict[str, str] = {
    "group_functioning": "How the group works: relationships, power, what members get from it.",
    "guardianship": "Which adults watch over the group or place, when, and how well.",
    "environment": "Where and when harm happens: layout, lighting, hidden spaces, times.",
    "family": "Families' awareness of the group and their capacity to protect.",
    "needs_strengths": "Young people's needs and strengths in this place.",
    "policy": "Licensing, business and service policies and practice that shape the place.",
}


def editor(store: Store, viewer: Viewer, today: date) -> None:
    """Pick a group or place, read its assessment so far, add one domain."""
    kind = st.radio("Assess", ["group", "place"], horizontal=True, key="assess_kind",
                    format_func=vocabulary.ASSESSMENT_SUBJECT_KINDS.label)
    if kind == "group":
        subjects = store.frame("panel.groups", viewer)
        names = dict(zip(subjects["group_id"], subjects["name"], strict=True))
    else:
        subjects = store.frame("panel.places", viewer)
        names = {r["place_id"]: f"{r['name']} ({vocabulary.label(r['kind'])})"
                 for r in subjects.to_dict("records")}
    if not names:
        st.info("Nothing to assess yet.")
        return
    sid = st.selectbox("Subject", list(names),
                       format_func=lambda a: str(names.get(a, a)), key="assess_subject")
    done = store.frame("panel.assessments", viewer, {"subject_kind": kind, "subject_id": sid})
    if done.empty:
        st.caption("No assessment recorded yet.")
    else:
        st.dataframe(done.assign(domain=done["domain"].map(vocabulary.label))[
            ["domain", "body", "source_name", "assessed_on", "created_by"]],
            hide_index=True, width="stretch",
            column_config={"body": "Assessment", "source_name": "Source",
                           "assessed_on": "Date", "created_by": "Recorded by"})
    domains = meetings.ASSESSMENT_DOMAINS[kind]
    domain = st.selectbox("Domain", domains, format_func=vocabulary.ASSESSMENT_DOMAINS.label,
                          key=f"assess_domain_{kind}")
    st.caption(DOMAIN_HELP[domain])
    body, flags = language_check.text_with_check("Assessment", key="assess_body")
    agencies = store.frame("reference.agencies", viewer)
    agency_names = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
    c1, c2 = st.columns(2)
    source = c1.selectbox("Source", list(agency_names),
                         format_func=lambda a: str(agency_names.get(a, a)),
                          key="assess_source")
    on = c2.date_input("Date", value=today, key="assess_date", format="DD/MM/YYYY")
    if st.button("Save assessment", key="assess_save", type="primary"):
        meetings.add_assessment(store, viewer, subject_kind=str(kind), subject_id=str(sid),
                                domain=domain, body=body, source_agency=str(source or ""),
                                assessed_on=on, language_flags=flags)
        st.success("Assessment saved" + (f" with {len(flags)} language flag(s) recorded."
                                         if flags else "."))
