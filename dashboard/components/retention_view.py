"""Concerns past their review or end date, and extending one. Owns keys starting ``dp_ret_``.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard import common, labels
from data import protection
from data.access import Viewer
from data.errors import CSMapError
from data.store import Store

DONE_KEY = "dp_ret_done"


def show(store: Store, viewer: Viewer, today: date) -> None:
    """Counts, the list (pseudonyms), and a form to extend one concern's dates."""
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(f"Review and end dates extended: {done}. Recorded in the audit trail.")
    review = common.guarded(protection.retention_review)(store, viewer, as_of=today)
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
    frame = review.concerns.assign(category=review.concerns["category"].map(labels.label),
                                   role=review.concerns["role"].map(labels.label))
    st.dataframe(frame[["pseudonym", "kind", "category", "role", "opened_on", "closed_on",
                        "review_date", "end_date", "past_end", "review_due", "concern_id"]],
                 hide_index=True, width="stretch",
                 column_config={"past_end": "Past end", "review_due": "Review due"})
    ids = list(review.concerns["concern_id"])
    names = {r["concern_id"]: f"{r['pseudonym']} · {labels.label(r['category'])} "
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
            try:
                protection.extend_concern(store, viewer, str(concern), review_date=new_review,
                                          end_date=new_end, as_of=today)
            except CSMapError as exc:
                common.show_error(exc)
            else:
                st.session_state[DONE_KEY] = names.get(concern, concern)
                st.rerun()
