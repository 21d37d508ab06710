"""The tamper-evident audit store (data/audit_log.py): its own file, insert-only, chained and
signed with a key kept outside the database; `csmap audit verify` catches an altered event, a
removed one, a cut tail and an old head; and nothing personal is shown when the audit cannot
be written."""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from data import audit_log, queries
from data.audit_log import AuditPaths
from data.store import Store
from domain import audit
from domain.access import Role, Viewer
from domain.errors import AuditError
from services.cli import app
from tests.apptest_support import page_app, private_copy

runner = CliRunner()
ADMIN = Viewer("test-admin", Role.ADMIN, "audit store test")
EVENTS = 10


def _event(n: int) -> audit.Consultation:
    return audit.Consultation(who=audit.Who.of(ADMIN), object_kind="person",
                              object_id=f"C{n}", person_ids=(f"C{n}",), source="test", rows=n)


def _write(db: Path, n: int) -> None:
    with Store.open(db, create=True) as store:
        for i in range(n):
            store.audit(_event(i))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database whose audit trail holds :data:`EVENTS` events."""
    path = tmp_path / "case.duckdb"
    _write(path, EVENTS)
    return path


def _tamper(db: Path, sql: str) -> None:
    """Change the audit store behind CSMap's back, as someone holding the file could."""
    con = duckdb.connect(str(AuditPaths.beside(db).store))
    con.execute(sql)
    con.close()


def _verify(db: Path) -> tuple[int, str]:
    res = runner.invoke(app, ["audit", "verify", "--db", str(db)])
    return res.exit_code, res.output


# -- where it lives ---------------------------------------------------------------------------

def test_the_trail_lives_beside_the_case_database_not_in_it(db: Path) -> None:
    paths = AuditPaths.beside(db)
    assert all(p.exists() for p in paths.files())
    con = duckdb.connect(str(db), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
              .fetchall()}
    con.close()
    assert "audit_event" not in tables
    with Store.open(db) as store:
        rows = store.frame("admin.audit_events", ADMIN,
                           {"start": "2000-01-01", "end": "2100-01-01"})
    assert sorted(rows["event_id"])[:EVENTS] == list(range(1, EVENTS + 1))
    head = json.loads(paths.head.read_text())
    assert head["event_id"] == EVENTS + 1  # + the read of the trail just now


def test_only_the_audit_writer_touches_the_trail() -> None:
    """Insert-only: no registered statement writes to the audit store, and reads of it are
    marked as such (the gateway runs them on the audit store's own connection)."""
    for spec in queries.all_specs():
        if "audit_event" in spec.sql:
            assert spec.on_audit_store and not spec.write, spec.name


def test_the_key_is_made_private_and_a_readable_key_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "secrets" / "audit.key"
    monkeypatch.setenv("CSMAP_AUDIT_KEY_PATH", str(key))
    first = audit_log.load_key()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert audit_log.load_key() == first and len(first) == 32
    key.chmod(0o644)
    with pytest.raises(AuditError, match="chmod 600"):
        audit_log.load_key()


# -- verify -------------------------------------------------------------------------------------

def test_an_intact_trail_verifies(db: Path) -> None:
    code, out = _verify(db)
    assert code == 0, out
    assert f"{EVENTS} events chained and signed, head matches, 1 checkpoints hold" in out


def test_an_altered_event_is_named(db: Path) -> None:
    _tamper(db, "UPDATE audit_event SET purpose = 'nothing to see' WHERE event_id = 4")
    code, out = _verify(db)
    assert code == 1 and "FAILS at event 4" in out and "altered" in out


def test_an_event_resigned_without_the_key_is_caught(db: Path) -> None:
    """Recomputing the hash after a change is not enough: the HMAC needs the key."""
    with duckdb.connect(str(AuditPaths.beside(db).store)) as con:
        row = dict(zip(audit_log.COLUMNS, con.execute(
            "SELECT * FROM audit_event WHERE event_id = 6").fetchone() or (), strict=True))
        row["actor"] = "someone-else"
        forged = audit_log.seal(b"a guessed key of thirty-two bytes!", row)
        con.execute("UPDATE audit_event SET actor = $a, hash = $h, hmac = $m "
                    "WHERE event_id = 6", {"a": "someone-else", "h": forged["hash"],
                                           "m": forged["hmac"]})
    code, out = _verify(db)
    assert code == 1 and "FAILS at event 6" in out and "HMAC" in out


def test_a_removed_middle_event_is_named(db: Path) -> None:
    _tamper(db, "DELETE FROM audit_event WHERE event_id = 5")
    code, out = _verify(db)
    assert code == 1 and "FAILS at event 5" in out and "missing" in out


def test_a_cut_tail_is_caught_by_the_head(db: Path) -> None:
    _tamper(db, "DELETE FROM audit_event WHERE event_id >= 8")
    code, out = _verify(db)
    assert code == 1 and "FAILS at event 8" in out and "tail was cut" in out


def test_an_older_head_is_caught(db: Path, tmp_path: Path) -> None:
    head = AuditPaths.beside(db).head
    old = tmp_path / "old-head.json"
    shutil.copy(head, old)  # the head after event 10
    _write(db, 3)
    shutil.copy(old, head)
    code, out = _verify(db)
    assert code == 1 and "FAILS at event 11" in out and "older" in out


def test_a_cut_tail_with_an_older_head_is_caught_by_a_checkpoint(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone who cuts the tail AND puts back an older head is caught by the checkpoint the
    next day's first event left."""
    head = AuditPaths.beside(db).head
    old = tmp_path / "old-head.json"
    shutil.copy(head, old)
    monkeypatch.setattr(audit_log, "_now", lambda: datetime(2099, 1, 2, 9, 0))
    _write(db, 2)  # events 11-12 on a new day: a checkpoint at 11
    _tamper(db, "DELETE FROM audit_event WHERE event_id > 10")
    shutil.copy(old, head)
    code, out = _verify(db)
    assert code == 1 and "FAILS at event 11" in out and "checkpoint of 2099-01-02" in out


def test_another_key_does_not_verify(db: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSMAP_AUDIT_KEY_PATH", str(tmp_path / "other" / "audit.key"))
    audit_log.load_key()
    code, out = _verify(db)
    assert code == 1 and ("FAILS at event 1" in out or "not signed" in out)


def test_a_trail_that_does_not_match_its_head_is_not_written_to(db: Path) -> None:
    """Fail closed at open: the store will not chain new events onto a cut trail."""
    _tamper(db, "DELETE FROM audit_event WHERE event_id >= 9")
    with pytest.raises(AuditError, match="does not match its head"):
        Store.open(db)


def test_a_head_update_cut_short_by_a_crash_is_finished_on_open(db: Path,
                                                                tmp_path: Path) -> None:
    """The event is committed before the head is replaced; a crash in between leaves the head
    one event behind, which the next open rolls forward (the event's HMAC verifies)."""
    head = AuditPaths.beside(db).head
    before = tmp_path / "head.json"
    shutil.copy(head, before)
    _write(db, 1)
    shutil.copy(before, head)  # as if the process died before replacing the head
    assert _verify(db)[0] == 1
    Store.open(db).close()
    code, out = _verify(db)
    assert code == 0, out


def test_a_missing_audit_store_is_not_replaced_by_a_new_one(db: Path) -> None:
    AuditPaths.beside(db).store.unlink()
    with pytest.raises(AuditError, match="is missing"):
        Store.open(db)
    code, out = _verify(db)
    assert code == 1 and "FAILS at event 1" in out


# -- audit before render, fail closed -------------------------------------------------------------

def test_a_read_is_not_returned_when_its_audit_cannot_be_written(db: Path) -> None:
    head = AuditPaths.beside(db).head
    with Store.open(db) as store:
        head.with_name(head.name + ".tmp").mkdir()  # the head cannot be replaced, even by root
        with pytest.raises(AuditError, match="nothing personal is shown"):
            store.run("admin.audit_events", ADMIN, {"start": "2000-01-01", "end": "2100-01-01"})
        with pytest.raises(AuditError):  # and every later read, until it can be written
            store.run("protection.people", ADMIN)
        head.with_name(head.name + ".tmp").rmdir()
        shown = store.run("admin.audit_events", ADMIN,
                          {"start": "2000-01-01", "end": "2100-01-01"}).frame
        assert len(shown) == EVENTS + 1  # + the one written before the head failed
    code, out = _verify(db)
    assert code == 0, out


def test_a_read_is_not_returned_when_the_audit_store_is_gone(db: Path) -> None:
    with Store.open(db) as store:
        store.audit_log._writer.close()  # fault injection: the audit store's writer is gone
        with pytest.raises(AuditError, match="could not be written"):
            store.run("protection.people", ADMIN)


def test_a_page_shows_a_readable_error_and_no_data_when_the_audit_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import panel_town

    template = panel_town.make(tmp_path / "template" / "town.duckdb")
    path = private_copy(template, tmp_path, monkeypatch, name="town.duckdb")
    _write(path, 1)
    blocked = AuditPaths.beside(path).head
    blocked.with_name(blocked.name + ".tmp").mkdir()
    at = page_app("child.py")
    at.session_state["csmap_role"] = "panel"
    at.run()
    assert not at.exception, at.exception
    assert any("audit trail could not be written" in e.value for e in at.error)
    assert not at.dataframe and not at.subheader  # no child, no table
    assert "CH-0001" not in " ".join(m.value for m in at.markdown)


def test_the_key_and_files_are_not_in_the_repository() -> None:
    """The test run's key lives outside the repository, as a deployer's must."""
    key = audit_log.key_path().resolve()
    root = Path(__file__).resolve().parent.parent
    assert root not in key.parents
    assert os.environ["CSMAP_AUDIT_KEY_PATH"] == str(key)


def test_one_writer_per_file_however_often_the_database_is_opened(db: Path) -> None:
    """The dashboard's cached store and a second open of the same file in one process share
    the audit writer, so sequence numbers are never used twice."""
    first, second = Store.open(db), Store.open(db)
    try:
        assert first.audit_log is second.audit_log
        for n in range(3):
            first.audit(_event(n))
            second.audit(_event(n))
    finally:
        first.close()
    second.audit(_event(9))  # still open for the second
    second.close()
    code, out = _verify(db)
    assert code == 0 and f"{EVENTS + 7} events" in out, out


def test_a_read_only_database_shows_nothing_personal(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    Store.open(path, create=True).close()
    for p in AuditPaths.beside(path).files():
        p.unlink(missing_ok=True)
    with Store.open(path, read_only=True) as store, \
            pytest.raises(AuditError, match="opened read-only"):
        store.run("protection.people", ADMIN)
