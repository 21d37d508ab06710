"""Import (analysts, administrators): check an agency file, commit or cancel, quarantine,
and the merge review of records that are probably the same person."""

from __future__ import annotations

import streamlit as st

from dashboard import common
from dashboard.components import import_tabs
from dashboard.components import import_widgets as widgets

store, viewer, _ = common.context(need_data=False)
widgets.init_state()

st.title("Import agency data")
st.caption("Check a file before anything is written. Rows that fail a check are kept whole in "
           "quarantine with the reason, so nothing is lost. See docs/import.md for the formats.")
upload_tab, quarantine_tab, review_tab = st.tabs(["Check and import", "Quarantine",
                                                  "Merge review"])

with upload_tab:
    import_tabs.check_and_import(store, viewer)
with quarantine_tab:
    import_tabs.quarantine(store, viewer)
with review_tab:
    import_tabs.merge_review(store, viewer)
