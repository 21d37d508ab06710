"""Importing agencies' files: CSV in any common encoding and separator, and Excel workbooks.

Two steps, so a person sees the validation report before anything is written:

1. :func:`check_file` reads the file in chunks (:mod:`data.importers._read` detects the
   encoding and separator), checks every row against its format
   (:mod:`data.importers.formats`) and the ids in the store, column by column
   (:mod:`data.importers._columns`, with the row checker as the rule), and returns an
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from data.importers import _read, formats
from data.importers._columns import (
    PEOPLE_COLUMNS,
    TABLE_COLUMNS,
    ChunkChecker,
    ChunkResult,
)
from data.importers._read import ReadOptions
from data.importers._validate import KnownIds, RowChecker, RowProblem
from data.store import Store
from domain import audit, settings
from domain.access import Role, Viewer
from domain.errors import AccessDeniedError, CSMapError, ValidationError

__all__ = ["IMPORT_ROLES", "ImportPlan", "ImportReport", "ReadOptions", "RowProblem",
           "check_encoding", "check_file", "check_size", "commit", "guess_kind", "import_file",
           "parse_delimiter", "sample_files", "sheet_names"]

check_size = _read.check_size
sheet_names = _read.sheet_names
parse_delimiter = _read.parse_delimiter
check_encoding = _read.check_encoding
Progress = Callable[[int, int], None]

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
    ``read_as`` says how the file was read (encoding and separator, or Excel sheet).
    """

    file_name: str
    file_kind: str
    total: int = 0
    accepted: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    batch_id: str | None = None
    read_as: str = ""

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
    """A checked file: its report, the accepted rows (typed frames, one per chunk, with their
    spreadsheet row numbers in ``_row``), incident people, and the rows to quarantine."""

    report: ImportReport
    agency_id: str | None
    accepted: list[pd.DataFrame] = field(default_factory=list)
    people: list[pd.DataFrame] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)

    def frames(self, batch_id: str) -> list[tuple[str, pd.DataFrame]]:
        """(table, frame) pairs in the order they are written, for :meth:`Store.insert_frames`."""
        return _frames(self, batch_id)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The accepted rows as plain values (dates, datetimes, lists, None), in file order;
        an incident's ``people`` as (person_id, role) pairs."""
        return _plain_rows(self)


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
               agency_id: str | None = None, today: date | None = None,
               options: ReadOptions | None = None,
               progress: Progress | None = None) -> ImportPlan:
    """Read and check every row of an agency file; nothing is written.

    ``agency_id`` is the agency the file comes from when the file has no agency column (or
    leaves it blank). ``today`` is the date dates may not be after (default: today).
    ``options`` override what is detected (encoding, separator) or pick an Excel sheet.
    ``progress(rows_done, rows_expected)`` is called after each chunk (a long file's bar).
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
    source = _read.open_source(file_name, data, fmt, options)
    header = _read.read_header(file_name, next(source.records, None), fmt,
                               agency_given=agency_id is not None)
    checker = ChunkChecker(RowChecker(fmt, header, known, agency_id=agency_id,
                                      today=today or date.today()))
    plan = ImportPlan(ImportReport(file_name, kind, read_as=source.reading.describe()),
                      agency_id)
    report = plan.report
    size = max(1, settings.get_int("import_chunk_rows"))
    estimate = max(1, source.estimated_rows)
    for result in _results(source, checker, size):
        report.total += result.rows
        report.accepted += len(result.accepted)
        report.rejected += len(result.rejected)
        report.problems.extend(result.problems)
        plan.accepted.append(result.accepted)
        if result.people is not None:
            plan.people.append(result.people)
        plan.quarantine.extend(_quarantine_row(raw, header, problems)
                               for raw, problems in result.rejected)
        if progress is not None:
            progress(report.total, max(estimate, report.total))
    if report.total == 0:
        raise ValidationError(
            f"{file_name} has a header but no data rows: add the rows to import below the "
            f"header. Expected header: {fmt.header}"
        )
    if report.accepted + report.rejected != report.total:  # pragma: no cover - the rule
        raise AssertionError("accepted + rejected must equal the rows read")
    return plan


def _results(source: _read.Source, checker: ChunkChecker, size: int) -> Iterator[ChunkResult]:
    """Checked chunks of a file: read as Arrow columns when that is safe, else row by row."""
    table = source.columns()
    if table is not None:
        close = getattr(source.records, "close", None)
        if close is not None:
            close()  # let the decoded text go: the table holds the rows now
        source.columns = _read.Source.columns
        for start in range(0, table.num_rows, size):
            yield checker.check_columns(table.slice(start, size), start + 2)
        return
    for chunk in _read.chunks(source.records, size=size,
                              workbook=source.reading.kind == "excel"):
        yield checker.check(chunk)


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


def _accepted(plan: ImportPlan) -> pd.DataFrame:
    """All accepted rows in one frame, table columns and ``_row``, in file order."""
    _, cols = TABLE_COLUMNS[plan.report.file_kind]
    parts = [f for f in plan.accepted if not f.empty]
    if not parts:
        return pd.DataFrame(columns=["_row", *cols], dtype=object)
    return pd.concat(parts, ignore_index=True)[["_row", *cols]]


def _people_of(main: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """(incident_id, person_id, role) of one chunk's accepted incidents."""
    ids = main.set_index("_row")["incident_id"]
    return people.assign(incident_id=people["_row"].map(ids))[PEOPLE_COLUMNS]


def _incident_people(plan: ImportPlan) -> pd.DataFrame:
    """(incident_id, person_id, role) of all the accepted incidents."""
    parts = [_people_of(m, p) for m, p in zip(plan.accepted, plan.people, strict=True)
             if not p.empty]
    if not parts:
        return pd.DataFrame(columns=PEOPLE_COLUMNS, dtype=object)
    return pd.concat(parts, ignore_index=True)


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, list):
        return list(value)
    if value is None or (not isinstance(value, list | tuple | dict) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _plain_rows(plan: ImportPlan) -> list[dict[str, Any]]:
    main = _accepted(plan)
    rows = [{str(c): _plain(v) for c, v in rec.items()} for rec in main.to_dict("records")]
    if plan.report.file_kind == "incidents":
        people = _incident_people(plan)
        by_id: dict[str, list[tuple[str, str]]] = {}
        for iid, pid, role in people.itertuples(index=False):
            by_id.setdefault(iid, []).append((pid, role))
        for row in rows:
            row["people"] = by_id.get(row["incident_id"], [])
    for row in rows:
        del row["_row"]
    return rows


def _frames(plan: ImportPlan, batch_id: str) -> list[tuple[str, pd.DataFrame]]:
    rep = plan.report
    table, cols = TABLE_COLUMNS[rep.file_kind]
    out: list[tuple[str, pd.DataFrame]] = []
    batch = pd.DataFrame([{
        "batch_id": batch_id, "file_kind": rep.file_kind, "file_name": rep.file_name,
        "agency_id": plan.agency_id, "imported_by": "", "role": "",
        "imported_at": datetime.now(), "total_rows": rep.total,
        "accepted_rows": rep.accepted, "rejected_rows": rep.rejected,
    }], dtype=object)
    out.append(("import_batch", batch))
    # chunk by chunk (still one transaction): no second copy of a million rows in memory
    parts = [f for f in plan.accepted if not f.empty]
    out += [(table, f[list(cols)]) for f in parts] or [(table, _accepted(plan)[list(cols)])]
    if rep.file_kind == "incidents":
        out += [("incident_person", _people_of(main, people))
                for main, people in zip(plan.accepted, plan.people, strict=True)
                if not people.empty]
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
                agency_id: str | None = None, today: date | None = None,
                options: ReadOptions | None = None) -> ImportReport:
    """Check and commit in one call (command line, tests)."""
    plan = check_file(store, viewer, kind=kind, file_name=file_name, data=data,
                      agency_id=agency_id, today=today, options=options)
    return commit(store, viewer, plan)
