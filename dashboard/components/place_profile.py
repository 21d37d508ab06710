"""A place or ward profile: the Contextual Safeguarding location assessment on one screen.

When harm happens there (hour x weekday), what kinds, which children (pseudonyms unless named
mode), which adults of concern were seen, the monthly trend, who reported it, guardianship and
strengths, and the disruption actions agreed. Every table carries its source agency and date.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from analytics import places as place_stats
from dashboard import common
from dashboard.components import charts, session_cache
from data.store import QueryRequest, Store
from domain import vocabulary
from domain.access import Viewer
from services.safe import md


def _heat(table: pd.DataFrame) -> alt.Chart:
    long = table.reset_index().melt(id_vars="day", var_name="hour", value_name="incidents")
    return alt.Chart(long).mark_rect().encode(
        x=alt.X("hour:O", title="Hour of day"),
        y=alt.Y("day:O", sort=list(place_stats.WEEKDAYS), title=None),
        color=alt.Color("incidents:Q", scale=alt.Scale(scheme="orangered"), title="Incidents"),
        tooltip=["day", "hour", "incidents"],
    ).properties(height=220)


def _fetch(store: Store, viewer: Viewer, scope: str, subject_id: str,
           params: dict[str, Any]) -> dict[str, Any]:
    """Every table the profile shows, read (and audited) once, side by side."""
    key = {"scope": scope, "id": subject_id}
    filtered = {**key, **params}
    window = {**key, "start": params["start"], "end": params["end"]}
    audit = f"{scope}:{subject_id}"
    res = store.run_many(viewer, {
        "when": QueryRequest("places.profile_when", filtered, audit_object=audit),
        "kinds": QueryRequest("places.profile_kinds", filtered, audit_object=audit),
        "kids": QueryRequest("places.profile_children", filtered, audit_object=audit),
        "months": QueryRequest("places.profile_months", filtered, audit_object=audit),
        "adults": QueryRequest("places.profile_adults", window, audit_object=audit),
        "notes": QueryRequest("places.profile_notes", key),
        "actions": QueryRequest("places.profile_actions", key),
        "incidents": QueryRequest("places.profile_incidents", filtered, limit=200,
                                  audit_object=audit),
    })
    return {k: (r if k == "incidents" else r.frame) for k, r in res.items()}


def render(store: Store, viewer: Viewer, *, scope: str, subject_id: str, title: str,
           params: dict[str, Any]) -> None:
    """Draw the profile of a place (``scope='place'``) or ward (``scope='ward'``).

    Its tables are kept for this browser session while the subject and filters stay the same
    (a change of map layers does not read them again).
    """
    data = session_cache.remember(
        "place_profile", (viewer, scope, subject_id, repr(sorted(params.items()))),
        lambda: _fetch(store, viewer, scope, subject_id, params))
    st.subheader(f"Location assessment: {md(title)}")
    prof = place_stats.time_profile_from_counts(data["when"])
    kinds, kids = data["kinds"], data["kids"]
    c = st.columns(4)
    c[0].metric("Incidents", prof.incidents)
    c[1].metric("Children linked", len(kids))
    c[2].metric("Agencies reporting", int(kinds["agency"].nunique()))
    busiest = "-" if prof.peak_hour is None else f"{prof.peak_day} {prof.peak_hour:02d}:00"
    c[3].metric("Busiest", busiest)
    st.caption(prof.describe())
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**When: day of week by hour of day**")
        st.altair_chart(_heat(prof.table), width="stretch")
        trend = place_stats.fill_months(data["months"])
        st.markdown("**Trend by month**")
        if not trend.empty:
            charts.monthly(trend.set_index("month")[["incidents", "children"]].rename(
                columns={"incidents": "Incidents", "children": "Children linked"}),
                label="Count", mark="line", height=200, y_title="Number")
    with right:
        st.markdown("**Kinds of harm**")
        by_kind = kinds.groupby("kind")["incidents"].sum().sort_values(ascending=False)
        st.dataframe(by_kind.rename(index=vocabulary.label), width="stretch")
        st.markdown("**Agencies reporting**")
        st.dataframe(kinds.groupby("agency")["incidents"].sum().sort_values(ascending=False),
                     width="stretch")

    left, right = st.columns(2)
    with left:
        st.markdown("**Children linked here** (victims, never labelled as hubs)")
        st.dataframe(kids[["label", "age_years", "incidents", "sightings", "last_seen",
                           "agencies"]], hide_index=True, width="stretch",
                     column_config={"label": "Child", "age_years": "Age",
                                    "incidents": "Incidents", "sightings": "Sightings",
                                    "last_seen": st.column_config.DateColumn("Last linked"),
                                    "agencies": "Source agencies"})
    with right:
        st.markdown("**Adults of concern seen here** (leads for the panel to weigh)")
        adults = data["adults"]
        st.dataframe(adults[["label", "sightings", "how_seen", "first_seen", "last_seen",
                             "source_agencies", "gradings"]], hide_index=True,
                     width="stretch", column_config={
                         "label": "Adult", "sightings": "Sightings", "how_seen": "How seen",
                         "first_seen": st.column_config.DateColumn("First seen"),
                         "last_seen": st.column_config.DateColumn("Last seen"),
                         "source_agencies": "Source agencies", "gradings": "3x5x2 grading"})

    left, right = st.columns(2)
    notes, actions = data["notes"], data["actions"]
    with left:
        _table_or_note("Guardianship and strengths",
                       notes.assign(domain=notes["domain"].map(vocabulary.label)),
                       "No guardianship or assessment notes recorded yet.",
                       column_config={"domain": "Domain", "note": "Note",
                                      "source_agency": "Source",
                                      "dated": st.column_config.DateColumn("Dated")})
    with right:
        _table_or_note("Disruption actions",
                       actions.assign(tactic=actions["tactic"].map(vocabulary.label))[
                           ["tactic", "place", "owner_agency", "due_date", "status"]],
                       "No disruption actions linked yet.")

    with st.expander("Latest incidents (with source, date and grading)"):
        res = data["incidents"]
        incidents = res.frame
        st.dataframe(incidents.assign(kind=incidents["kind"].map(vocabulary.label))[
            ["occurred_at", "kind", "agency", "indicators", "grading", "recorded_date"]],
            hide_index=True, width="stretch")
        common.show_truncation(res)


def _table_or_note(title: str, frame: pd.DataFrame, empty: str, **options: Any) -> None:
    """A titled table, or the sentence ``empty`` when it has no rows."""
    st.markdown(f"**{title}**")
    if frame.empty:
        st.caption(empty)
    else:
        st.dataframe(frame, hide_index=True, width="stretch", **options)
