"""Importers: the samples, every file-level error message, row checks, quarantine, atomicity."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from data import importers
from data.importers import formats
from data.store import Store
from domain.access import Mode, Role, Viewer
from domain.errors import AccessDeniedError, ValidationError
from tests.import_support import TODAY, sample, seed_reference

ANALYST = Viewer("test-analyst", Role.ANALYST, "testing")


@pytest.fixture
def store(empty_store: Store) -> Store:
    seed_reference(empty_store)
    return empty_store


def check(store: Store, kind: str, text: str, name: str = "f.csv",
          agency: str | None = "police") -> importers.ImportPlan:
    return importers.check_file(store, ANALYST, kind=kind, file_name=name,
                                data=text.encode(), agency_id=agency, today=TODAY)


def count(store: Store, table: str) -> int:
    row = store.cursor.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
    return int(row[0]) if row else 0


PR_HEADER = "local_ref,given_name,family_name,date_of_birth,postcode,kind,sex,recorded_date\n"


# -- the shipped samples --------------------------------------------------------------------
@pytest.mark.parametrize(("name", "kind", "agency", "accepted", "rejected"), [
    ("person_records_police.csv", "person_records", None, 5, 0),
    ("person_records_social_care.csv", "person_records", "social_care", 5, 0),
    ("person_records_education.csv", "person_records", "education", 3, 0),
    ("person_records_with_errors.csv", "person_records", "social_care", 1, 6),
    ("incidents.csv", "incidents", None, 4, 0),
    ("links.csv", "links", None, 3, 0),
    ("presences.csv", "presences", None, 3, 0),
])
def test_samples_import_with_counts_that_add_up(store: Store, name: str, kind: str,
                                                agency: str | None, accepted: int,
                                                rejected: int) -> None:
    rep = importers.import_file(store, ANALYST, kind=kind, file_name=name, data=sample(name),
                                agency_id=agency, today=TODAY)
    assert (rep.accepted, rep.rejected) == (accepted, rejected)
    assert rep.accepted + rep.rejected == rep.total
    assert rep.committed and count(store, "quarantine_row") == rejected
    assert importers.guess_kind(name) == kind


def test_incident_people_and_roles_are_written_with_the_incident(store: Store) -> None:
    importers.import_file(store, ANALYST, kind="incidents", file_name="incidents.csv",
                          data=sample("incidents.csv"), today=TODAY)
    rows = store.cursor.execute(
        "SELECT person_id, role FROM incident_person WHERE incident_id = 'INC-S-001' "
        "ORDER BY person_id").fetchall()
    assert rows == [("P-A001", "person_of_concern"), ("P-C001", "victim")]
    inc = store.cursor.execute("SELECT indicators, grading_source, grading_intel FROM incident "
                               "WHERE incident_id = 'INC-S-002'").fetchone()
    assert inc == (["behavioural", "material"], 2, "C")


def test_quarantine_keeps_the_whole_row_and_every_reason(store: Store) -> None:
    rep = importers.import_file(store, ANALYST, kind="person_records",
                                file_name="person_records_with_errors.csv",
                                data=sample("person_records_with_errors.csv"),
                                agency_id="social_care", today=TODAY)
    rows = store.cursor.execute("SELECT row_number, raw, columns, reasons FROM quarantine_row "
                                "ORDER BY row_number").fetchall()
    assert [r[0] for r in rows] == [3, 4, 5, 6, 7, 8]
    raw = json.loads(rows[0][1])
    assert raw["local_ref"] == "SC-88002" and raw["date_of_birth"] == "2010-13-01"
    reasons = {r.row: r.reason for r in rep.problems}
    assert "not a real calendar date" in reasons[3]
    assert "at least one name" in reasons[4]
    assert "'kid' is not allowed: use one of child" in reasons[5]
    assert "also on row 2" in reasons[6]
    assert "has 7 values but the header has 8" in reasons[7]
    assert "in the future" in reasons[8]
    batch = store.cursor.execute("SELECT total_rows, accepted_rows, rejected_rows, imported_by "
                                 "FROM import_batch").fetchone()
    assert batch == (7, 1, 6, "test-analyst")


def test_restricted_values_are_not_echoed_in_reasons(store: Store) -> None:
    plan = check(store, "person_records", PR_HEADER + "X1,Ann,Lee,31/02/2010,CW1 1AA,,,\n")
    assert plan.report.rejected == 1
    assert "31/02" not in plan.report.problems[0].reason


# -- file-level errors: each says what to fix ---------------------------------------------
@pytest.mark.parametrize(("text", "match"), [
    ("", r"f\.csv is empty: it needs a header row"),
    ("\n\n", r"is empty"),
    (PR_HEADER, r"has a header but no data rows"),
    (PR_HEADER + "\n\n", r"has a header but no data rows"),
    ("local_ref,given_name,dob\nA,B,2010-01-01\n",
     r"unknown column\(s\): dob.*Expected header: local_ref,agency_id"),
    ("given_name,family_name\nA,B\n", r"missing required column\(s\): local_ref"),
    ("local_ref,local_ref\nA,B\n", r"column\(s\) local_ref more than once"),
    ('local_ref,given_name\nA,"Bob\n', r"broken CSV quoting"),
])
def test_unreadable_files_raise_a_message_naming_the_file_and_the_fix(
        store: Store, text: str, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        check(store, "person_records", text)


def test_agency_column_is_required_unless_an_agency_is_chosen(store: Store) -> None:
    with pytest.raises(ValidationError, match=r"missing required column\(s\): agency_id.*choose "
                                              r"the agency on the Import page"):
        check(store, "person_records", PR_HEADER + "A,B,C,,,,,\n", agency=None)


def test_unknown_chosen_agency_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="unknown agency 'nope'"):
        check(store, "person_records", PR_HEADER, agency="nope")


def test_not_utf8_is_read_as_windows_text_and_said_so(store: Store) -> None:
    data = (PR_HEADER + "A,Zo\xeb,Smith,,,,,\n").encode("latin-1")
    plan = importers.check_file(store, ANALYST, kind="person_records", file_name="f.csv",
                                data=data, agency_id="police", today=TODAY)
    assert plan.rows[0]["given_name"] == "Zoë"
    assert "cp1252 (detected)" in plan.report.read_as


def test_utf8_bom_and_header_spelling_are_accepted(store: Store) -> None:
    data = ("\ufeffLocal Ref, Given Name ,FAMILY_NAME\nA1,Zoë,Smith\n").encode()
    plan = importers.check_file(store, ANALYST, kind="person_records", file_name="f.csv",
                                data=data, agency_id="police", today=TODAY)
    assert plan.report.accepted == 1 and plan.rows[0]["given_name"] == "Zoë"


def test_huge_file_is_refused_with_the_limit_and_the_setting(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSMAP_IMPORT_MAX_BYTES", "100")
    with pytest.raises(ValidationError, match=r"over the import limit.*Split it.*"
                                              r"CSMAP_IMPORT_MAX_BYTES"):
        check(store, "person_records", PR_HEADER + "A,B,C,,,,,\n" * 10)


def test_unknown_file_type_lists_the_valid_ones(store: Store) -> None:
    with pytest.raises(ValidationError, match="choose one of person_records, incidents"):
        check(store, "people", PR_HEADER)


def test_chunked_reading_gives_the_same_result(store: Store,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text = PR_HEADER + "".join(f"R{i},Ann,Lee{i},,,,,\n" for i in range(25)) + "R3,A,B,,,,,\n"
    whole = check(store, "person_records", text).report
    monkeypatch.setenv("CSMAP_IMPORT_CHUNK_ROWS", "4")
    chunked = check(store, "person_records", text).report
    assert (whole.total, whole.accepted, whole.rejected) == (26, 25, 1)
    assert chunked.problems == whole.problems and chunked.accepted == whole.accepted


# -- row checks ----------------------------------------------------------------------------
INC_HEADER = "incident_id,occurred_at,kind,harm_context,place_id,people,indicators\n"


@pytest.mark.parametrize(("row", "column", "match"), [
    ("I1,2025-01-01,burglary,extra_familial,,,", "kind", "'burglary' is not allowed"),
    ("I1,2025-01-01,arrest,outside,,,", "harm_context", "use one of extra_familial"),
    ("I1,yesterday,arrest,unknown,,,", "occurred_at", "is not a date: write it as YYYY-MM-DD"),
    ("I1,2025-01-01 25:00,arrest,unknown,,,", "occurred_at", "time that does not exist"),
    ("I1,2025-01-01,arrest,unknown,PL-NOPE,,", "place_id", "unknown place 'PL-NOPE'"),
    ("I1,2025-01-01,arrest,unknown,,P-NOPE:victim,", "people", "unknown person 'P-NOPE'"),
    ("I1,2025-01-01,arrest,unknown,,P-C001,", "people", "is not person:role"),
    ("I1,2025-01-01,arrest,unknown,,P-C001:offender,", "people", "'offender' is not allowed"),
    ("I1,2025-01-01,arrest,unknown,,P-C001:victim;P-C001:witness,", "people", "same person twice"),
    ("I1,2025-01-01,arrest,unknown,,,spiritual", "indicators", "use one of physical"),
    (",2025-01-01,arrest,unknown,,,", "incident_id", "incident_id is required but blank"),
    ("I 1,2025-01-01,arrest,unknown,,,", "incident_id", "not a valid reference"),
])
def test_each_incident_row_error_names_column_and_fix(store: Store, row: str, column: str,
                                                     match: str) -> None:
    plan = check(store, "incidents", INC_HEADER + row + "\n")
    assert plan.report.rejected == 1
    problem = plan.report.problems[0]
    assert problem.column == column and match in problem.reason, problem


@pytest.mark.parametrize(("row", "column", "match"), [
    ("L1,P-C001,P-C001,peer,unknown,2025-01-01,2025-01-02,,", "target_person_id",
     "two different people"),
    ("L1,P-C001,P-C002,peer,unknown,2025-02-01,2025-01-02,,", "last_seen", "before first_seen"),
    ("L1,P-C001,P-C002,peer,bad,2025-01-01,2025-01-02,,", "nature", "harmful, protective"),
    ("L1,P-C001,P-C002,peer,unknown,2025-01-01,2025-01-02,maybe,", "verified", "true/false"),
    ("L1,P-C001,P-C002,peer,unknown,2025-01-01,2025-01-02,,INC-NOPE", "evidence",
     "unknown incident id(s) 'INC-NOPE'"),
    ("L1,P-C001,P-C002,peer,unknown,2025-01-01,2025-01-02,,,4", "grading_source",
     "use one of 1, 2, 3"),
])
def test_each_link_row_error_names_column_and_fix(store: Store, row: str, column: str,
                                                 match: str) -> None:
    header = ("link_id,source_person_id,target_person_id,kind,nature,first_seen,last_seen,"
              "verified,evidence" + (",grading_source" if row.count(",") == 9 else "") + "\n")
    plan = check(store, "links", header + row + "\n")
    assert plan.report.rejected == 1, plan.report.problems
    problem = plan.report.problems[0]
    assert problem.column == column and match in problem.reason, problem


def test_person_may_be_named_by_a_confirmed_local_ref(store: Store) -> None:
    store.cursor.execute("INSERT INTO person_record (record_id, person_id, agency_id, local_ref, "
                         "recorded_date) VALUES ('R1', 'P-C003', 'police', 'POL-9', '2025-01-01')")
    header = "presence_id,person_id,place_id,kind,seen_at\n"
    plan = check(store, "presences", header + "S1,POL-9,PL-PARK-1,seen_at,2025-03-01 10:00\n")
    assert plan.report.accepted == 1 and plan.rows[0]["person_id"] == "P-C003"
    other = check(store, "presences", header + "S1,POL-9,PL-PARK-1,seen_at,2025-03-01\n",
                  agency="education")
    assert other.report.rejected == 1


def test_reimporting_the_same_file_rejects_every_row_as_already_imported(store: Store) -> None:
    data = sample("links.csv")
    importers.import_file(store, ANALYST, kind="links", file_name="links.csv", data=data,
                          today=TODAY)
    again = importers.import_file(store, ANALYST, kind="links", file_name="links.csv", data=data,
                                  today=TODAY)
    assert again.accepted == 0 and again.rejected == 3
    assert all("already in CSMap" in p.reason for p in again.problems)
    assert count(store, "link") == 3 and count(store, "quarantine_row") == 3


def test_uk_dates_and_iso_timestamps_are_read(store: Store) -> None:
    plan = check(store, "presences", "presence_id,person_id,place_id,kind,seen_at\n"
                 "S1,P-C001,PL-PARK-1,Seen at,03/02/2025 21:05\n"
                 "S2,P-C001,PL-PARK-1,frequents,2025-02-03T21:05:30\n")
    assert plan.report.accepted == 2
    assert str(plan.rows[0]["seen_at"]) == "2025-02-03 21:05:00"
    assert plan.rows[0]["kind"] == "seen_at"


# -- all or nothing, access ---------------------------------------------------------------
def test_a_failure_mid_write_leaves_nothing_half_written(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = importers.check_file(store, ANALYST, kind="incidents", file_name="incidents.csv",
                                data=sample("incidents.csv"), today=TODAY)
    real = Store._insert_one
    calls: list[str] = []

    def failing(self: Store, tx: object, table: str, view: str, frame: pd.DataFrame) -> int:
        calls.append(table)
        if table == "incident_person":  # after import_batch and incident were written
            raise RuntimeError("disk full (simulated)")
        return real(self, tx, table, view, frame)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_insert_one", failing)
    with pytest.raises(ValidationError, match=r"could not be written, so nothing from it was "
                                              r"saved.*disk full"):
        importers.commit(store, ANALYST, plan)
    assert calls[:2] == ["import_batch", "incident"]
    for table in ("incident", "incident_person", "import_batch", "quarantine_row"):
        assert count(store, table) == 0, table
    assert not plan.report.committed


def test_a_constraint_at_commit_time_rolls_back_everything(store: Store) -> None:
    plan = importers.check_file(store, ANALYST, kind="links", file_name="links.csv",
                                data=sample("links.csv"), today=TODAY)
    store.cursor.execute("INSERT INTO link (link_id, source_person_id, target_person_id, kind, "
                         "nature, first_seen, last_seen, source_agency, recorded_date) VALUES "
                         "('LNK-S-003', 'P-C001', 'P-C002', 'peer', 'unknown', '2025-01-01', "
                         "'2025-01-01', 'police', '2025-01-01')")
    with pytest.raises(ValidationError, match="nothing from it was saved"):
        importers.commit(store, ANALYST, plan)
    assert count(store, "link") == 1 and count(store, "import_batch") == 0


@pytest.mark.parametrize("role", [Role.PANEL, Role.COMMISSIONER])
def test_only_analysts_and_admins_may_import(store: Store, role: Role) -> None:
    viewer = Viewer("someone", role, "testing")
    with pytest.raises(AccessDeniedError, match="imports are for analysts and administrators"):
        importers.check_file(store, viewer, kind="links", file_name="links.csv",
                             data=sample("links.csv"))
    denied = store.audit_log.cursor.execute("SELECT count(*) FROM audit_event WHERE event_type = "
                                  "'access_denied' AND object_kind = 'import'").fetchone()
    assert denied == (1,)


def test_commit_is_audited_and_admin_may_import(store: Store) -> None:
    admin = Viewer("test-admin", Role.ADMIN, "testing")
    rep = importers.import_file(store, admin, kind="presences", file_name="presences.csv",
                                data=sample("presences.csv"), today=TODAY)
    row = store.audit_log.cursor.execute("SELECT actor, object_id, fields FROM audit_event WHERE "
                               "event_type = 'data_imported' AND object_kind = 'import_batch'"
                               ).fetchone()
    assert row is not None and row[0] == "test-admin" and row[1] == rep.batch_id
    assert json.loads(row[2]) == {"file_kind": "presences", "total": 3, "accepted": 3,
                                  "rejected": 0}


def test_quarantine_rows_are_masked_unless_named(store: Store) -> None:
    importers.import_file(store, ANALYST, kind="person_records",
                          file_name="person_records_with_errors.csv",
                          data=sample("person_records_with_errors.csv"),
                          agency_id="social_care", today=TODAY)
    masked = store.frame("import.quarantine", ANALYST, {"batch_id": ""})
    assert masked["raw"].isna().all() and len(masked) == 6
    named = store.frame("import.quarantine", ANALYST.with_mode(Mode.NAMED), {"batch_id": ""})
    assert named["raw"].str.contains("SC-88002").any()


def test_allowed_values_match_the_schema_checks() -> None:
    from data.store import _migrations

    sql = next(s for v, _, s in _migrations() if v == 1)
    for values in (formats.PERSON_KINDS, formats.INCIDENT_KINDS, formats.HARM_CONTEXTS,
                   formats.INDICATORS, formats.INCIDENT_ROLES, formats.LINK_KINDS,
                   formats.LINK_NATURES, formats.PRESENCE_KINDS):
        for v in values:
            assert f"'{v}'" in sql, v


def test_every_format_column_is_documented() -> None:

    text = (Path(__file__).resolve().parent.parent / "docs" / "import.md").read_text()
    for fmt in formats.FORMATS.values():
        assert f"Header: `{fmt.header}`" in text, fmt.kind
        for col in fmt.columns:
            assert f"| `{col.name}` |" in text, col.name
            for value in col.allowed:
                assert f"`{value}`" in text, value


def test_an_empty_database_says_to_load_agencies_first() -> None:
    with Store.open(":memory:") as empty, pytest.raises(ValidationError,
                                                        match="has no agencies yet"):
        importers.check_file(empty, ANALYST, kind="links", file_name="links.csv",
                             data=sample("links.csv"))


def test_cli_import_reports_and_writes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from services.cli import app

    db = tmp_path / "cli.duckdb"
    with Store.open(db, create=True) as s:
        seed_reference(s)
    csv_file = tmp_path / "person_records_with_errors.csv"
    csv_file.write_bytes(sample("person_records_with_errors.csv"))
    runner = CliRunner()
    dry = runner.invoke(app, ["import", str(csv_file), "--agency", "social_care", "--db", str(db),
                              "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "row 5, kind: kind 'kid' is not allowed" in dry.output and "dry run" in dry.output
    done = runner.invoke(app, ["import", str(csv_file), "--agency", "social_care", "--db",
                               str(db)])
    assert done.exit_code == 0 and "7 rows, 1 accepted, 6 rejected. Written." in done.output
    bad = runner.invoke(app, ["import", str(csv_file), "--type", "links", "--db", str(db)])
    assert bad.exit_code == 2 and "does not look like a links file" in bad.output


def test_cli_refuses_a_huge_file_before_reading_it(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from services.cli import app

    big = tmp_path / "person_records.csv"
    big.write_bytes(b"x" * 2_000)
    monkeypatch.setenv("CSMAP_IMPORT_MAX_BYTES", "1000")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before the check"))
    res = CliRunner().invoke(app, ["import", str(big), "--agency", "social_care", "--db",
                                   str(tmp_path / "never.duckdb")])
    assert res.exit_code == 2 and "over the import limit" in res.output
    assert not (tmp_path / "never.duckdb").exists()


def test_commissioners_cannot_list_batches_or_quarantine(store: Store) -> None:
    commissioner = Viewer("c", Role.COMMISSIONER, "testing")
    for name, params in (("import.batches", {"n": 5}), ("import.batches_admin", {"n": 5}),
                         ("import.quarantine", {"batch_id": ""}),
                         ("import.quarantine_reasons", {"batch_id": ""})):
        with pytest.raises(AccessDeniedError):
            store.run(name, commissioner, params)


def test_empty_trailing_columns_from_spreadsheets_are_ignored(store: Store) -> None:
    text = ("presence_id,person_id,place_id,kind,seen_at,,\n"
            "S1,P-C001,PL-PARK-1,seen_at,2025-03-01,,\n"
            "S2,P-C001,PL-PARK-1,seen_at,2025-03-01,,oops\n")
    rep = check(store, "presences", text).report
    assert (rep.accepted, rep.rejected) == (1, 1)
    assert "has 7 values but the header has 5" in rep.problems[0].reason


@pytest.mark.parametrize(("row", "column", "secret"), [
    ("I1,2025-01-01,arrest,unknown,,Jane Smith:victim,", "people", "Jane Smith"),
    ("I1,2025-01-01,arrest,unknown,14 Acacia Avenue Crewe,,", "place_id", "Acacia"),
    ("I1,2025-01-01,Jane Anne Smith,unknown,,,", "kind", "Jane"),
])
def test_problem_reasons_do_not_copy_names_or_addresses(store: Store, row: str, column: str,
                                                        secret: str) -> None:
    """A name or address put where an id or code belongs is reported without repeating it:
    reasons reach quarantine, the pseudonymised import view and the audit trail."""
    header = "incident_id,occurred_at,kind,harm_context,place_id,people,narrative\n"
    plan = importers.check_file(store, ANALYST, kind="incidents", file_name="incidents.csv",
                                data=(header + row + "\n").encode(), agency_id="police")
    problems = [p for p in plan.report.problems if p.column == column]
    assert problems, plan.report.problems
    assert all(secret not in p.reason for p in plan.report.problems)


def test_each_cell_kind_is_typed_or_explained(store: Store) -> None:
    """One row per cell kind the checker reads: values typed, or a reason naming the column."""
    pres = "presence_id,person_id,place_id,kind,seen_at\n"
    future = check(store, "presences", pres + "S1,P-C001,PL-PARK-1,seen_at,2025-07-02 10:00\n")
    assert "seen_at is in the future" in future.report.problems[0].reason
    nobody = check(store, "presences", pres + "S1,P-NOPE,PL-PARK-1,seen_at,2025-03-01\n")
    assert nobody.report.problems[0].column == "person_id"
    assert nobody.report.problems[0].reason.startswith("person_id: unknown person 'P-NOPE'")
    links = ("link_id,source_person_id,target_person_id,kind,nature,first_seen,last_seen,"
             "verified\n")
    yes = check(store, "links", links + "L1,P-C001,P-C002,peer,unknown,2025-01-01,2025-01-02,"
                "Yes\nL2,P-C001,P-C002,Peer,Harmful,2025-01-01,2025-01-02,0\n")
    assert [r["verified"] for r in yes.rows] == [True, False]
    assert [(r["kind"], r["nature"]) for r in yes.rows] == [("peer", "unknown"),
                                                            ("peer", "harmful")]
    inc = "incident_id,occurred_at,kind,harm_context,indicators,narrative\n"
    listed = check(store, "incidents", inc + "I1,2025-01-01,arrest,unknown,"
                   "emotional; Physical;emotional,\n")
    assert listed.rows[0]["indicators"] == ["emotional", "physical"]
    assert listed.rows[0]["narrative"] is None and listed.rows[0]["people"] == []
    long = check(store, "incidents", inc + "I2,2025-01-01,arrest,unknown,," + "x" * 10_001 + "\n")
    assert long.report.problems[0].reason == "narrative is longer than 10,000 characters"
