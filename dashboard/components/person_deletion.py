"""Delete one person everywhere: what will go, a typed confirmation and a purpose; then the
database is rewritten into a fresh file (no byte of them remains) while the app keeps its one
store open; an interrupted erasure is offered to be finished.

Owns keys starting ``dp_del_``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.components import network_model, session_cache, subject_access_view
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
        _done(done)


def interrupted(store: Store, viewer: Viewer) -> bool:
    """Offer to finish an interrupted erasure (True when there is one: nothing else may be
    erased until it is finished)."""
    pending = protection.pending_erasure(store, viewer)
    if pending is None:
        return False
    plan = pending.plan
    st.warning(f"The erasure of {plan.pseudonym} was interrupted (last step done: "
               f"{pending.step.replace('_', ' ')}). Finish it before anything else is "
               "deleted: it removes what is left and rewrites the database.",
               icon=":material/warning:")
    if st.button(f"Finish the erasure of {plan.pseudonym}", key="dp_del_finish",
                 type="primary"):
        _done(protection.delete_person(store, viewer, plan.person_id, confirm=plan.pseudonym,
                                       purpose=pending.purpose))
    return True


def _done(done: protection.DeletionPlan) -> None:
    """Say so on the next run, forget what this session and the network cache read."""
    st.session_state[DONE_KEY] = (done.pseudonym, done.total)
    subject_access_view.refresh()
    network_model.forget()
    st.rerun()


def last_done() -> None:
    """Say what the last deletion removed (kept across the rerun that refreshes the list)."""
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(f"{done[0]} deleted everywhere ({done[1]:,} rows) and the database "
                   "rewritten into a fresh file, so no copy of the deleted rows remains in it. "
                   "Recorded in the audit trail with ids and counts only.")
