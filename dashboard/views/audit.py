"""Audit (administrators): every view, search and export of personal data, with its purpose."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import common

ctx = common.context(need_data=False)
store, viewer = ctx.store, ctx.viewer

st.title("Audit trail")
st.caption("Who looked at, searched or exported personal data, when, and why.")
today = common.as_of(store) if store.counts()["person"] else None
end = st.date_input("Up to", value="today", key="audit_end")
days = st.number_input("Days back", min_value=1, max_value=3650, value=30, key="audit_days")
res = store.run("admin.audit_events", viewer,
                {"start": end - timedelta(days=int(days)), "end": end + timedelta(days=1)})
actions = sorted(res.frame["action"].unique()) if not res.frame.empty else []
chosen = st.multiselect("Actions", actions, default=actions, key="audit_actions")
frame = res.frame[res.frame["action"].isin(chosen)] if chosen else res.frame
cols = st.columns(3)
cols[0].metric("Events", len(frame))
cols[1].metric("Exports", int((frame["action"] == "export").sum()))
cols[2].metric("Refused", int((frame["action"] == "denied").sum()))
st.dataframe(frame, hide_index=True, width="stretch")
common.show_truncation(res)
if today:
    st.caption(f"Data in this store runs up to {today:%d %B %Y}.")
