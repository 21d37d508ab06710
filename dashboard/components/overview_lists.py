"""The Overview's person-level lists (children with open concerns, places linked to most
children), for roles that may see personal data; a notice for the others."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from dashboard import common
from data.store import Store
from domain import vocabulary
from domain.access import Access, Viewer


def person_lists(store: Store, viewer: Viewer, today: date, window: dict[str, Any]) -> None:
    """Children with open concerns beside the places linked to most children."""
    if not viewer.may(Access.PERSONAL):
        st.info("Person-level lists are not available to this role.", icon=":material/lock:")
        return
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Children with open concerns")
        res = store.run("overview.children_open_concerns", viewer, {"as_of": today})
        table = res.frame[["label", "age_years", "ward", "categories", "next_review", "agencies"]]
        st.dataframe(
            table.assign(categories=table["categories"].map(
                lambda s: ", ".join(vocabulary.label(c) for c in str(s).split(", ")))),
            hide_index=True,
            column_config={"label": "Child", "age_years": "Age", "ward": "Ward",
                           "categories": "Concerns", "next_review": "Next review",
                           "agencies": "Agencies"},
            width="stretch",
        )
        common.show_truncation(res)
    with right:
        st.subheader("Places linked to most children")
        top = store.frame("overview.top_places", viewer, {**window, "n": 10})
        st.dataframe(top.assign(kind=top["kind"].map(vocabulary.label))[
            ["name", "kind", "ward", "children", "incidents"]],
            hide_index=True, width="stretch")
