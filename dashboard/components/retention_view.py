"""Concerns past their review or end date, and extending one. Owns keys starting ``dp_ret_``.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard.components import subject_access_view
from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from services import protection

DONE_KEY = "dp_ret_done"

def show(store: Store, viewer: Viewer, today: date) -> None:
    """Counts, the list (pseudonyms), and a form to extend one concern's dates."""
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(f"Review and end dates extended: {done}. Recorded in the audit trail.")
    review = protection.retention_review(store, viewer, as_of=today)
    if review is None:
        return
    cols = st.columns(3)
    cols[0].metric("Concerns to act on", len(review.concerns))
    cols[1].metric("Past their end date", review.past_end)
    cols[2].metric("Review date passed", review.review_due)
    st.caption(f"Compared with {today:%d %B %Y}. Past the end date: delete the person's data "
               "(Delete tab) or extend with a reason. Review passed: review, then extend.")
    if review.concerns.empty:
        st.success("No concern is past its review or end date.")
        return
    frame = review.concerns.assign(category=review.concerns["category"].map(vocabulary.label),
                                   role=review.concerns["role"].map(vocabulary.label),
                                   kind=review.concerns["kind"].map(vocabulary.label))
    day = "DD MMM YYYY"
    st.dataframe(frame[["pseudonym", "kind", "category", "role", "opened_on", "closed_on",
                        "review_date", "end_date", "past_end", "review_due", "concern_id"]],
                 hide_index=True, width="stretch", column_config={
                     "pseudonym": "Person", "kind": "Who", "category": "Concern",
                     "role": "Role in it",
                     "opened_on": st.column_config.DateColumn("Opened", format=day),
                     "closed_on": st.column_config.DateColumn("Closed", format=day),
                     "review_date": st.column_config.DateColumn("Review", format=day),
                     "end_date": st.column_config.DateColumn("End", format=day),
                     "past_end": "Past end", "review_due": "Review due",
                     "concern_id": "Concern id"})
    ids = list(review.concerns["concern_id"])
    names = {r["concern_id"]: f"{r['pseudonym']} · {vocabulary.label(r['category'])} "
                              f"(end {r['end_date']:%d %b %Y})"
             for r in review.concerns.to_dict("records")}
    with st.form("dp_ret_extend"):
        st.markdown("**Extend a concern**")
        concern = st.selectbox("Concern", ids, format_func=lambda c: names.get(c, c),
                               key="dp_ret_concern")
        left, right = st.columns(2)
        new_review = left.date_input("New review date", value=today + timedelta(days=90),
                                     key="dp_ret_review")
        new_end = right.date_input("New end date", value=today + timedelta(days=365),
                                   key="dp_ret_end")
        if st.form_submit_button("Extend"):
            protection.extend_concern(store, viewer, str(concern), review_date=new_review,
                                      end_date=new_end, as_of=today)
            st.session_state[DONE_KEY] = names.get(concern, concern)
            subject_access_view.refresh()  # the person's concerns changed
            st.rerun()
