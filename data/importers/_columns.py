"""Checking a chunk of rows column by column (vectorised), with the row checker as the rule.

:class:`~data.importers._validate.RowChecker` checks one row at a time and says exactly what
is wrong; it is the definition of a valid row. Doing that a million times takes minutes, so
:class:`ChunkChecker` checks whole columns at once with pandas: a cell is passed here only
when it is certainly valid (an ISO date that exists and is not in the future, an allowed
value, a known id...). Any row with a cell this cannot pass, or that breaks a rule across its
cells, goes to the row checker, which accepts it or gives the reasons. So the fast path never
changes what is accepted or what a reason says; it only decides faster. Cells with few
distinct values (kinds, dates, indicator lists) are checked once per distinct value, by the
row checker's own cell parser.

Duplicates (an id already in CSMap, or used by an earlier row) are decided last, in file
order, over the rows that passed everything else, as the row checker does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.importers._read import RawRow
from data.importers._validate import MAX_TEXT, RowChecker, RowProblem, _Bad, _enum, record_id
from data.importers.formats import Column

_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}"
_ISO_STAMP = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"
_BAD = object()  # a distinct value the row checker refused

TABLE_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
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
PEOPLE_COLUMNS = ["incident_id", "person_id", "role"]


@dataclass
class ChunkResult:
    """One chunk checked: the accepted rows (table columns plus ``_row``, the spreadsheet row
    number), for incidents their people (``_row``, person_id, role), and the rejected rows
    with their problems."""

    accepted: pd.DataFrame
    people: pd.DataFrame | None
    problems: list[RowProblem] = field(default_factory=list)
    rejected: list[tuple[RawRow, list[RowProblem]]] = field(default_factory=list)
    rows: int = 0  # data rows in the chunk (blank lines are not rows)


class ChunkChecker:
    """Checks chunks of rows of one file; remembers ids across chunks (through the row
    checker) and the verdicts on distinct values."""

    def __init__(self, checker: RowChecker) -> None:
        self.rc = checker
        self.fmt = checker.fmt
        self.table, self.columns = TABLE_COLUMNS[checker.fmt.kind]
        self.memo: dict[str, dict[str, Any]] = {}
        self._sets: dict[str, pa.Array] = {}

    def _member(self, text: pd.Series, ref: str) -> np.ndarray:
        """Which cells are ids of kind ``ref`` already in the store (sets turned into
        Arrow arrays once per file: a Python set is slow to test a million strings against)."""
        if ref not in self._sets:
            ids = self.rc.known.persons if ref == "person" else self.rc.known.ids_of(ref)
            self._sets[ref] = pa.array(sorted(ids), type=pa.string())
        found = pc.is_in(_arrow(text), value_set=self._sets[ref])
        return found.to_numpy(zero_copy_only=False).astype(bool)

    # -- columns ------------------------------------------------------------------------------
    def _by_value(self, col: Column, text: pd.Series, parse: Callable[[Column, str], Any]
                  ) -> tuple[pd.Series, np.ndarray, pd.Series]:
        """Values of a column with few distinct texts, each parsed once by the row checker's
        parser; which are valid; and for the others the row checker's reason."""
        memo = self.memo.setdefault(col.name, {})
        for u in pd.unique(text):
            if u not in memo:
                try:
                    memo[u] = parse(col, u)
                except _Bad as exc:
                    memo[u] = exc
        bad = {u: f"{col.name} {v}" for u, v in memo.items() if isinstance(v, _Bad)}
        ok = ~text.isin(list(bad)).to_numpy()
        values = text.map(memo).astype(object).where(ok, None)
        return values, ok, text.map(bad).astype(object) if bad else _nothing(text)

    def _timestamps(self, col: Column, text: pd.Series) -> tuple[pd.Series, np.ndarray,
                                                                  pd.Series]:
        """ISO timestamps parsed together; any other text by the row checker (once each)."""
        iso = text.str.fullmatch(_ISO_STAMP).to_numpy(dtype=bool)
        stamps = pd.to_datetime(text.where(iso, None), format="ISO8601", errors="coerce")
        today_end = pd.Timestamp(self.rc.today) + pd.Timedelta(days=1)
        ok = (stamps.notna() & (stamps.dt.year >= 1900) & (stamps < today_end)).to_numpy().copy()
        why = _nothing(text)
        if not ok.all():
            rest = ~ok & (text != "").to_numpy()
            values, good, why_rest = self._by_value(col, text[rest], self.rc._timestamp)
            stamps = stamps.astype(object)
            stamps[rest] = values.to_numpy()
            stamps = pd.to_datetime(stamps)
            ok[np.flatnonzero(rest)[good]] = True
            why[rest] = why_rest.to_numpy()
        return stamps, ok, why

    def _dates(self, col: Column, text: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series]:
        def iso(c: Column, t: str) -> str:
            return self.rc._date(c, t).isoformat()

        parsed, ok, why = self._by_value(col, text, iso)
        return pd.to_datetime(parsed, format="%Y-%m-%d"), ok, why

    def _ids(self, col: Column, text: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series]:
        ok = text.str.fullmatch(_ID_PATTERN).to_numpy(dtype=bool)
        if col.ref and col.ref != "person":
            ok = ok & self._member(text, col.ref)
        return text, ok, _nothing(text)  # the row checker words these reasons

    def _column(self, col: Column, raw: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series]:
        """A column's typed values, which cells are certainly valid (blank included), and
        the reason for invalid cells where it is known here (else None: the row checker)."""
        text = raw.str.strip()
        blank = (text == "").to_numpy()
        if col.kind == "text":
            return (text.where(~blank, None), (text.str.len() <= MAX_TEXT).to_numpy(),
                    _nothing(text))
        if col.kind == "people":  # parsed with the row rules, which know the row's agency
            return text, np.ones(len(text), dtype=bool), _nothing(text)
        if col.kind == "id":
            values, ok, why = self._ids(col, text)
        elif col.kind == "timestamp":
            values, ok, why = self._timestamps(col, text)
        elif col.kind == "date":
            values, ok, why = self._dates(col, text)
        else:  # enum, bool, list, ids: few distinct values
            values, ok, why = self._by_value(col, text, self.rc._cell)
        if col.kind in ("list", "ids"):
            values = values.where(~blank, pd.Series([[]] * len(text), index=text.index))
        else:
            values = values.where(~blank, None)
        return values, ok | blank, why.where(~blank, None)

    # -- persons --------------------------------------------------------------------------
    def _resolve(self, who: pd.Series, agency: pd.Series) -> tuple[pd.Series, np.ndarray]:
        """CSMap person ids for person references (an id, or a confirmed record's local_ref
        of the same agency); ``ok`` False where neither."""
        known = self.rc.known
        direct = self._member(who, "person")
        resolved = who.astype(object).where(direct, None)
        if not known.record_person or direct.all():
            return resolved, direct
        rest = np.flatnonzero(~direct)
        via = [known.record_person.get(k) for k in
               zip(agency.to_numpy()[rest], who.to_numpy()[rest], strict=True)]
        resolved.iloc[rest] = via
        return resolved, resolved.notna().to_numpy()

    def _people(self, frame: pd.DataFrame, ok: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """The incident people of the rows still ``ok``, one line per person, and ``ok``
        narrowed to rows whose every person:role parses, resolves, and appears once."""
        col = self.fmt.column("people")
        sub = frame.loc[ok, ["_row", "people", "agency_id"]]
        lists = pc.split_pattern(_arrow(sub["people"]), ";")
        tokens = pc.utf8_trim_whitespace(pc.list_flatten(lists))
        keep = pc.fill_null(pc.not_equal(tokens, ""), False)
        parent = pc.list_parent_indices(lists).filter(keep).to_numpy()
        parts = pc.extract_regex(tokens.filter(keep), r"^(?P<who>.*):(?P<role>[^:]*)$")
        who = pd.Series(pc.utf8_trim_whitespace(pc.struct_field(parts, "who")),
                        dtype="str").fillna("")
        role = pd.Series(pc.struct_field(parts, "role"), dtype="str")
        roles, good, _ = self._by_value(col, role.fillna(":"), _enum)
        good = good & (role.notna() & (who != "")).to_numpy()
        person, found = self._resolve(who, pd.Series(sub["agency_id"].to_numpy()[parent]))
        good = good & found
        people = pd.DataFrame({"_row": sub["_row"].to_numpy()[parent],
                               "person_id": pd.array(person.to_numpy(), dtype="str"),
                               "role": pd.array(roles.to_numpy(), dtype="str")})
        good = good & ~people.duplicated(["_row", "person_id"]).to_numpy()
        bad_rows = set(people.loc[~good, "_row"])
        # the same person twice: every line of that row is bad, not only the second
        ok = ok & ~frame["_row"].isin(bad_rows).to_numpy()
        return people[~people["_row"].isin(bad_rows)], ok

    # -- rows -----------------------------------------------------------------------------
    def _row_rules(self, frame: pd.DataFrame, ok: np.ndarray) -> np.ndarray:
        """Rules across a row's cells (as the row checker's), on the columns; fills defaults."""
        kind = self.fmt.kind
        if kind == "person_records":
            ok = ok & (frame["given_name"].notna() | frame["family_name"].notna()).to_numpy()
            frame["kind"] = frame["kind"].fillna("child")
            frame["sex"] = frame["sex"].fillna("U")
        elif kind in ("links", "presences"):
            agency_col = self.fmt.agency_column
            for col in ("source_person_id", "target_person_id", "person_id"):
                if col in frame:
                    frame[col], found = self._resolve(frame[col], frame[agency_col])
                    ok = ok & found
            if kind == "links":
                ok = ok & (frame["source_person_id"] != frame["target_person_id"]).to_numpy()
                ok = ok & (frame["last_seen"] >= frame["first_seen"]).to_numpy()
                frame["verified"] = frame["verified"].map(bool).astype(bool)
        return ok

    def _typed(self, numbers: np.ndarray, frame: dict[str, pd.Series]
               ) -> tuple[pd.DataFrame, np.ndarray, list[Any]]:
        """The rows' cells as typed columns, which rows are certainly valid so far, and per
        row the problems found here when every one of them is known (else None)."""
        blank = pd.Series([""] * len(numbers), dtype="str")
        out = pd.DataFrame({"_row": numbers})
        ok = np.ones(len(numbers), dtype=bool)
        unexplained = np.zeros(len(numbers), dtype=bool)
        reasons: list[tuple[str, pd.Series]] = []
        for col in self.fmt.columns:
            raw = frame.get(col.name, blank)
            values, good, why = self._column(col, raw)
            if col.required:
                missing = (raw.str.strip() == "").to_numpy()
                good = good & ~missing
                why = why.where(~missing, f"{col.name} is required but blank")
            out[col.name] = values.to_numpy() if values.dtype == object else values.array
            ok = ok & good
            unexplained |= ~good & why.isna().to_numpy()
            reasons.append((col.name, why))
        agency = self.fmt.agency_column
        if self.rc.agency_id is not None:
            out[agency] = out[agency].fillna(self.rc.agency_id)
        unexplained |= out[agency].isna().to_numpy()
        ok = ok & out[agency].notna().to_numpy()
        out["recorded_date"] = out["recorded_date"].fillna(pd.Timestamp(self.rc.today))
        return out, ok, _explained(numbers, ok, unexplained, reasons)

    def check(self, chunk: list[RawRow]) -> ChunkResult:
        """Check one chunk of rows read one by one (Python's reader, or a workbook)."""
        width = len(self.rc.header)
        plain = [r for r in chunk if not r.flagged and len(r.cells) == width]
        slow = [r for r in chunk if r.flagged or len(r.cells) != width]
        columns = list(zip(*(r.cells for r in plain), strict=True)) if plain \
            else [()] * width
        frame = {h: pd.Series(pa.array(c, type=pa.string()), dtype="str")
                 for h, c in zip(self.rc.header, columns, strict=True)}
        numbers = np.array([r.number for r in plain], dtype=np.int64)
        return self._check_block(numbers, frame, _ListRows(chunk, plain), slow, len(chunk))

    def check_columns(self, table: pa.Table, first_number: int) -> ChunkResult:
        """Check a block of rows read as columns (Arrow); rows are numbered from
        ``first_number``. Rows of only blank cells are not rows, as when read one by one."""
        width = len(self.rc.header)
        cols = [pd.Series(c, dtype="str") for c in table.columns]
        numbers = np.arange(first_number, first_number + table.num_rows, dtype=np.int64)
        rows = _ArrowRows(table, numbers)
        filled = [(c.str.strip() != "").to_numpy() for c in cols]
        keep = np.logical_or.reduce(filled)
        if len(cols) < width:  # every row is narrower than the header: the row checker says so
            return self.check(rows.take_at(np.flatnonzero(keep)))
        wide = np.logical_or.reduce(filled[width:]) if len(cols) > width \
            else np.zeros(len(keep), dtype=bool)
        plain = np.flatnonzero(keep & ~wide)
        frame = {h: cols[i].iloc[plain].reset_index(drop=True)
                 for i, h in enumerate(self.rc.header)}
        rows.plain = plain
        return self._check_block(numbers[plain], frame, rows,
                                 rows.take_at(np.flatnonzero(keep & wide)), int(keep.sum()))

    def _check_block(self, numbers: np.ndarray, frame: dict[str, pd.Series], rows: Any,
                     slow: list[RawRow], count: int) -> ChunkResult:
        """Check rows given as text columns; ``slow`` rows go to the row checker as they are.
        ``rows.take(positions)`` gives the :class:`RawRow` of rows at positions of ``frame``."""
        people = None
        known: list[tuple[RawRow, list[RowProblem]]] = []
        accepted = pd.DataFrame()
        if len(numbers):
            typed, ok, explained = self._typed(numbers, frame)
            ok = self._row_rules(typed, ok)
            if self.fmt.kind == "incidents":
                people, ok = self._people(typed, ok)
            said = np.array([e is not None for e in explained], dtype=bool)
            known = list(zip(rows.take(np.flatnonzero(said)),
                             [e for e in explained if e is not None], strict=True))
            slow = slow + rows.take(np.flatnonzero(~ok & ~said))
            accepted = typed[ok]
        result = self._finish(accepted, people, sorted(slow, key=lambda r: r.number),
                              rows, known)
        result.rows = count
        return result

    def _finish(self, frame: pd.DataFrame, people: pd.DataFrame | None, slow: list[RawRow],
                raws: Any, known: list[tuple[RawRow, list[RowProblem]]]) -> ChunkResult:
        """Rows the row checker decides, then duplicates in file order over all that passed."""
        result = ChunkResult(frame, people, rejected=list(known))
        passed: list[dict[str, Any]] = []
        for raw in slow:
            values, problems = self.rc.check_cells(raw.number, raw.cells, raw.flagged)
            if values is None:
                result.rejected.append((raw, problems))
            else:
                passed.append({"_row": raw.number, **values})
        self._duplicates(result, passed, raws)
        result.problems = [p for _, probs in sorted(result.rejected, key=lambda x: x[0].number)
                           for p in probs]
        result.rejected.sort(key=lambda x: x[0].number)
        return result

    def _keys(self, frame: pd.DataFrame) -> pd.Series:
        if self.fmt.id_column is not None:
            return frame[self.fmt.id_column].astype(object)
        return pd.Series(list(zip(frame["agency_id"].tolist(), frame["local_ref"].tolist(),
                                  strict=True)),
                         index=frame.index, dtype=object)

    def _duplicates(self, result: ChunkResult, passed: list[dict[str, Any]],
                    raws: Any) -> None:
        """Decide duplicates in file order: fast rows and rows the row checker passed."""
        fast = result.accepted
        slow_frame = self._slow_frame(passed)
        both = pd.concat([f for f in (fast.drop(columns=["people"], errors="ignore"),
                                      slow_frame) if not f.empty] or [slow_frame],
                         ignore_index=True).sort_values("_row", ignore_index=True)
        keys = self._keys(both) if not both.empty else pd.Series([], dtype=object)
        known = self._known_keys()
        seen = self.rc.seen
        listed = keys.tolist()
        flag = keys.duplicated().to_numpy() | np.fromiter(
            (k in known or k in seen for k in listed), dtype=bool, count=len(listed))
        seen.update(zip(keys[~flag].tolist(), both.loc[~flag, "_row"].tolist(), strict=True))
        dropped: set[int] = set()
        numbers = both["_row"].tolist()
        for i in np.flatnonzero(flag).tolist():
            number = int(numbers[i])
            values = {c: both[c].iat[i] for c in both.columns}
            problems = self.rc.duplicates(number, values)
            if problems:
                dropped.add(number)
                result.rejected.append((raws.row(number), problems))
        both = both[~both["_row"].isin(dropped)]
        if self.fmt.id_column is None and not both.empty:
            both["record_id"] = [record_id(a, r) for a, r in
                                 zip(both["agency_id"], both["local_ref"], strict=True)]
        result.accepted = both.reset_index(drop=True)
        if self.fmt.kind == "incidents":
            result.people = self._all_people(result.people, passed, set(both["_row"]))

    def _known_keys(self) -> set[Any]:
        known = self.rc.known
        if self.fmt.id_column is None:
            return known.records
        return {"incidents": known.incidents, "links": known.links,
                "presences": known.presences}[self.fmt.kind]

    def _slow_frame(self, passed: list[dict[str, Any]]) -> pd.DataFrame:
        cols = ["_row", *[c.name for c in self.fmt.columns if c.name != "people"]]
        frame = pd.DataFrame(passed, columns=cols, dtype=object) if passed \
            else pd.DataFrame(columns=cols, dtype=object)
        for col in self.fmt.columns:
            if col.kind in ("date", "timestamp") or col.name == "recorded_date":
                frame[col.name] = pd.to_datetime(frame[col.name])
        frame["_row"] = frame["_row"].astype(int)
        return frame

    def _all_people(self, fast: pd.DataFrame | None, passed: list[dict[str, Any]],
                    rows: set[int]) -> pd.DataFrame:
        slow = pd.DataFrame([(v["_row"], p, r) for v in passed for p, r in v["people"]],
                            columns=["_row", "person_id", "role"], dtype=object)
        parts = [f for f in (fast, slow) if f is not None and not f.empty]
        people = pd.concat(parts, ignore_index=True) if parts else slow
        return people[people["_row"].isin(rows)].reset_index(drop=True)


def _arrow(text: pd.Series) -> pa.Array:
    """A text column as an Arrow string array (missing values null)."""
    return pa.array(text.astype(object).to_numpy(), type=pa.string(), from_pandas=True)


def _nothing(text: pd.Series) -> pd.Series:
    """No reasons known for any cell of ``text``."""
    return pd.Series([None] * len(text), index=text.index, dtype=object)


def _explained(numbers: np.ndarray, ok: np.ndarray, unexplained: np.ndarray,
               reasons: list[tuple[str, pd.Series]]) -> list[Any]:
    """For each invalid row whose every problem has its reason here, those problems (in
    column order, as the row checker lists them); None for all other rows."""
    out: list[Any] = [None] * len(numbers)
    todo = np.flatnonzero(~ok & ~unexplained)
    if not len(todo):
        return out
    texts = [(name, why.to_numpy()[todo]) for name, why in reasons if why.notna().any()]
    for k, i in enumerate(todo):
        number = int(numbers[i])
        out[i] = [RowProblem(number, name, why[k]) for name, why in texts
                  if isinstance(why[k], str)]
    return out


class _ListRows:
    """Rows read one by one: ``take`` positions of the plain rows; ``row`` by number."""

    def __init__(self, chunk: list[RawRow], plain: list[RawRow]) -> None:
        self.plain = plain
        self.by_number = {r.number: r for r in chunk}

    def take(self, positions: np.ndarray) -> list[RawRow]:
        return [self.plain[i] for i in positions]

    def row(self, number: int) -> RawRow:
        return self.by_number[number]


class _ArrowRows:
    """Rows read as Arrow columns, turned into :class:`RawRow` only when needed (rows the
    row checker reads, rows kept in quarantine)."""

    def __init__(self, table: pa.Table, numbers: np.ndarray) -> None:
        self.table = table
        self.numbers = numbers
        self.plain = np.arange(table.num_rows)

    def take_at(self, indices: np.ndarray) -> list[RawRow]:
        """The rows at these indices of the table."""
        if not len(indices):
            return []
        picked = self.table.take(pa.array(indices, type=pa.int64())).to_pylist()
        return [RawRow(int(self.numbers[i]), tuple(d.values()))
                for i, d in zip(indices, picked, strict=True)]

    def take(self, positions: np.ndarray) -> list[RawRow]:
        return self.take_at(self.plain[positions])

    def row(self, number: int) -> RawRow:
        return self.take_at(np.array([number - int(self.numbers[0])]))[0]
