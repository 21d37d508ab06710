"""Property-based tests of the importers: for any mix of good and bad rows, nothing is lost."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from data import importers
from data.store import Store
from domain.access import Role, Viewer
from domain.errors import ValidationError
from tests.import_support import TODAY, seed_reference

ANALYST = Viewer("prop-analyst", Role.ANALYST, "testing")
HEADER = ["local_ref", "given_name", "family_name", "date_of_birth", "postcode", "kind", "sex"]
BAD_KINDS = ("bad_date", "bad_enum", "no_names", "blank_ref", "wrong_width", "duplicate",
             "future_date", "bad_sex")

names = st.text(
    alphabet=st.characters(categories=["L", "N", "Zs", "Pd", "Po", "Pi", "Pf"]),
    min_size=1, max_size=15,
).filter(lambda s: s.strip() != "")


@st.composite
def good_row(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "given_name": draw(names).strip(),
        "family_name": draw(st.one_of(st.none(), names.map(str.strip))),
        "date_of_birth": draw(st.one_of(st.none(), st.dates(date(1950, 1, 1), TODAY))),
        "postcode": draw(st.one_of(st.none(), st.from_regex(r"CW[1-9] [1-9][A-Z]{2}",
                                                            fullmatch=True))),
        "kind": draw(st.sampled_from(["child", "adult_of_concern", "trusted_adult"])),
        "sex": draw(st.sampled_from(["F", "M", "X", "U"])),
    }


def cells(row: dict[str, Any], ref: str) -> list[str]:
    return [ref, row["given_name"], row["family_name"] or "",
            row["date_of_birth"].isoformat() if row["date_of_birth"] else "",
            row["postcode"] or "", row["kind"], row["sex"]]


def corrupt(line: list[str], how: str, first_ref: str | None) -> list[str]:
    line = list(line)
    if how == "bad_date":
        line[3] = "2011-02-30"
    elif how == "bad_enum":
        line[5] = "suspect"
    elif how == "no_names":
        line[1] = line[2] = "  "
    elif how == "blank_ref":
        line[0] = ""
    elif how == "wrong_width":
        line = line[:-1] if len(line[0]) % 2 else [*line, "extra"]
    elif how == "duplicate" and first_ref is not None:
        line[0] = first_ref
    elif how == "future_date":
        line[3] = (TODAY + timedelta(days=3)).isoformat()
    else:  # bad_sex, or a duplicate with nothing to duplicate
        line[6] = "Q"
    return line


@st.composite
def mixed_file(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, dict[str, Any]]], int]:
    """CSV bytes, the good rows (ref, values) in order, and how many bad rows."""
    plan = draw(st.lists(st.one_of(st.just("good"), st.sampled_from(BAD_KINDS)),
                         min_size=1, max_size=25))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    good: list[tuple[str, dict[str, Any]]] = []
    bad = 0
    for i, what in enumerate(plan):
        row = draw(good_row())
        ref = f"REF-{i}"
        if what == "good":
            writer.writerow(cells(row, ref))
            good.append((ref, row))
        else:
            writer.writerow(corrupt(cells(row, ref), what, good[0][0] if good else None))
            bad += 1
    return out.getvalue().encode(), good, bad


_SHARED: list[Store] = []


def fresh_store() -> Store:
    """One seeded in-memory store per module, emptied of imported rows for each example (its
    audit trail is append-only and stays)."""
    if not _SHARED:
        store = Store.open(":memory:")
        seed_reference(store)
        _SHARED.append(store)
    store = _SHARED[0]
    for table in ("quarantine_row", "import_batch", "person_record", "presence"):
        store.cursor.execute(f"DELETE FROM {table}").fetchall()  # noqa: S608
    return store


@pytest.fixture(scope="module", autouse=True)
def _close_shared() -> Iterator[None]:
    yield
    while _SHARED:
        _SHARED.pop().close()


def table_counts(store: Store) -> dict[str, int]:
    out = {}
    for t in ("person_record", "import_batch", "quarantine_row", "incident", "incident_person"):
        row = store.cursor.execute(f"SELECT count(*) FROM {t}").fetchone()  # noqa: S608
        out[t] = int(row[0]) if row else 0
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_file())
def test_accepted_plus_rejected_is_total_and_good_rows_round_trip(
        case: tuple[bytes, list[tuple[str, dict[str, Any]]], int]) -> None:
    data, good, bad = case
    store = fresh_store()
    rep = importers.import_file(store, ANALYST, kind="person_records", file_name="p.csv",
                                data=data, agency_id="police", today=TODAY)
    assert rep.accepted + rep.rejected == rep.total == len(good) + bad
    assert (rep.accepted, rep.rejected) == (len(good), bad), rep.problems
    assert {p.row for p in rep.problems} == set(
        range(2, rep.total + 2)) - {int(r.split("-")[1]) + 2 for r, _ in good}
    back = store.cursor.execute(
        "SELECT local_ref, given_name, family_name, date_of_birth, postcode, kind, sex "
        "FROM person_record ORDER BY local_ref").df().set_index("local_ref")
    assert len(back) == len(good)
    for ref, row in good:
        got = back.loc[ref]
        assert got["given_name"] == row["given_name"]
        assert (None if pd.isna(got["family_name"]) else got["family_name"]) == \
            row["family_name"]
        dob = got["date_of_birth"]
        assert (None if pd.isna(dob) else pd.Timestamp(dob).date()) == row["date_of_birth"]
        assert (got["kind"], got["sex"]) == (row["kind"], row["sex"])
    assert table_counts(store)["quarantine_row"] == bad


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_file(), st.integers(min_value=0, max_value=2))
def test_a_failure_at_any_table_leaves_the_store_unchanged(
        case: tuple[bytes, list[tuple[str, dict[str, Any]]], int], fail_at: int) -> None:
    data, _, _ = case
    store = fresh_store()
    plan = importers.check_file(store, ANALYST, kind="person_records", file_name="p.csv",
                                data=data, agency_id="police", today=TODAY)
    before = table_counts(store)
    real = Store._insert_one
    seen: list[str] = []

    written = [t for t, f in plan.frames("IB-x") if not f.empty]
    fail_on = fail_at % len(written)  # the batch row is never empty

    def flaky(self: Store, tx: Any, table: str, view: str, frame: pd.DataFrame) -> int:
        seen.append(table)
        if len(seen) - 1 == fail_on:
            raise OSError("simulated failure")
        return real(self, tx, table, view, frame)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Store, "_insert_one", flaky)
        with pytest.raises(ValidationError, match="nothing from it was saved"):
            importers.commit(store, ANALYST, plan)
    assert table_counts(store) == before
    rep = importers.commit(store, ANALYST, plan)  # and it still imports afterwards
    assert table_counts(store)["person_record"] == before["person_record"] + rep.accepted


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["seen_at", "frequents", "sleeping"]),
                          st.datetimes(datetime(2020, 1, 1), datetime(2025, 6, 30)),
                          st.sampled_from(["P-C001", "P-C002", "P-NOPE"]),
                          st.sampled_from(["PL-PARK-1", "PL-HOTEL-1", "PL-NOPE"])),
                min_size=1, max_size=20))
def test_presences_accept_exactly_the_valid_rows(
        rows: list[tuple[str, datetime, str, str]]) -> None:
    store = fresh_store()
    text = "presence_id,person_id,place_id,kind,seen_at\n" + "".join(
        f"S{i},{who},{where},{kind},{when:%Y-%m-%d %H:%M:%S}\n"
        for i, (kind, when, who, where) in enumerate(rows))
    rep = importers.import_file(store, ANALYST, kind="presences", file_name="s.csv",
                                data=text.encode(), agency_id="police", today=TODAY)
    valid = sum(k != "sleeping" and w != "P-NOPE" and p != "PL-NOPE"
                for k, _, w, p in rows)
    assert (rep.accepted, rep.rejected, rep.total) == (valid, len(rows) - valid, len(rows))
    got = store.cursor.execute("SELECT count(*) FROM presence").fetchone()
    assert got == (valid,)


PEOPLE = ["P-C001", "P-C002", "P-C003", "P-A001", "P-T001"]
ROLES = ["victim", "at_risk", "subject", "person_of_concern", "witness"]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["missing_episode", "self_harm", "arrest", "joyriding"]),
    st.sampled_from(["extra_familial", "intra_familial"]),
    st.lists(st.tuples(st.sampled_from([*PEOPLE, "P-NOPE"]), st.sampled_from(ROLES)),
             max_size=3, unique_by=lambda t: t[0]),
    st.lists(st.sampled_from(["physical", "emotional", "material", "behavioural"]),
             max_size=4, unique=True),
), min_size=1, max_size=12))
def test_incidents_round_trip_with_their_people(
        rows: list[tuple[str, str, list[tuple[str, str]], list[str]]]) -> None:
    store = fresh_store()
    for table in ("incident_person", "incident"):
        store.cursor.execute(f"DELETE FROM {table}").fetchall()  # noqa: S608
    text = "incident_id,occurred_at,kind,harm_context,people,indicators\n" + "".join(
        f"I{i},2025-03-01 10:00,{k},{h},\"{';'.join(f'{p}:{r}' for p, r in ppl)}\","
        f"{';'.join(ind)}\n" for i, (k, h, ppl, ind) in enumerate(rows))
    rep = importers.import_file(store, ANALYST, kind="incidents", file_name="i.csv",
                                data=text.encode(), agency_id="police", today=TODAY)
    good = {f"I{i}": (ppl, ind) for i, (k, _, ppl, ind) in enumerate(rows)
            if k != "joyriding" and all(p != "P-NOPE" for p, _ in ppl)}
    assert (rep.accepted, rep.rejected) == (len(good), len(rows) - len(good))
    got = store.cursor.execute("SELECT incident_id, person_id, role FROM incident_person"
                               ).fetchall()
    assert sorted(got) == sorted((i, p, r) for i, (ppl, _) in good.items() for p, r in ppl)
    inds = dict(store.cursor.execute("SELECT incident_id, indicators FROM incident").fetchall())
    assert inds == {i: ind for i, (_, ind) in good.items()}


@settings(max_examples=80, deadline=None)
@given(st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.lists(st.lists(st.text(alphabet=",;\"'\n\r\t ab1-:/", max_size=8), max_size=9),
             max_size=8).map(lambda rows: "\n".join(",".join(r) for r in rows).encode()),
    st.lists(st.text(alphabet=",\"\n ab1-:/P", max_size=30), max_size=6).map(
        lambda rows: ("presence_id,person_id,place_id,kind,seen_at\n" + "\n".join(rows))
        .encode()),
), st.sampled_from(["person_records", "incidents", "links", "presences"]))
def test_any_bytes_give_a_report_that_adds_up_or_a_readable_error(data: bytes,
                                                                  kind: str) -> None:
    store = fresh_store()
    try:
        plan = importers.check_file(store, ANALYST, kind=kind, file_name="fuzz.csv", data=data,
                                    agency_id="police", today=TODAY)
    except ValidationError as exc:
        assert "fuzz.csv" in str(exc) or "unknown" in str(exc)
        return
    rep = plan.report
    assert rep.accepted + rep.rejected == rep.total > 0
    assert len(plan.rows) == rep.accepted and len(plan.quarantine) == rep.rejected


# -- the formats agencies send: Excel, Windows text, other separators ----------------------
CP1252_TEXT = [c for c in (bytes([b]).decode("cp1252", errors="ignore") for b in range(32, 256))
               if c and c.isprintable() and c not in "=+-@"]  # no formula starts in xlsx
ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Western names as agencies type them: Latin letters with accents, and the odd sign or digit.
west_names = st.builds(lambda a, b: a + b, st.text(ASCII_LETTERS, min_size=1, max_size=6),
                       st.text(alphabet=st.sampled_from(CP1252_TEXT), max_size=8))
FORMATS = [("csv", "utf-8", ","), ("csv", "cp1252", ";"), ("csv", "cp1252", "\t"),
           ("csv", "utf-8", "|"), ("csv", "utf-16", ";"), ("xlsx", None, None)]


def serialise(rows: list[list[Any]], fmt: tuple[str, str | None, str | None]) -> bytes:
    """The same rows as a CSV in an encoding and separator, or as an Excel workbook (dates of
    birth as Excel dates where they are ISO)."""
    kind, encoding, sep = fmt
    if kind == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        for row in rows:
            ws.append([date.fromisoformat(c) if i == 3 and _iso(c) else (c or None)
                       for i, c in enumerate(row)])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    text = io.StringIO()
    csv.writer(text, delimiter=str(sep), lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(str(encoding))


def _iso(cell: str) -> bool:
    try:
        return bool(cell) and date.fromisoformat(cell) is not None
    except ValueError:
        return False


@st.composite
def west_file(draw: st.DrawFn) -> tuple[list[list[Any]], list[tuple[str, dict[str, Any]]], int]:
    """Rows (header first) of person records with Western European names, good and bad."""
    plan = draw(st.lists(st.one_of(st.just("good"), st.sampled_from(BAD_KINDS)),
                         min_size=1, max_size=15))
    rows: list[list[Any]] = [HEADER]
    good: list[tuple[str, dict[str, Any]]] = []
    bad = 0
    for i, what in enumerate(plan):
        row = draw(good_row())
        row["given_name"] = draw(west_names).strip()
        row["family_name"] = draw(st.one_of(st.none(), west_names.map(str.strip)))
        ref = f"REF-{i}"
        if what == "good":
            rows.append(cells(row, ref))
            good.append((ref, row))
        else:
            rows.append(corrupt(cells(row, ref), what, good[0][0] if good else None))
            bad += 1
    return rows, good, bad


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(west_file(), st.sampled_from(FORMATS))
def test_every_format_keeps_the_counts_and_round_trips_the_good_rows(
        case: tuple[list[list[Any]], list[tuple[str, dict[str, Any]]], int],
        fmt: tuple[str, str | None, str | None]) -> None:
    rows, good, bad = case
    if fmt[0] == "xlsx":  # a sheet has no "wrong width" row: its empty cells are cells
        kept = [r for r in rows if len(r) == len(HEADER)]
        bad -= len(rows) - len(kept)
        rows = kept
        assume(len(rows) > 1)
    store = fresh_store()
    name = "p.xlsx" if fmt[0] == "xlsx" else "p.csv"
    rep = importers.import_file(store, ANALYST, kind="person_records", file_name=name,
                                data=serialise(rows, fmt), agency_id="police", today=TODAY)
    assert rep.accepted + rep.rejected == rep.total == len(rows) - 1
    assert (rep.accepted, rep.rejected) == (len(good), bad), rep.problems
    back = dict(store.cursor.execute("SELECT local_ref, given_name FROM person_record").fetchall())
    assert back == {ref: row["given_name"] for ref, row in good}
    assert table_counts(store)["quarantine_row"] == bad
    if fmt[0] == "csv":
        ascii_only = all(str(c).isascii() for r in rows for c in r)
        expected = "utf-8" if ascii_only and fmt[1] != "utf-16" else codecs.lookup(str(fmt[1])).name
        assert f"in {expected}" in rep.read_as


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.text(alphabet=',;"\n\r ab1-:P', max_size=8), min_size=1,
                         max_size=8), max_size=12),
       st.sampled_from(["person_records", "presences"]))
def test_column_reader_and_row_reader_give_the_same_report(rows: list[list[str]],
                                                          kind: str) -> None:
    store = fresh_store()
    header = HEADER if kind == "person_records" else ["presence_id", "person_id", "place_id",
                                                      "kind", "seen_at"]
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    data = out.getvalue().encode()

    def plan_with(arrow: bool) -> importers.ImportPlan | str:
        with pytest.MonkeyPatch.context() as mp:
            if not arrow:
                mp.setattr(importers._read, "arrow_table", lambda *a: None)
            try:
                return importers.check_file(store, ANALYST, kind=kind, file_name="x.csv",
                                            data=data, agency_id="police", today=TODAY)
            except ValidationError as exc:
                return str(exc)

    a, b = plan_with(True), plan_with(False)
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    assert a.report.problems == b.report.problems
    assert (a.report.total, a.report.accepted) == (b.report.total, b.report.accepted)
    assert a.rows == b.rows and a.quarantine == b.quarantine
