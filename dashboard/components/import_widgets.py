"""Widgets of the Import page: the validation report and the merge review queue.

Owns the session-state keys ``import_plan`` (a checked file awaiting commit or cancel),
``import_queue`` (candidate matches found by the last search), ``import_flash`` (the
message about the last merge decision, shown after the rerun), and the reading options
``import_encoding``, ``import_delimiter`` and ``import_sheet``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from data import importers
from data.importers import ImportReport

PLAN_KEY = "import_plan"
QUEUE_KEY = "import_queue"
FLASH_KEY = "import_flash"


def init_state() -> None:
    """Give this component's keys their defaults."""
    st.session_state.setdefault(PLAN_KEY, None)
    st.session_state.setdefault(QUEUE_KEY, None)


def guess_kind() -> None:
    """Pre-select the file type its name suggests (callback of the file pickers)."""
    upload = st.session_state.get("import_upload")
    name = upload.name if upload is not None else st.session_state.get("import_sample")
    kind = importers.guess_kind(str(name)) if name else None
    if kind:
        st.session_state["import_kind"] = kind


ENCODINGS = ("(detect)", "utf-8", "cp1252", "latin-1", "utf-16", "mac_roman")
SEPARATORS = ("(detect)", "comma", "semicolon", "tab", "pipe")


def read_options(name: str, data: bytes) -> importers.ReadOptions:
    """How to read the file: detected unless a person chooses (text encoding, separator),
    and for a workbook which sheet (the first by default)."""
    with st.expander("Reading options (detected unless you choose)"):
        if name.lower().endswith((".xlsx", ".xlsm")):
            sheets = importers.sheet_names(name, data)
            sheet = st.selectbox("Sheet", sheets, key="import_sheet")
            return importers.ReadOptions(sheet=sheet)
        encoding = st.selectbox("Text encoding", ENCODINGS, key="import_encoding",
                                help="Excel's plain 'CSV' on Windows is cp1252.")
        separator = st.selectbox("Values separated by", SEPARATORS, key="import_delimiter")
    return importers.ReadOptions(
        encoding=None if encoding.startswith("(") else encoding,
        delimiter=None if separator.startswith("(") else importers.parse_delimiter(separator))


def progress_step(bar: Any, text: str) -> Callable[[int, int], None]:
    """A check_file progress callback that moves ``bar`` (an st.progress)."""
    def step(done: int, expected: int) -> None:
        bar.progress(min(1.0, done / max(1, expected)), text=f"{text}: {done:,} rows")
    return step


def report(rep: ImportReport) -> None:
    """Counts that add up, and every rejected row with the column at fault and what to fix."""
    st.info(rep.read_as)
    cols = st.columns(3)
    cols[0].metric("Rows in file", f"{rep.total:,}")
    cols[1].metric("Accepted", f"{rep.accepted:,}")
    cols[2].metric("Rejected (to quarantine)", f"{rep.rejected:,}")
    st.caption(f"{rep.accepted:,} accepted + {rep.rejected:,} rejected = {rep.total:,} rows. "
               "Row numbers are as a spreadsheet shows them (the header is row 1); blank "
               "lines are skipped.")
    if rep.problems:
        st.dataframe(rep.problems_frame(), hide_index=True, width="stretch")


def queue_table(queue: pd.DataFrame, *, named: bool) -> pd.DataFrame:
    """The columns of the review queue a reviewer reads, names only in named mode."""
    cols = {"match_probability": "probability", "match_weight": "weight",
            "agency_l": "agency A", "local_ref_l": "ref A", "agency_r": "agency B",
            "local_ref_r": "ref B", "pseudonym_l": "person A", "pseudonym_r": "person B",
            "given_name": "given names", "weight_given_name": "weight (given)",
            "family_name": "family names", "weight_family_name": "weight (family)",
            "dob": "dates of birth", "weight_dob": "weight (birth)",
            "postcode": "postcodes", "weight_postcode": "weight (postcode)",
            "prior_weight": "prior weight"}
    if named:
        cols |= {"name_l": "name A", "name_r": "name B", "dob_l": "born A", "dob_r": "born B",
                 "postcode_l": "postcode A", "postcode_r": "postcode B"}
    table = queue[list(cols)].rename(columns=cols)
    for col in ("person A", "person B"):
        table[col] = table[col].fillna("(not yet linked)")
    return table


def pair_label(queue: pd.DataFrame, i: int) -> str:
    """'police POL-1001 ~ social_care SC-77012 (0.98)' for the pair picker."""
    r = queue.iloc[i]
    return (f"{r['agency_l']} {r['local_ref_l']} ~ {r['agency_r']} {r['local_ref_r']} "
            f"({r['match_probability']:.2f})")


def decided(i: int, message: str) -> None:
    """Drop pair ``i`` from the queue, keep ``message`` for the next run, and rerun."""
    queue = st.session_state[QUEUE_KEY]
    st.session_state[QUEUE_KEY] = queue.drop(queue.index[i]).reset_index(drop=True)
    st.session_state[FLASH_KEY] = message
    st.rerun()
