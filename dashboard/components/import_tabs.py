"""The three tabs of the Import page: check and import a file, the quarantine of rejected
rows, and the merge review of records that are probably the same person.

Session-state keys are owned by :mod:`dashboard.components.import_widgets`.
"""

from __future__ import annotations

import streamlit as st

from dashboard import common
from dashboard.components import import_widgets as widgets
from data import importers
from data.importers import formats, review
from data.store import Store
from domain import settings
from domain.access import Role, Viewer
from services.safe import md


def check_and_import(store: Store, viewer: Viewer) -> None:
    """Pick a file, check it (nothing written), then import it or cancel."""
    uploaded = st.file_uploader(
        "Agency file (CSV or Excel .xlsx)", type=["csv", "txt", "tsv", "xlsx"],
        key="import_upload", on_change=widgets.guess_kind,
        help=f"Up to {settings.get_int('import_max_bytes') / 1_048_576:.0f} MB "
             "(setting import_max_bytes). Any common text encoding and separator.")
    samples = importers.sample_files()
    sample = st.selectbox("...or a synthetic sample file", ["(none)", *samples],
                          key="import_sample", on_change=widgets.guess_kind)
    name = uploaded.name if uploaded else (sample if sample != "(none)" else None)
    data = uploaded.getvalue() if uploaded else (
        samples[str(name)].read_bytes() if name else b"")
    kind = st.selectbox("File type", list(formats.FORMATS), key="import_kind",
                        format_func=lambda k: formats.FORMATS[k].title)
    agencies = store.frame("reference.agencies", viewer)
    agency = st.selectbox("The file comes from (fills a missing agency column)",
                          ["(named in the file)", *agencies["agency_id"]], key="import_agency")
    options = widgets.read_options(str(name or ""), data)
    if st.button("Check file", type="primary", disabled=name is None, key="import_check"):
        st.session_state[widgets.PLAN_KEY] = None  # a file that fails its check leaves none
        bar = st.progress(0.0, text=f"Checking {name}...")
        st.session_state[widgets.PLAN_KEY] = importers.check_file(
            store, viewer, kind=kind, file_name=str(name), data=data,
            agency_id=None if agency.startswith("(") else agency, options=options,
            progress=widgets.progress_step(bar, f"Checking {name}"))
        bar.empty()
    plan = st.session_state[widgets.PLAN_KEY]
    if plan is not None:
        st.subheader(f"Validation report: {md(plan.report.file_name)}")
        widgets.report(plan.report)
        go, stop = st.columns(2)
        if go.button(f"Import {plan.report.accepted:,} rows and quarantine "
                     f"{plan.report.rejected:,}", key="import_commit"):
            with st.spinner("Writing in one transaction (all of it or nothing)..."):
                done = importers.commit(store, viewer, plan)
            st.success(f"{done.summary()} Batch {done.batch_id}.")
            st.session_state[widgets.PLAN_KEY] = None
        if stop.button("Cancel: write nothing", key="import_cancel"):
            st.session_state[widgets.PLAN_KEY] = None
            st.info("Cancelled: nothing was written.")


def quarantine(store: Store, viewer: Viewer) -> None:
    """Import batches and the rows they rejected (contents only to analysts in named mode)."""
    analyst = viewer.role is Role.ANALYST
    batches = store.run("import.batches" if analyst else "import.batches_admin", viewer,
                        {"n": 50})
    st.dataframe(batches.frame, hide_index=True, width="stretch")
    if analyst:
        rows = store.run("import.quarantine", viewer, {"batch_id": ""})
        if not viewer.shows_names:
            st.caption("Row contents are hidden in pseudonymised mode; switch to multi-agency "
                       "mode to see them.")
    else:
        rows = store.run("import.quarantine_reasons", viewer, {"batch_id": ""})
    st.dataframe(rows.frame, hide_index=True, width="stretch")
    common.show_truncation(rows)
    open_rows = rows.frame[rows.frame["status"] == "open"]
    if analyst and not open_rows.empty:
        refs: list[tuple[str, int]] = list(zip(open_rows["batch_id"].astype(str).tolist(),
                                               open_rows["row_number"].astype(int).tolist(),
                                               strict=True))
        labels = [f"{f} row {n}" for f, (_, n) in zip(open_rows["file_name"], refs, strict=True)]
        pick = st.selectbox("Rejected row", range(len(labels)), key="import_qrow",
                            format_func=labels.__getitem__)
        if st.button("Mark as dealt with (fixed and re-imported, or not needed)",
                     key="import_resolve"):
            batch_id, number = refs[int(pick or 0)]
            store.execute("import.resolve_quarantine_row", viewer,
                                          {"batch_id": batch_id, "row_number": number})
            st.rerun()


def merge_review(store: Store, viewer: Viewer) -> None:
    """Candidate matches between agency records, confirmed or rejected by an analyst."""
    if viewer.role is not Role.ANALYST:
        st.info("Merge review shows people's records, so it is for analysts.")
    else:
        st.caption("Pairs of records that are probably the same person, scored by record "
                   "linkage (Splink). Nothing is merged until you confirm. Each comparison "
                   "shows how alike the two records are and its weight: positive counts for "
                   "the same person, negative against (each point doubles or halves the "
                   "odds); with the prior weight they add up to the pair's weight. Names show "
                   "only in multi-agency mode (find again after switching); the comparison "
                   "levels and weights show in both.")
        if st.button("Find candidate matches", key="import_find"):
            st.session_state[widgets.QUEUE_KEY] = review.review_queue(
                store, viewer)
        queue = st.session_state[widgets.QUEUE_KEY]
        if queue is not None and queue.empty:
            st.success("No undecided candidate matches.")
        elif queue is not None:
            st.dataframe(widgets.queue_table(queue, named=viewer.shows_names),
                         hide_index=True, width="stretch")
            i = st.selectbox("Pair to decide", range(len(queue)), key="import_pair",
                             format_func=lambda i: widgets.pair_label(queue, i))
            yes, no = st.columns(2)
            pair = queue.iloc[i]
            args = (store, viewer, pair["record_id_l"], pair["record_id_r"])
            prob = float(pair["match_probability"])
            if yes.button("Same person: confirm", key="import_confirm"):
                pid = review.confirm_match(*args, probability=prob)
                widgets.decided(i, f"Confirmed: both records now belong to person {pid}.")
            if no.button("Different people: reject", key="import_reject"):
                review.reject_match(*args, probability=prob)
                widgets.decided(i, "Recorded as different people.")
    if msg := st.session_state.pop(widgets.FLASH_KEY, None):
        st.success(msg)
