"""Child: one child's multi-agency chronology, cumulative harm, harms and strengths, links.

No risk score: indicators, vulnerabilities and strengths are shown side by side, and
escalation flags explain themselves. Pseudonyms unless the viewer switches to names.
"""

from __future__ import annotations

import streamlit as st

from dashboard import common
from dashboard.components import child_picker, child_view, chronology_view, side_by_side
from services import briefing

store, viewer, today = common.context()

st.title("Child")
person_id = child_picker.pick(store, viewer)
if person_id is None:
    st.stop()
story = briefing.child_story(store, viewer, person_id, as_of=today)
child_view.header(story, today)

st.markdown("### Reachable moments")
st.caption("Points where the pattern changed and a response could be made. Each says why.")
chronology_view.moments(story.flags)

st.markdown("### In the child's own words")
child_view.own_words(story)

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
child_view.connections(story)

st.markdown("### Which agencies hold what")
child_view.agencies(story)
