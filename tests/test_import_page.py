"""AppTest for the Import page: check, commit, cancel, quarantine, merge review, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import common
from data import importers
from data.store import Store
from domain.access import Role, Viewer
from tests.apptest_support import page_app
from tests.import_support import TODAY, sample, seed_reference

PAGE = str(Path(__file__).resolve().parent.parent / "dashboard" / "views" / "data_import.py")


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Store:
    """A file store with the sample reference data, opened the way the page opens it."""
    path = tmp_path / "import.duckdb"
    store = Store.open(path, create=True)
    seed_reference(store)
    store.close()
    monkeypatch.setenv("CSMAP_DB_PATH", str(path))
    return common._open_store(str(path))


def run(role: str = "analyst", mode: str = "pseudonymised") -> AppTest:
    at = page_app(PAGE, default_timeout=60)
    at.session_state["csmap_role"] = role
    at.session_state["csmap_mode"] = mode
    return at.run()


def count(store: Store, table: str) -> int:
    row = store.cursor.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
    return int(row[0]) if row else 0


def check_sample(at: AppTest, name: str, agency: str | None = None,
                 kind: str | None = None) -> AppTest:
    at.selectbox(key="import_sample").select(name).run()
    if kind:
        at.selectbox(key="import_kind").select(kind).run()
    if agency:
        at.selectbox(key="import_agency").select(agency).run()
    return at.button(key="import_check").click().run()


def test_analyst_checks_a_sample_sees_the_report_and_commits(db: Store) -> None:
    at = check_sample(run(), "person_records_with_errors.csv", "social_care")
    assert not at.exception, at.exception
    assert at.selectbox(key="import_kind").value == "person_records"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Rows in file": "7", "Accepted": "1", "Rejected (to quarantine)": "6"}
    assert any("1 accepted + 6 rejected = 7 rows" in c.value for c in at.caption)
    problems = at.dataframe[0].value
    assert list(problems["row"]) == [3, 4, 5, 6, 7, 8]
    assert count(db, "person_record") == 0, "nothing is written before commit"
    at.button(key="import_commit").click().run()
    assert not at.exception
    assert "7 rows, 1 accepted, 6 rejected. Written." in at.main.success[0].value
    assert count(db, "person_record") == 1 and count(db, "quarantine_row") == 6
    quarantine = at.dataframe[-1].value
    assert len(quarantine) == 6 and quarantine["raw"].isna().all(), "pseudonymised by default"


def test_cancel_writes_nothing(db: Store) -> None:
    at = check_sample(run(), "presences.csv")
    at.button(key="import_cancel").click().run()
    assert "nothing was written" in at.info[-1].value
    assert count(db, "presence") == 0 and count(db, "import_batch") == 0


def test_a_file_of_the_wrong_type_gets_a_readable_error(db: Store) -> None:
    at = check_sample(run(), "person_records_police.csv", kind="incidents")
    assert not at.exception
    text = at.error[0].value
    assert "does not look like a incidents file" in text and "Expected header" in text


def _import_records(db: Store, *files: tuple[str, str | None]) -> None:
    """Import sample person-record files (file name, agency) as an analyst."""
    analyst = Viewer("test", Role.ANALYST, "testing")
    for name, agency in files:
        importers.import_file(db, analyst, kind="person_records", file_name=name,
                              data=sample(name), agency_id=agency, today=TODAY)


def test_merge_review_confirms_a_pair_pseudonymised(db: Store) -> None:
    _import_records(db, ("person_records_police.csv", None),
                    ("person_records_social_care.csv", "social_care"))
    at = run()
    at.button(key="import_find").click().run()
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    assert len(table) >= 4 and "name A" not in table.columns
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert "Confirmed: both records now belong to person" in at.main.success[-1].value
    assert count(db, "merge_decision") == 1
    assert len(at.dataframe[-1].value) == len(table) - 1


def test_admin_sees_quarantine_reasons_but_not_merge_review(db: Store) -> None:
    admin = Viewer("test-admin", Role.ADMIN, "testing")
    importers.import_file(db, admin, kind="person_records",
                          file_name="person_records_with_errors.csv",
                          data=sample("person_records_with_errors.csv"),
                          agency_id="social_care", today=TODAY)
    at = run("admin")
    assert not at.exception, at.exception
    reasons = at.dataframe[-1].value
    assert "raw" not in reasons.columns and len(reasons) == 6
    assert any("for analysts" in i.value for i in at.info)


@pytest.mark.parametrize("role", ["commissioner", "panel"])
def test_other_roles_are_refused_readably(db: Store, role: str) -> None:
    at = run(role)
    assert not at.exception
    assert "for the analyst, admin role(s)" in at.warning[0].value
    assert not at.main.button


def test_merge_review_in_named_mode_shows_names(db: Store) -> None:
    _import_records(db, ("person_records_police.csv", None),
                    ("person_records_education.csv", "education"))
    at = run("analyst", "named")
    at.button(key="import_find").click().run()
    table = at.dataframe[-1].value
    assert "Jayden Whitfield" in set(table["name A"]) | set(table["name B"])
    at.button(key="import_reject").click().run()
    assert not at.exception
    assert "Recorded as different people." in at.main.success[-1].value


def test_quarantined_row_can_be_marked_dealt_with(db: Store) -> None:
    importers.import_file(db, Viewer("t", Role.ANALYST, "testing"), kind="person_records",
                          file_name="person_records_with_errors.csv",
                          data=sample("person_records_with_errors.csv"),
                          agency_id="social_care", today=TODAY)
    at = run()
    at.button(key="import_resolve").click().run()
    assert not at.exception, at.exception
    row = db.cursor.execute("SELECT count(*) FROM quarantine_row WHERE status = 'resolved'")
    assert row.fetchall() == [(1,)]


def test_empty_database_gives_a_readable_error(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    Store.open(path, create=True).close()
    monkeypatch.setenv("CSMAP_DB_PATH", str(path))
    at = check_sample(run(), "links.csv")
    assert not at.exception, at.exception
    assert "has no agencies yet" in at.error[0].value


def test_report_says_how_the_file_was_read_and_a_wrong_separator_is_explained(
        db: Store) -> None:
    at = check_sample(run(), "person_records_education.csv", "education")
    assert not at.exception, at.exception
    assert any("Read as text in utf-8 (detected), values separated by comma (detected)"
               in i.value for i in at.info)
    at.selectbox(key="import_delimiter").select("semicolon").run()
    at.button(key="import_check").click().run()
    assert any("separated by commas, but was read with another separator" in e.value
               for e in at.error), [e.value for e in at.error]
    assert at.session_state["import_plan"] is None
    at.selectbox(key="import_delimiter").select("(detect)").run()
    at.selectbox(key="import_encoding").select("cp1252").run()
    at.button(key="import_check").click().run()
    assert any("cp1252 (as chosen)" in i.value for i in at.info)
