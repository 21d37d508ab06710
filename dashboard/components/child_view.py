"""The sections of the Child page: who the child is, their own words, their connections."""

from __future__ import annotations

from datetime import date

import streamlit as st

from domain import vocabulary
from services.briefing import ChildStory
from services.safe import md


def header(story: ChildStory, today: date) -> None:
    """The child's pseudonym (or name), key facts and open concerns with review dates."""
    p = story.profile
    open_concerns = story.concerns[story.concerns["closed_on"].isna()]
    st.subheader(md(story.label))
    facts = [f"{p['age_years']} years" if p["age_years"] is not None else "age not recorded",
             "looked after" if p["looked_after"] else "not looked after",
             "additional learning needs" if p["additional_needs"] else None,
             f"school: {md(p['school'])}" if p["school"] else "no school recorded",
             f"home ward: {md(p['home_ward'])}" if p["home_ward"] else None]
    st.markdown(" · ".join(f for f in facts if f))
    st.caption(
        "Open concerns: " + (", ".join(
            f"{vocabulary.label(r['category'])} (review {r['review_date']:%d %b %Y})"
            for _, r in open_concerns.iterrows()) or "none")
        + f". Data up to {today:%d %B %Y}. There is no risk score: the judgement is the panel's."
    )
    if story.truncated:
        st.caption("Some lists were cut by the row cap: " + ", ".join(story.truncated))


def own_words(story: ChildStory) -> None:
    """What the child said, in their words (restricted: a count only in pseudonymised mode)."""
    words = story.disclosures
    if words.empty:
        st.caption("No disclosures recorded.")
    elif (words["child_words"] == "").all():  # restricted: masked in safety-planning mode
        last = words.iloc[-1]
        st.info(f"**{len(words)} disclosure(s) recorded**, the latest on {last['date']:%d %b %Y} "
                f"({md(last['agency'])}). The child's words are restricted: switch to "
                "multi-agency mode to read them.", icon=":material/record_voice_over:")
    for _, r in words[words["child_words"] != ""].iterrows():
        st.info(f"**{r['date']:%d %b %Y}, {md(r['agency'])}**: "
                f"\u201c{md(r['child_words'])}\u201d", icon=":material/record_voice_over:")


def connections(story: ChildStory) -> None:
    """Connected children, peer groups, places and everyone linked, with provenance."""
    left, right = st.columns(2)
    with left:
        st.markdown("**Connected children**")
        st.dataframe(story.connected[["label", "age_years", "connected_by", "times"]],
                     hide_index=True, width="stretch",
                     column_config={"label": "Child", "age_years": "Age",
                                    "connected_by": "How connected", "times": "Times"})
        st.markdown("**Peer groups**")
        st.dataframe(story.groups[["group_name", "start_date", "end_date", "current_members",
                                   "source_agency"]], hide_index=True, width="stretch")
    with right:
        st.markdown("**Places and online spaces**")
        places = story.places.assign(place_kind=story.places["place_kind"].map(vocabulary.label))
        st.dataframe(places[["place_name", "place_kind", "platform", "ward", "times",
                             "last_seen", "how", "agencies"]], hide_index=True,
                     width="stretch", column_config={"place_name": "Place", "place_kind": "Kind",
                                                     "how": "How linked", "times": "Times"})
        st.markdown("**Everyone linked**")
        links = story.links.assign(other_kind=story.links["other_kind"].map(vocabulary.label),
                                   kind=story.links["kind"].map(vocabulary.label))
        st.dataframe(links[["other_label", "other_kind", "kind", "nature", "first_seen",
                            "verified", "source_agency_name", "recorded_date", "grading"]],
                     hide_index=True, width="stretch",
                     column_config={"other_label": "Person", "other_kind": "Who",
                                    "kind": "Link", "source_agency_name": "Source",
                                    "recorded_date": st.column_config.DateColumn("Recorded"),
                                    "grading": "3x5x2 grading"})


def agencies(story: ChildStory) -> None:
    """Which agencies hold what about the child."""
    st.dataframe(story.agencies.assign(sector=story.agencies["sector"].map(vocabulary.label)),
                 hide_index=True, width="stretch")
