"""The multi-agency chronology: filters, a timeline chart coloured by agency, a table,
the cumulative harm chart and the reachable moments. Owns keys ``chrono_*``."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from analytics import chronology
from analytics.chronology import EscalationFlag
from services.safe import md


def moments(flags: list[EscalationFlag], *, shown: int = 3) -> None:
    """Escalation flags as reachable moments, newest first, each with its explanation; the
    newest ``shown`` stand out, earlier ones are listed below them."""
    if not flags:
        st.success("No escalation flags in the record up to this date.",
                   icon=":material/check_circle:")
        return
    newest = list(reversed(flags))
    for f in newest[:shown]:
        st.warning(f"**{f.on:%d %b %Y} - {md(f.title)}.** {md(f.explanation)}",
                   icon=":material/flag:")
    if len(newest) > shown:
        with st.expander(f"Earlier moments ({len(newest) - shown})"):
            for f in newest[shown:]:
                st.markdown(f"- **{f.on:%d %b %Y} - {md(f.title)}.** {md(f.explanation)}")


def timeline(events: pd.DataFrame) -> None:
    """Filter, chart and table of the chronology."""
    if events.empty:
        st.info("Nothing recorded for this child yet.")
        return
    c1, c2, c3 = st.columns(3)
    agencies = c1.multiselect("Agency", sorted(events["agency"].unique()), key="chrono_agency",
                              placeholder="All agencies")
    contexts = c2.multiselect("Harm context", sorted(events["context"].unique()),
                              key="chrono_context", placeholder="Inside and outside the home")
    kinds = c3.multiselect("Kind of event", sorted(events["event"].unique()), key="chrono_kind",
                           placeholder="All kinds")
    shown = events
    if agencies:
        shown = shown[shown["agency"].isin(agencies)]
    if contexts:
        shown = shown[shown["context"].isin(contexts)]
    if kinds:
        shown = shown[shown["event"].isin(kinds)]
    plot = shown.assign(what=shown["kind"].map(chronology.KIND_LABELS).fillna(shown["event"]))
    chart = (
        alt.Chart(plot)
        .mark_point(filled=True, size=120)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("what:N", title=None, sort=list(chronology.KIND_LABELS.values()),
                    axis=alt.Axis(labelLimit=260)),
            color=alt.Color("agency:N", title="Agency", legend=alt.Legend(labelLimit=300)),
            shape=alt.Shape("context:N", title="Context"),
            tooltip=["date:T", "event", "agency", "context", "place", "provenance"],
        )
        .properties(height=max(160, 28 * plot["what"].nunique()))
    )
    st.altair_chart(chart, width="stretch")
    table = shown.assign(date=shown["date"].dt.strftime("%d %b %Y %H:%M"))
    cols = ["date", "event", "context", "agency", "place", "indicators", "provenance"]
    flagged = int((shown["language"] != "").sum())
    if (shown["narrative"] != "").any():  # restricted: only in multi-agency mode
        cols.insert(2, "narrative")
        if flagged:
            cols.insert(3, "language")
    st.dataframe(table[cols], hide_index=True, width="stretch",
                 column_config={"date": "Date", "event": "Event", "context": "Context",
                                "agency": "Agency", "place": "Place",
                                "indicators": "Indicators", "narrative": "Narrative",
                                "language": "Language check",
                                "provenance": "Source, recorded, grading"})
    if flagged and "narrative" in cols:
        st.warning(f"{flagged} agency narrative(s) use victim-blaming language; the Language "
                   "check column says what to say instead. The record is shown as the agency "
                   "wrote it.", icon=":material/spellcheck:")
    st.caption(f"{len(shown)} of {len(events)} events. Grading is the 3x5x2 code "
               "(source 1-3, intelligence A-E, handling P/C).")


def cumulative(frame: pd.DataFrame) -> None:
    """Running totals of adverse experiences, missing episodes, self-harm and harm."""
    if frame.empty:
        return
    long = frame.melt(id_vars="period", var_name="series", value_name="total")
    chart = (
        alt.Chart(long)
        .mark_line(interpolate="step-after", strokeWidth=2.5)
        .encode(x=alt.X("period:T", title=None), y=alt.Y("total:Q", title="Running total"),
                color=alt.Color("series:N", title=None,
                                legend=alt.Legend(orient="bottom", labelLimit=320)))
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")
