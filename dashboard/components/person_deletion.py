"""Delete one person everywhere: what will go, a typed confirmation and a purpose.

Owns keys starting ``dp_del_``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import session_cache, subject_access_view
from data.store import Store
from domain.access import Viewer
from services import protection

DONE_KEY = "dp_del_done"


def form(store: Store, viewer: Viewer, person_id: str) -> None:
    """The plan (rows per table), the confirmation box and the delete button."""
    plan = session_cache.remember(  # read (and audited) once, like the report
        "dp_plan", (viewer, person_id, subject_access_view.generation()),
        lambda: protection.plan_deletion(store, viewer, person_id))
    if plan is None:
        return
    st.markdown(f"Deleting **{plan.pseudonym}** removes {plan.total:,} rows:")
    st.dataframe(pd.DataFrame({"table": list(plan.counts), "rows": list(plan.counts.values())}),
                 hide_index=True)
    st.caption(f"{len(plan.incident_ids):,} incident(s) no one else appears in go too; "
               "incidents with other people stay, without this person. The audit trail keeps "
               "who looked and when, by id only.")
    confirm = st.text_input(f"Type {plan.pseudonym} to confirm", key="dp_del_confirm")
    purpose = st.text_input("Purpose (recorded in the audit trail)", key="dp_del_purpose",
                            placeholder="e.g. erasure request, retention period ended")
    if st.button("Delete everywhere", key="dp_del_go", type="primary"):
        done = protection.delete_person(store, viewer, person_id, confirm=confirm,
                                        purpose=purpose)
        st.session_state[DONE_KEY] = (done.pseudonym, done.total)
        subject_access_view.refresh()
        st.rerun()


def last_done() -> None:
    """Say what the last deletion removed (kept across the rerun that refreshes the list)."""
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(f"{done[0]} deleted everywhere ({done[1]:,} rows). Recorded in the audit "
                   "trail with ids and counts only.")
