"""Export the meeting pack as a PDF, pseudonymised by default, with a recorded purpose and
recipients.

Owns keys starting ``pack_``.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from data.store import Store
from domain import audit
from domain.access import Mode, Viewer
from services import pack


def export(store: Store, viewer: Viewer, meeting_id: str, held_on: date, today: date) -> None:
    """Purpose and recipients boxes, names option (only in multi-agency mode), build and
    download buttons."""
    purpose = st.text_input("Purpose of this export (recorded in the audit trail)",
                            key="pack_purpose", placeholder="e.g. circulate to panel members")
    recipients = st.text_input("Recipients (who will receive it)", key="pack_recipients",
                               placeholder="e.g. MACE panel members",
                               help="Separate several with commas. Recorded in the audit "
                                    "trail.")
    named = st.checkbox("Include names (multi-agency)", value=False, key="pack_named",
                        disabled=not viewer.shows_names,
                        help="Only in multi-agency display mode, for roles entitled to names. "
                             "The pack is pseudonymised otherwise.")
    who = viewer if named and viewer.shows_names else viewer.with_mode(Mode.PSEUDONYMISED)
    if st.button("Build meeting pack", key="pack_build", type="primary"):
        with st.spinner("Building the PDF..."):
            pdf = pack.export(store, who, meeting_id, as_of=today, purpose=purpose,
                              recipients=audit.parse_recipients(recipients))
        st.session_state["pack_pdf"] = (meeting_id, pdf)
        st.success(f"Pack built ({len(pdf) // 1024} KB, "
                   f"{'with names' if who.shows_names else 'pseudonymised'}); "
                   "the export is recorded in the audit trail.")
    built = st.session_state.get("pack_pdf")
    if built and built[0] == meeting_id:
        st.download_button("Download PDF", data=built[1], file_name=pack.file_name(held_on),
                           mime="application/pdf", key="pack_download")
