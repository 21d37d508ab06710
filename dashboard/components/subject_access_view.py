"""Show a subject access report section by section, and export it as CSV with a purpose.

Owns keys starting ``dp_sar_``. The report is read once per person and kept for the session
(``session_cache``), so typing a purpose or switching tabs does not re-read it and add a view
to the audit trail every rerun; :func:`refresh` makes the next run read it again.
"""

from __future__ import annotations

import streamlit as st

from dashboard.components import session_cache
from data.store import Store
from domain import audit
from domain.access import Viewer
from services import protection

PURPOSE_KEY = "dp_sar_purpose"
RECIPIENTS_KEY = "dp_sar_recipients"
FILE_KEY = "dp_sar_file"
GEN_KEY = "dp_sar_generation"


def generation() -> int:
    """Bumped by :func:`refresh`: part of every cache key of this page's person reads."""
    return int(st.session_state.get(GEN_KEY, 0))


def load(store: Store, viewer: Viewer, person_id: str) -> protection.SubjectAccessReport | None:
    """The person's report, read (and audited) once until :func:`refresh`."""
    key = (viewer, person_id, generation())
    return session_cache.remember(
        "dp_sar", key, lambda: protection.subject_access(store, viewer,
                                                                       person_id))


def refresh() -> None:
    """Read the report again on the next run (after a write, or when asked)."""
    st.session_state[GEN_KEY] = st.session_state.get(GEN_KEY, 0) + 1


def show(report: protection.SubjectAccessReport) -> None:
    """Counts per section, then each section in an expander (empty ones say so)."""
    counts = report.counts()
    st.markdown(f"**{report.pseudonym}** · {report.total_rows:,} rows held across "
                f"{sum(1 for n in counts.values() if n):,} sections.")
    if st.button("Read again", key="dp_sar_refresh",
                 help="The report is read once; read it again to see the latest audit events."):
        refresh()
        st.rerun()
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
    """Purpose and recipients boxes, build button, download button; the export is audited as a
    disclosure with its purpose and recipients."""
    purpose = st.text_input("Purpose of this export (recorded in the audit trail)",
                            key=PURPOSE_KEY, placeholder="e.g. subject access request 2026-041")
    recipients = st.text_input("Recipients (who will receive it)", key=RECIPIENTS_KEY,
                               placeholder="e.g. the requester, by secure email",
                               help="Separate several with commas. Recorded in the audit "
                                    "trail.")
    if st.button("Prepare CSV", key="dp_sar_build"):
        data = protection.export_subject_access(store, viewer, report, purpose=purpose,
                                                recipients=audit.parse_recipients(recipients))
        st.session_state[FILE_KEY] = (report.person_id, data)
        st.success("Export recorded in the audit trail with its recipients "
                   f"({'with names' if viewer.shows_names else 'pseudonymised'}).")
    built = st.session_state.get(FILE_KEY)
    if built and built[0] == report.person_id:
        st.download_button("Download CSV", data=built[1], mime="text/csv",
                           file_name=f"subject-access-{report.pseudonym}.csv",
                           key="dp_sar_download")
