"""Importing agencies' CSV (and, where openpyxl is installed, Excel) files.

Two steps, so a person sees the validation report before anything is written:

1. :func:`check_file` reads the file in chunks, checks every row against its format
   (:mod:`data.importers.formats`) and the ids in the store, and returns an
   :class:`ImportPlan`: the :class:`ImportReport` (accepted + rejected == total, always) and
   the rows ready to write.
2. :func:`commit` writes the accepted rows, the batch record and the rejected rows (to the
   quarantine table, whole, with their reasons) in ONE transaction: all of it or nothing.

A file that cannot be read at all (too big, empty, header only, not UTF-8, broken quoting,
wrong columns) raises :class:`~domain.errors.ValidationError` naming the file and what to fix.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from data.importers import _read, formats
from data.importers._validate import KnownIds, RowChecker, RowProblem
from data.store import Store
from domain import audit, settings
from domain.access import Role, Viewer
from domain.errors import AccessDeniedError, CSMapError, ValidationError

__all__ = ["IMPORT_ROLES", "ImportPlan", "ImportReport", "RowProblem", "check_file",
           "check_size", "commit", "guess_kind", "import_file", "sample_files"]

check_size = _read.check_size

IMPORT_ROLES = frozenset({Role.ANALYST, Role.ADMIN})
SAMPLES_DIR = Path(__file__).resolve().parent.parent / "reference" / "samples"


def sample_files() -> dict[str, Path]:
    """The synthetic sample files shipped with CSMap (data/reference/samples), by name."""
    return {p.name: p for p in sorted(SAMPLES_DIR.glob("*.csv"))}


def guess_kind(file_name: str) -> str | None:
    """The file type a name suggests ('person_records_police.csv' -> 'person_records')."""
    stem = Path(file_name).stem.lower()
    return next((k for k in formats.FORMATS if stem.startswith(k)), None)


@dataclass
class ImportReport:
    """What happened to each row of one file.

    ``total`` data rows were read (blank lines are not rows); ``accepted`` passed every check;
    ``rejected`` failed at least one and are listed in ``problems`` (row number as a
    spreadsheet shows it, header = row 1; the column at fault; what to fix).
    ``accepted + rejected == total`` always. ``batch_id`` is set once committed.
    """

    file_name: str
    file_kind: str
    total: int = 0
    accepted: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    batch_id: str | None = None

    @property
    def committed(self) -> bool:
        """True once the rows are written."""
        return self.batch_id is not None

    def problems_frame(self) -> pd.DataFrame:
        """One line per problem: row, column, reason."""
        return pd.DataFrame(
            [(p.row, p.column, p.reason) for p in self.problems],
            columns=["row", "column", "reason"],
        )

    def summary(self) -> str:
        """One sentence: 'people.csv: 12 rows, 10 accepted, 2 rejected.'"""
        state = " Written." if self.committed else ""
        return (f"{self.file_name}: {self.total:,} rows, {self.accepted:,} accepted, "
                f"{self.rejected:,} rejected.{state}")


@dataclass
class ImportPlan:
    """A checked file: its report, the rows to write and the rows to quarantine."""

    report: ImportReport
    agency_id: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)

    def frames(self, batch_id: str) -> list[tuple[str, pd.DataFrame]]:
        """(table, frame) pairs in the order they are written, for :meth:`Store.insert_frames`."""
        return _frames(self, batch_id)


def require_import_role(store: Store, viewer: Viewer) -> None:
    """Refuse (and audit) anyone but analysts and administrators."""
    if viewer.role not in IMPORT_ROLES:
        store.audit(audit.AccessDenied(who=audit.Who.of(viewer), object_kind="import",
                                       needed="import"))
        raise AccessDeniedError(
            f"The {viewer.role.value} role may not import data; imports are for analysts and "
            "administrators."
        )


def _system(viewer: Viewer) -> Viewer:
    return Viewer("csmap-import", Role.ADMIN, f"import validation for {viewer.actor}")


def known_ids(store: Store, viewer: Viewer, kind: str) -> KnownIds:
    """The ids a file of ``kind`` is checked against (only the sets it needs)."""
    sysv = _system(viewer)
    big = 2**62

    def ids(name: str) -> set[str]:
        return set(store.frame(f"import.{name}", sysv, limit=big)["id"].astype(str))

    known = KnownIds(agencies=ids("agency_ids"))
    fmt = formats.get(kind)
    refs = {c.ref for c in fmt.columns if c.ref}
    if "place" in refs:
        known.places = ids("place_ids")
    if "person" in refs or kind == "incidents":
        known.persons = ids("person_ids")
    if "incident" in refs or kind == "incidents":
        known.incidents = ids("incident_ids")
    if kind == "links":
        known.links = ids("link_ids")
    if kind == "presences":
        known.presences = ids("presence_ids")
    rec = store.frame("import.record_keys", sysv, limit=big)
    known.records = set(zip(rec["agency_id"], rec["local_ref"], strict=True))
    linked = rec[rec["person_id"].notna()]
    known.record_person = dict(zip(zip(linked["agency_id"], linked["local_ref"], strict=True),
                                   linked["person_id"], strict=True))
    return known


def check_file(store: Store, viewer: Viewer, *, kind: str, file_name: str, data: bytes,
               agency_id: str | None = None, today: date | None = None) -> ImportPlan:
    """Read and check every row of an agency file; nothing is written.

    ``agency_id`` is the agency the file comes from when the file has no agency column (or
    leaves it blank). ``today`` is the date dates may not be after (default: today).
    """
    require_import_role(store, viewer)
    fmt = formats.get(kind)
    known = known_ids(store, viewer, kind)
    if not known.agencies:
        raise ValidationError(
            f"{store.path} has no agencies yet, so no row can say where it came from. Build the "
            "demo town (`csmap generate`) or load the agency list before importing files."
        )
    if agency_id is not None and agency_id not in known.agencies:
        raise ValidationError(f"unknown agency {agency_id!r}: choose one of "
                              f"{', '.join(sorted(known.agencies)) or '(none yet)'}")
    records: Iterator[list[str]] = _read.records(file_name, data)
    header = _read.read_header(file_name, next(records, None), fmt,
                               agency_given=agency_id is not None)
    checker = RowChecker(fmt, header, known, agency_id=agency_id, today=today or date.today())
    plan = ImportPlan(ImportReport(file_name, kind), agency_id)
    report = plan.report
    size = max(1, settings.get_int("import_chunk_rows"))
    for chunk in _read.chunks(records, size=size):
        for raw in chunk:
            report.total += 1
            values, problems = checker.check(raw.number, raw.cells)
            if values is not None:
                report.accepted += 1
                plan.rows.append(values)
            else:
                report.rejected += 1
                report.problems.extend(problems)
                plan.quarantine.append(_quarantine_row(raw, header, problems))
    if report.total == 0:
        raise ValidationError(
            f"{file_name} has a header but no data rows: add the rows to import below the "
            f"header. Expected header: {fmt.header}"
        )
    assert report.accepted + report.rejected == report.total
    return plan


def _quarantine_row(raw: _read.RawRow, header: list[str],
                    problems: list[RowProblem]) -> dict[str, Any]:
    cells = list(raw.cells)
    as_dict: dict[str, Any] = dict(zip(header, cells, strict=False))
    if len(cells) > len(header):
        as_dict["_extra_values"] = cells[len(header):]
    return {
        "row_number": raw.number,
        "raw": json.dumps(as_dict, ensure_ascii=False),
        "columns": ", ".join(dict.fromkeys(p.column for p in problems)),
        "reasons": "; ".join(p.reason for p in problems),
    }


_TABLE_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "person_records": ("person_record", (
        "record_id", "agency_id", "local_ref", "given_name", "family_name", "date_of_birth",
        "postcode", "kind", "sex", "recorded_date")),
    "incidents": ("incident", (
        "incident_id", "occurred_at", "kind", "harm_context", "place_id", "agency_id",
        "indicators", "narrative", "child_words", "recorded_date", "grading_source",
        "grading_intel", "grading_handling")),
    "links": ("link", (
        "link_id", "source_person_id", "target_person_id", "kind", "nature", "first_seen",
        "last_seen", "source_agency", "recorded_date", "grading_source", "grading_intel",
        "grading_handling", "verified", "evidence")),
    "presences": ("presence", (
        "presence_id", "person_id", "place_id", "kind", "seen_at", "source_agency",
        "recorded_date", "grading_source", "grading_intel", "grading_handling", "incident_id")),
}


def _frames(plan: ImportPlan, batch_id: str) -> list[tuple[str, pd.DataFrame]]:
    rep = plan.report
    table, cols = _TABLE_COLUMNS[rep.file_kind]
    main = pd.DataFrame([[r.get(c) for c in cols] for r in plan.rows], columns=list(cols),
                        dtype=object)
    out: list[tuple[str, pd.DataFrame]] = []
    batch = pd.DataFrame([{
        "batch_id": batch_id, "file_kind": rep.file_kind, "file_name": rep.file_name,
        "agency_id": plan.agency_id, "imported_by": "", "role": "",
        "imported_at": datetime.now(), "total_rows": rep.total,
        "accepted_rows": rep.accepted, "rejected_rows": rep.rejected,
    }], dtype=object)
    out.append(("import_batch", batch))
    out.append((table, main))
    if rep.file_kind == "incidents":
        people = pd.DataFrame(
            [(r["incident_id"], pid, role) for r in plan.rows for pid, role in r["people"]],
            columns=["incident_id", "person_id", "role"], dtype=object)
        out.append(("incident_person", people))
    quarantine = pd.DataFrame(plan.quarantine,
                              columns=["row_number", "raw", "columns", "reasons"], dtype=object)
    quarantine.insert(0, "batch_id", batch_id)
    out.append(("quarantine_row", quarantine))
    return out


def commit(store: Store, viewer: Viewer, plan: ImportPlan) -> ImportReport:
    """Write a checked file in ONE transaction: accepted rows, the batch, the quarantine.

    On any failure nothing is written and a :class:`ValidationError` says so. The import is
    audited (a ``data_imported`` event about the ``import_batch``).
    """
    require_import_role(store, viewer)
    rep = plan.report
    if rep.committed:
        raise ValidationError(f"{rep.file_name} is already imported (batch {rep.batch_id}).")
    batch_id = f"IB-{uuid.uuid4().hex[:12]}"
    frames = plan.frames(batch_id)
    frames[0][1].loc[0, "imported_by"] = viewer.actor
    frames[0][1].loc[0, "role"] = viewer.role.value
    try:
        store.insert_frames(frames)
    except CSMapError:
        raise
    except Exception as exc:  # a constraint the checks did not foresee, a full disk...
        raise ValidationError(
            f"{rep.file_name} could not be written, so nothing from it was saved "
            f"({type(exc).__name__}: {str(exc).splitlines()[0][:200]}). Check the file again "
            "(the data may have changed since it was checked) and retry."
        ) from exc
    rep.batch_id = batch_id
    store.audit(audit.DataImported(who=audit.Who.of(viewer), object_kind="import_batch",
                                   object_id=batch_id, file_kind=rep.file_kind,
                                   total=rep.total, accepted=rep.accepted,
                                   rejected=rep.rejected))
    return rep


def import_file(store: Store, viewer: Viewer, *, kind: str, file_name: str, data: bytes,
                agency_id: str | None = None, today: date | None = None) -> ImportReport:
    """Check and commit in one call (command line, tests)."""
    plan = check_file(store, viewer, kind=kind, file_name=file_name, data=data,
                      agency_id=agency_id, today=today)
    return commit(store, viewer, plan)
