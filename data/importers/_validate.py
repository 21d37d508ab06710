"""Checking one row of an import file: types, dates, allowed values, ids that must exist.

A row either becomes typed values ready to write, or a list of :class:`RowProblem` saying
which column is at fault and what to fix. Values of restricted columns (names, dates of
birth, postcodes, narratives) are never echoed in a reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from data.importers.formats import RESTRICTED, Column, FileFormat

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}
MAX_TEXT = 10_000


@dataclass(frozen=True)
class RowProblem:
    """Why a row was rejected: its spreadsheet row number, the column at fault, what to fix."""

    row: int
    column: str
    reason: str


@dataclass
class KnownIds:
    """Ids already in the store, against which references and duplicates are checked."""

    agencies: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    persons: set[str] = field(default_factory=set)
    incidents: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    presences: set[str] = field(default_factory=set)
    records: set[tuple[str, str]] = field(default_factory=set)  # (agency_id, local_ref)
    record_person: dict[tuple[str, str], str] = field(default_factory=dict)

    def ids_of(self, ref: str) -> set[str]:
        """The set of existing ids of kind ``ref`` (agency, place, person, incident)."""
        return {"agency": self.agencies, "place": self.places, "person": self.persons,
                "incident": self.incidents}[ref]


class _Bad(ValueError):
    """A cell that does not fit; the message says what to fix."""


def _ref(text: str) -> str:
    """A reference quoted for a message only when it looks like a code (no spaces, letters,
    digits and . _ : / -): a "reference" that is really a name or an address is not copied
    into the report, the quarantine reasons or the audit trail."""
    return repr(text) if _ID.fullmatch(text) else "(a value that is not an id, not repeated here)"


def _show(col: Column, raw: str) -> str:
    """The cell quoted for a message, unless the column is restricted or the value looks
    like words (a name or an address in the wrong column is not copied into reports)."""
    if col.name in RESTRICTED:
        return "the value"
    text = raw.strip()
    if len(text) > 40 or len(text.split()) > 2:
        return "the value (not repeated here)"
    return repr(text)


def parse_date(raw: str) -> date:
    """YYYY-MM-DD or DD/MM/YYYY (UK order), optionally followed by a midnight time."""
    text = raw.strip().split(" ")[0].split("T")[0]
    m = _ISO_DATE.fullmatch(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _UK_DATE.fullmatch(text)
        if not m:
            raise _Bad("is not a date: write it as YYYY-MM-DD (or DD/MM/YYYY)")
        d, mo, y = (int(g) for g in m.groups())
    try:
        value = date(y, mo, d)
    except ValueError:
        raise _Bad("is not a real calendar date (check day and month)") from None
    if value.year < 1900:
        raise _Bad("is before 1900: check the year")
    return value


def parse_timestamp(raw: str) -> datetime:
    """A date, optionally with a time HH:MM[:SS] after a space or 'T'."""
    text = raw.strip().replace("T", " ")
    day_text, _, time_text = text.partition(" ")
    day = parse_date(day_text)
    if not time_text.strip():
        return datetime(day.year, day.month, day.day)
    m = _TIME.fullmatch(time_text.strip())
    if not m:
        raise _Bad("has a time that is not HH:MM or HH:MM:SS")
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if h > 23 or mi > 59 or s > 59:
        raise _Bad("has a time that does not exist (hours 0-23, minutes 0-59)")
    return datetime(day.year, day.month, day.day, h, mi, s)


def _enum(col: Column, raw: str) -> str:
    text = raw.strip()
    for allowed in col.allowed:  # forgiving about case and spaces: 'Domestic abuse at home'
        if text.lower().replace(" ", "_").replace("-", "_") == allowed.lower():
            return allowed
    raise _Bad(f"{_show(col, raw)} is not allowed: use one of {', '.join(col.allowed)}")


def _enum_value(col: Column, text: str) -> str | int:
    """One allowed value (the grading source as a number)."""
    choice = _enum(col, text)
    return int(choice) if col.name == "grading_source" else choice


def _bool(col: Column, text: str) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise _Bad(f"{_show(col, text)} is not true/false (use true, false, yes, no, 1 or 0)")


def _enum_list(col: Column, text: str) -> list[str]:
    """Allowed values separated by ';', each once, in the order given."""
    values = [_enum(col, p) for p in _split(text)]
    return sorted(set(values), key=values.index)


def _split(raw: str) -> list[str]:
    return [p.strip() for p in raw.split(";") if p.strip()]


def record_id(agency_id: str, local_ref: str) -> str:
    """The stable CSMap id of an agency's record of a person."""
    digest = hashlib.sha1(f"{agency_id}\x1f{local_ref}".encode()).hexdigest()[:12]
    return f"PR-{digest}"


class RowChecker:
    """Checks rows of one file against its format and the ids in the store.

    It remembers the ids accepted so far, so a second row with the same id is rejected.
    """

    def __init__(self, fmt: FileFormat, header: list[str], known: KnownIds, *,
                 agency_id: str | None, today: date) -> None:
        self.fmt = fmt
        self.header = header
        self.known = known
        self.agency_id = agency_id
        self.today = today
        self.seen: dict[Any, int] = {}  # id (or agency+local_ref) -> row that used it

    # -- cells -------------------------------------------------------------------------------
    def _cell(self, col: Column, raw: str) -> Any:
        text = raw.strip()
        if col.kind == "text":
            if len(text) > MAX_TEXT:
                raise _Bad(f"is longer than {MAX_TEXT:,} characters")
            return text or None
        if not text:
            return [] if col.kind in ("list", "ids", "people") else None
        parse = {"id": self._id, "date": self._date, "timestamp": self._timestamp,
                 "enum": _enum_value, "bool": _bool, "list": _enum_list, "ids": self._ids,
                 "people": self._people}.get(col.kind)
        if parse is None:  # pragma: no cover
            raise AssertionError(f"unhandled column kind {col.kind}")
        return parse(col, text)

    def _id(self, col: Column, text: str) -> str:
        if not _ID.fullmatch(text):
            raise _Bad("is not a valid reference (not repeated here in case it is a name or "
                       "an address): use up to 64 letters, digits and . _ : / - (no spaces)")
        if col.ref and col.ref != "person" and text not in self.known.ids_of(col.ref):
            raise _Bad(f"unknown {col.ref} {text!r}: it is not in CSMap "
                       f"(check the id, or import the {col.ref} first)")
        return text

    def _date(self, col: Column, text: str) -> date:
        value = parse_date(text)
        if value > self.today:
            raise _Bad("is in the future: check the date")
        return value

    def _timestamp(self, col: Column, text: str) -> datetime:
        stamp = parse_timestamp(text)
        if stamp.date() > self.today:
            raise _Bad("is in the future: check the date")
        return stamp

    def _ids(self, col: Column, text: str) -> list[str]:
        ids = _split(text)
        unknown = [i for i in ids if col.ref and i not in self.known.ids_of(col.ref)]
        if unknown:
            raise _Bad(f"unknown {col.ref} id(s) {', '.join(map(_ref, unknown[:5]))}: "
                       "they are not in CSMap")
        return ids

    def _person(self, token: str, agency: str | None) -> str:
        if token in self.known.persons:
            return token
        if agency and (agency, token) in self.known.record_person:
            return self.known.record_person[(agency, token)]
        raise _Bad(f"unknown person {_ref(token)}: not a CSMap person id, nor the local_ref of a "
                   "confirmed person record from this agency (import the person records and "
                   "confirm their matches first)")

    def _people(self, col: Column, text: str) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for part in _split(text):
            who, sep, role = part.rpartition(":")
            if not sep or not who.strip():
                raise _Bad(f"{_ref(part)} is not person:role (e.g. P-001:victim)")
            pairs.append((who.strip(), _enum(col, role)))
        return pairs  # people are resolved in check(), once the row's agency is known

    # -- rows --------------------------------------------------------------------------------
    def check(self, number: int, cells: tuple[str, ...],
              flagged: tuple[int, ...] = ()) -> tuple[dict[str, Any] | None, list[RowProblem]]:
        """Typed values of one row (None when rejected) and the problems found."""
        values, problems = self.check_cells(number, cells, flagged)
        if values is not None:
            problems = self.duplicates(number, values)
        return (None if problems else values), problems

    def check_cells(self, number: int, cells: tuple[str, ...], flagged: tuple[int, ...] = ()
                    ) -> tuple[dict[str, Any] | None, list[RowProblem]]:
        """Every check of one row except duplicates (:meth:`duplicates`, done in file order
        once a chunk is checked): typed values (None when rejected) and the problems.
        ``flagged`` are positions of workbook cells (formulas, errors) that are refused."""
        width = len(self.header)
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]  # empty trailing cells (a spreadsheet's extra commas)
        if len(cells) != width:
            return None, [RowProblem(number, "(whole row)",
                                     f"has {len(cells)} values but the header has "
                                     f"{len(self.header)}: check for an unquoted comma or a "
                                     "missing value")]
        problems: list[RowProblem] = [
            RowProblem(number, self.header[i], f"{self.header[i]} {getattr(cells[i], 'why', '')}")
            for i in flagged if i < width]
        bad_cols = problems_cols(problems)
        values: dict[str, Any] = {}
        raw = dict(zip(self.header, cells, strict=True))
        for col in self.fmt.columns:
            cell = raw.get(col.name, "")
            if col.name in bad_cols:
                continue
            if col.required and not cell.strip():
                problems.append(RowProblem(number, col.name,
                                           f"{col.name} is required but blank"))
                continue
            try:
                values[col.name] = self._cell(col, cell)
            except _Bad as exc:
                problems.append(RowProblem(number, col.name, f"{col.name} {exc}"))
        agency_col = self.fmt.agency_column
        if agency_col not in problems_cols(problems) and values.get(agency_col) is None:
            if self.agency_id is None:
                problems.append(RowProblem(
                    number, agency_col,
                    f"{agency_col} is blank: fill it in or choose the agency on the Import page"))
            else:
                values[agency_col] = self.agency_id
        if not problems:
            problems.extend(self._row_rules(number, values))
        return (None if problems else values), problems

    def _row_rules(self, number: int, v: dict[str, Any]) -> list[RowProblem]:
        """Rules across the cells of one row of this file kind; fills defaults into ``v``."""
        if v.get("recorded_date") is None:
            v["recorded_date"] = self.today
        rules = {"person_records": self._record_rules, "incidents": self._incident_rules,
                 "links": self._link_rules, "presences": self._presence_rules}.get(self.fmt.kind)
        return rules(number, v, v.get(self.fmt.agency_column)) if rules else []

    @staticmethod
    def _record_rules(number: int, v: dict[str, Any], agency: str | None) -> list[RowProblem]:
        out: list[RowProblem] = []
        if v.get("given_name") is None and v.get("family_name") is None:
            out.append(RowProblem(number, "given_name",
                                  "given_name and family_name are both blank: a record "
                                  "needs at least one name"))
        v["kind"] = v.get("kind") or "child"
        v["sex"] = v.get("sex") or "U"
        return out

    def _incident_rules(self, number: int, v: dict[str, Any],
                        agency: str | None) -> list[RowProblem]:
        out: list[RowProblem] = []
        resolved: list[tuple[str, str]] = []
        for who, role in v.get("people", []):
            try:
                resolved.append((self._person(who, agency), role))
            except _Bad as exc:
                out.append(RowProblem(number, "people", f"people: {exc}"))
        ids = [p for p, _ in resolved]
        if len(set(ids)) != len(ids):
            out.append(RowProblem(number, "people",
                                  "people lists the same person twice; give each one role"))
        v["people"] = resolved
        return out

    def _link_rules(self, number: int, v: dict[str, Any], agency: str | None) -> list[RowProblem]:
        out = [p for col in ("source_person_id", "target_person_id")
               if (p := self._resolve(number, v, col, agency))]
        if not out and v["source_person_id"] == v["target_person_id"]:
            out.append(RowProblem(number, "target_person_id",
                                  "a link needs two different people"))
        if v["last_seen"] < v["first_seen"]:
            out.append(RowProblem(number, "last_seen", "last_seen is before first_seen"))
        v["verified"] = bool(v.get("verified"))
        return out

    def _presence_rules(self, number: int, v: dict[str, Any],
                        agency: str | None) -> list[RowProblem]:
        problem = self._resolve(number, v, "person_id", agency)
        return [problem] if problem else []

    def _resolve(self, number: int, v: dict[str, Any], col: str,
                 agency: str | None) -> RowProblem | None:
        """Replace the person reference in ``v[col]`` by a CSMap person id, or say why not."""
        try:
            v[col] = self._person(v[col], agency)
        except _Bad as exc:
            return RowProblem(number, col, f"{col}: {exc}")
        return None

    def duplicates(self, number: int, v: dict[str, Any]) -> list[RowProblem]:
        """Reject an id already in CSMap or already used by an earlier row of the file;
        otherwise remember it (and give a person record its record_id)."""
        fmt = self.fmt
        if fmt.id_column is None:
            key: Any = (v["agency_id"], v["local_ref"])
            col, label = ("local_ref",
                          f"local_ref {_ref(v['local_ref'])} of agency {_ref(v['agency_id'])}")
            exists = key in self.known.records
        else:
            key = v[fmt.id_column]
            col, label = fmt.id_column, f"{fmt.id_column} {_ref(str(key))}"
            store_ids = {"incidents": self.known.incidents, "links": self.known.links,
                         "presences": self.known.presences}[fmt.kind]
            exists = key in store_ids
        if exists:
            return [RowProblem(number, col, f"{label} is already in CSMap (imported before?); "
                                            "remove the row or give it a new id")]
        if key in self.seen:
            return [RowProblem(number, col,
                               f"{label} is also on row {self.seen[key]}: each id once")]
        self.seen[key] = number
        if fmt.id_column is None:
            v["record_id"] = record_id(v["agency_id"], v["local_ref"])
        return []


def problems_cols(problems: list[RowProblem]) -> set[str]:
    """The columns named in ``problems``."""
    return {p.column for p in problems}
