"""Show a subject access report section by section, and export it as CSV with a purpose.

Owns keys starting ``dp_sar_``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import common
from data import protection
from data.access import Viewer
from data.errors import CSMapError
from data.store import Store

PURPOSE_KEY = "dp_sar_purpose"
FILE_KEY = "dp_sar_file"


def show(report: protection.SubjectAccessReport) -> None:
    """Counts per section, then each section in an expander (empty ones say so)."""
    counts = report.counts()
    st.markdown(f"**{report.pseudonym}** · {report.total_rows:,} rows held across "
                f"{sum(1 for n in counts.values() if n):,} sections.")
    if report.truncated:
        st.caption("Cut by the row cap: " + ", ".join(report.truncated))
    for key, _, title in protection.SECTIONS:
        frame = report.sections[key]
        with st.expander(f"{title} ({len(frame):,})", expanded=key in ("person", "shared")):
            if frame.empty:
                st.caption("Nothing held.")
            else:
                st.dataframe(frame, hide_index=True, width="stretch")


def export(store: Store, viewer: Viewer, report: protection.SubjectAccessReport) -> None:
    """Purpose box, build button, download button; the export is audited with the purpose."""
    purpose = st.text_input("Purpose of this export (recorded in the audit trail)",
                            key=PURPOSE_KEY, placeholder="e.g. subject access request 2026-041")
    if st.button("Prepare CSV", key="dp_sar_build"):
        try:
            data = protection.export_subject_access(store, viewer, report, purpose=purpose)
        except CSMapError as exc:
            common.show_error(exc)
        else:
            st.session_state[FILE_KEY] = (report.person_id, data)
            st.success("Export recorded in the audit trail "
                       f"({'with names' if viewer.shows_names else 'pseudonymised'}).")
    built = st.session_state.get(FILE_KEY)
    if built and built[0] == report.person_id:
        st.download_button("Download CSV", data=built[1], mime="text/csv",
                           file_name=f"subject-access-{report.pseudonym}.csv",
                           key="dp_sar_download")
