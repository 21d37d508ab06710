"""Who was at a place together, and when: the timeline under the graph when the view is
centred on a place (co-presence as it happened, occasion by occasion)."""

from __future__ import annotations

import streamlit as st

from analytics.analysis import NetworkAnalysis
from services.safe import md

SHOWN = 60  # the most recent occasions drawn and listed


def render(a: NetworkAnalysis, place: str, labels_of: dict[str, str]) -> None:
    """The occasions at ``place`` (two or more people within the co-presence window), as a
    timeline of who was there and a table, most recent first."""
    st.subheader("Who was here together, when")
    t = a.timeline(place)
    hours = t.window.total_seconds() / 3600
    st.caption(f"At {md(labels_of.get(place, place))}: occasions on which two or more people "
               f"were seen within {hours:g} h of each other, in the period and filters chosen "
               f"(homes excluded). {len(t.occasions):,} occasion(s); the latest {SHOWN} shown.")
    if t.occasions.empty:
        st.info("Nobody was seen here together with anyone else in this period.")
        return
    recent = t.occasions.tail(SHOWN).iloc[::-1]
    points = t.points[t.points["occasion"].isin(recent["occasion"])]
    st.scatter_chart(points, x="seen_at", y="label", color="kind", height=360,
                     x_label="Seen at", y_label="Person")
    st.dataframe(recent[["occasion", "start", "end", "labels", "children", "adults_of_concern",
                         "presences"]], hide_index=True, width="stretch",
                 column_config={
                     "occasion": "Occasion",
                     "start": st.column_config.DatetimeColumn("From", format="YYYY-MM-DD HH:mm"),
                     "end": st.column_config.DatetimeColumn("To", format="YYYY-MM-DD HH:mm"),
                     "labels": st.column_config.TextColumn("Who was here", width="large"),
                     "children": "Children", "adults_of_concern": "Adults of concern",
                     "presences": "Sightings"})
