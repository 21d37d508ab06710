"""Child: one child's multi-agency chronology, cumulative harm, harms and strengths, links.

No risk score: indicators, vulnerabilities and strengths are shown side by side, and
escalation flags explain themselves. Pseudonyms unless the viewer switches to names.
"""

from __future__ import annotations

import streamlit as st

from dashboard import common
from dashboard.components import child_picker, chronology_view, side_by_side
from domain import vocabulary
from services import briefing, safe

ctx = common.context()
store, viewer = ctx.store, ctx.viewer
today = common.as_of(store)

st.title("Child")
person_id = child_picker.pick(store, viewer)
if person_id is None:
    st.stop()
story = briefing.child_story(store, viewer, person_id, as_of=today)
if story is None:
    st.stop()

p = story.profile
open_concerns = story.concerns[story.concerns["closed_on"].isna()]
st.subheader(safe.md(story.label))
facts = [f"{p['age_years']} years" if p["age_years"] is not None else "age not recorded",
         "looked after" if p["looked_after"] else "not looked after",
         "additional learning needs" if p["additional_needs"] else None,
         f"school: {safe.md(p['school'])}" if p["school"] else "no school recorded",
         f"home ward: {safe.md(p['home_ward'])}" if p["home_ward"] else None]
st.markdown(" · ".join(f for f in facts if f))
st.caption(
    "Open concerns: " + (", ".join(
        f"{vocabulary.label(r['category'])} (review {r['review_date']:%d %b %Y})"
        for _, r in open_concerns.iterrows()) or "none")
    + f". Data up to {today:%d %B %Y}. There is no risk score: the judgement is the panel's."
)
if story.truncated:
    st.caption("Some lists were cut by the row cap: " + ", ".join(story.truncated))

st.markdown("### Reachable moments")
st.caption("Points where the pattern changed and a response could be made. Each says why.")
chronology_view.moments(story.flags)

st.markdown("### In the child's own words")
words = story.disclosures
if words.empty:
    st.caption("No disclosures recorded.")
elif (words["child_words"] == "").all():  # restricted: masked in safety-planning mode
    last = words.iloc[-1]
    st.info(f"**{len(words)} disclosure(s) recorded**, the latest on {last['date']:%d %b %Y} "
            f"({safe.md(last['agency'])}). The child's words are restricted: switch to "
            "multi-agency mode to read them.", icon=":material/record_voice_over:")
for _, r in words[words["child_words"] != ""].iterrows():
    st.info(f"**{r['date']:%d %b %Y}, {safe.md(r['agency'])}**: "
            f"\u201c{safe.md(r['child_words'])}\u201d", icon=":material/record_voice_over:")

st.markdown("### Multi-agency chronology")
st.caption("Every agency's events on one timeline; shape shows inside or outside the home.")
chronology_view.timeline(story.timeline)

st.markdown("### Cumulative harm")
st.caption("Running totals: no single incident may look serious; the accumulation is.")
chronology_view.cumulative(story.cumulative)

st.markdown("### Indicators, vulnerabilities and strengths")
side_by_side.indicators(story.indicators)
side_by_side.harms_and_strengths(
    vulnerabilities=story.vulnerabilities, adults=story.adults_of_concern,
    strengths=story.strengths, protective=story.protective_links)

st.markdown("### Connections")
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
                         "last_seen", "how", "agencies"]], hide_index=True, width="stretch",
                 column_config={"place_name": "Place", "place_kind": "Kind",
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

st.markdown("### Which agencies hold what")
st.dataframe(story.agencies.assign(sector=story.agencies["sector"].map(vocabulary.label)),
             hide_index=True, width="stretch")
