"""Audit (administrators): every consultation, search and disclosure of personal data, with
its purpose (and recipients), as typed events (domain/audit.py)."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import common
from domain import audit

store, viewer, _ = common.context(need_data=False)

st.title("Audit trail")
st.caption("Who consulted, searched or disclosed personal data, when, why, and to whom.")
today = common.as_of(store) if store.counts()["person"] else None
end = st.date_input("Up to", value="today", key="audit_end")
days = st.number_input("Days back", min_value=1, max_value=3650, value=30, key="audit_days")
res = store.run("admin.audit_events", viewer,
                {"start": end - timedelta(days=int(days)), "end": end + timedelta(days=1)})
types = sorted(res.frame["event_type"].unique()) if not res.frame.empty else []
chosen = st.multiselect("Event types", types, default=types, key="audit_types")
frame = res.frame[res.frame["event_type"].isin(chosen)] if chosen else res.frame
cols = st.columns(4)
cols[0].metric("Events", len(frame))
cols[1].metric("Consultations", int((frame["event_type"] == audit.Consultation.name).sum()))
cols[2].metric("Disclosures", int((frame["event_type"] == audit.Disclosure.name).sum()))
cols[3].metric("Refused", int((frame["event_type"] == audit.AccessDenied.name).sum()))
st.dataframe(frame, hide_index=True, width="stretch")
common.show_truncation(res)
if today:
    st.caption(f"Data in this store runs up to {today:%d %B %Y}.")
