"""Erasure that erases: a canary name imported through the importer (confirmed person records,
a record awaiting merge review, a quarantined row, searches and purposes in the audit) is
erased, and then no byte of it is left in the database file or its write-ahead log; an
interrupted erasure is finished by running it again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from data import importers
from data.importers import review
from data.store import Store
from domain import audit
from domain.access import Mode, Role, Viewer
from domain.errors import NotFoundError, ValidationError
from services import protection
from tests.import_support import TODAY, seed_reference

ANALYST = Viewer("canary-analyst", Role.ANALYST, "record linkage of agency files", Mode.NAMED)
ADMIN = Viewer("canary-admin", Role.ADMIN, "erasure request")
GIVEN, FAMILY, DOB, POSTCODE = "Zebulonqx", "Quarringtonby", "2011-04-17", "CW9 7ZQ"
CANARIES = (GIVEN, FAMILY, DOB, "17/04/2011", POSTCODE, "CW97ZQ")
HEADER = "local_ref,agency_id,given_name,family_name,date_of_birth,postcode,kind,sex,recorded_date"


def _records(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _import(store: Store, name: str, data: bytes) -> importers.ImportReport:
    return importers.import_file(store, ANALYST, kind="person_records", file_name=name,
                                 data=data, today=TODAY)


def _canary_town(path: Path) -> tuple[str, str]:
    """A store holding the canary child: two agencies' records confirmed as one person, a
    third awaiting merge review (family name misspelt, with a rejected decision on it), a
    quarantined row with their name, and audit text naming them. Also a bystander child's
    record awaiting review, which must stay. Returns (person id, pseudonym)."""
    with Store.open(path, create=True) as store:
        seed_reference(store)
        _import(store, "person_records_police.csv", _records(
            f"POL-9001,police,{GIVEN},{FAMILY},{DOB},{POSTCODE},child,M,2025-03-02",
            "POL-9002,police,Olivia,Smith,2010-02-03,CW1 1AA,child,F,2025-03-02"))
        _import(store, "person_records_social_care.csv", _records(
            f"SC-9001,social_care,{GIVEN.upper()},{FAMILY},17/04/2011,{POSTCODE.lower()},"
            "child,M,2025-03-05"))
        _import(store, "person_records_education.csv", _records(
            f"ED-9001,education,{GIVEN},Quarringtomby,{DOB},{POSTCODE},child,M,2025-03-07",
            f"ED-9002,education,{GIVEN},{FAMILY},2011-13-04,{POSTCODE},kid,M,2025-03-07"))
        ids = dict(store.cursor.execute(
            "SELECT local_ref, record_id FROM person_record").fetchall())
        person_id = review.confirm_match(store, ANALYST, ids["POL-9001"], ids["SC-9001"])
        review.reject_match(store, ANALYST, ids["ED-9001"], ids["POL-9002"])
        pseudonym = store.cursor.execute("SELECT pseudonym FROM person WHERE person_id = $p",
                                         {"p": person_id}).fetchone()[0]
        # a purpose and recipients typed with the name (the audit store is append-only: they
        # are written with the pseudonym in place of the full name, data/store.py)
        store.audit(audit.Disclosure(
            who=audit.Who(ADMIN.actor, Role.ADMIN, f"SAR for {FAMILY}, {GIVEN}"),
            object_kind="person", object_id=person_id, person_ids=(person_id,),
            what="subject access report", file_format="csv",
            recipients=(f"{GIVEN} {FAMILY} (by secure email)",), named=False))
        store.cursor.execute("CHECKPOINT")
    return person_id, pseudonym


def _bytes_found(folder: Path) -> dict[str, list[str]]:
    """Which canary strings appear in which file of ``folder`` (database, WAL, anything)."""
    found: dict[str, list[str]] = {}
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            data = f.read_bytes()
            hits = [c for c in CANARIES if c.encode() in data or c.lower().encode() in data
                    or c.upper().encode() in data]
            if hits:
                found[f.name] = hits
    return found


@pytest.fixture
def canary(tmp_path: Path) -> Iterator[tuple[Path, str, str]]:
    """(database path in a folder of its own, person id, pseudonym) of the canary town."""
    folder = tmp_path / "db"
    path = folder / "canary.duckdb"
    person_id, pseudonym = _canary_town(path)
    yield path, person_id, pseudonym


def test_canary_is_in_the_file_before_and_nowhere_after_erasure(
        canary: tuple[Path, str, str]) -> None:
    path, person_id, pseudonym = canary
    before = _bytes_found(path.parent)
    assert set(before.get(path.name, [])) >= {GIVEN, FAMILY, POSTCODE}  # the test can see

    with Store.open(path) as store:
        plan = protection.plan_deletion(store, ADMIN, person_id)
        assert len(plan.record_ids) == 1  # the one awaiting review; not the bystander's
        assert len(plan.quarantine_ids) == 1
        assert plan.counts["person_record"] == 3 and plan.counts["quarantine_row"] == 1
        assert plan.counts["merge_decision"] == 2  # the confirmed and the rejected pair

    res = CliRunner().invoke(_cli(), ["erase", pseudonym, "--db", str(path), "--reason",
                                      f"erasure request from {GIVEN} {FAMILY}"])
    assert res.exit_code == 0, res.output
    assert f"{pseudonym} erased" in res.output and "rewritten" in res.output

    assert _bytes_found(path.parent) == {}
    with Store.open(path) as store:
        rows = store.cursor.execute(
            "SELECT local_ref, person_id FROM person_record ORDER BY local_ref").fetchall()
        assert rows == [("POL-9002", None)]  # the bystander's record awaits review
        erasure = store.audit_log.cursor.execute(
            "SELECT purpose, person_ids, fields FROM audit_event WHERE event_type = 'erasure'"
        ).fetchall()
        assert len(erasure) == 1
        purpose, people, fields = erasure[0]
        assert purpose == "erasure request from [deleted person]" and people == [person_id]
        assert json.loads(fields)["rows"]["quarantine_row"] == 1
        assert store.cursor.execute("SELECT count(*) FROM erasure").fetchone() == (0,)
        with pytest.raises(NotFoundError):
            protection.find_person(store, ADMIN, pseudonym)


def _cli():  # type: ignore[no-untyped-def]
    from services.cli import app

    return app


def _fail_on_swap(real):  # type: ignore[no-untyped-def]
    """os.replace that fails for the rewrite's swap only (the audit head keeps working)."""
    def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        if ".rewrite-" in str(src):
            raise OSError("power cut (injected)")
        return real(src, dst, *args, **kwargs)
    return replace


@pytest.mark.parametrize("where", ["phase 2", "home", "audit", "copy", "swap"])
def test_an_interrupted_erasure_is_finished_by_running_it_again(
        canary: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Fault injected between steps: the store keeps working, the erasure in progress is
    recorded, and running the erasure again (by pseudonym) finishes it, bytes included."""
    import data.store as store_module

    path, person_id, pseudonym = canary
    with Store.open(path) as store, monkeypatch.context() as patch:
        if where == "phase 2":
            patch.setattr(protection, "PHASE_2", ("protection.delete_items",
                                                  "protection.no_such_statement"))
        elif where == "home":
            patch.setattr(store, "execute_many", _fail_at_step(store.execute_many,
                                                              "home_checked"))
        elif where == "audit":
            patch.setattr(store, "audit", _fail_on_erasure_event(store.audit))
        elif where == "copy":
            patch.setattr(store_module.duckdb, "connect", _fail_on_plain_connect(
                store_module.duckdb.connect))
        else:
            patch.setattr(store_module.os, "replace", _fail_on_swap(store_module.os.replace))
        with pytest.raises(Exception):  # noqa: B017  (whatever the fault)
            protection.delete_person(store, ADMIN, person_id, confirm=pseudonym,
                                     purpose="erasure request")
        pending = protection.pending_erasure(store, ADMIN)
        assert pending is not None and pending.plan.person_id == person_id
        assert store.counts()["person"] >= 6  # the store still answers
    assert [p.name for p in path.parent.iterdir() if ".rewrite-" in p.name] == []
    with (Store.open(path) as store,
          pytest.raises(ValidationError, match=f"erasure of {pseudonym} was interrupted")):
        protection.delete_person(store, ADMIN, "P-C001", confirm="CHILD-0001",
                                 purpose="another erasure")
    res = CliRunner().invoke(_cli(), ["erase", pseudonym, "--db", str(path),
                                      "--reason", "erasure request"])
    assert res.exit_code == 0, res.output
    assert "interrupted erasure finished" in res.output
    assert _bytes_found(path.parent) == {}
    with Store.open(path) as store:
        assert protection.pending_erasure(store, ADMIN) is None
        assert store.audit_log.cursor.execute("SELECT count(*) FROM audit_event "
                                    "WHERE event_type = 'erasure'").fetchone()[0] >= 1


def _fail_on_erasure_event(real):  # type: ignore[no-untyped-def]
    """Store.audit that fails to write the erasure event (and only that)."""
    def write(event):  # type: ignore[no-untyped-def]
        if isinstance(event, audit.Erasure):
            raise OSError("audit store unwritable (injected)")
        return real(event)
    return write


def _fail_at_step(real, step: str):  # type: ignore[no-untyped-def]
    """Store.execute_many that fails on the statements reaching erasure step ``step``."""
    def execute_many(viewer, statements):  # type: ignore[no-untyped-def]
        if any(params.get("step") == step for _, params in statements):
            raise OSError("killed (injected)")
        return real(viewer, statements)
    return execute_many


def _fail_on_plain_connect(real):  # type: ignore[no-untyped-def]
    """duckdb.connect that fails for the rewrite's own connection (no config given)."""
    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        if "config" not in kwargs:
            raise OSError("disk full (injected)")
        return real(*args, **kwargs)
    return connect


def test_rewrite_keeps_schema_sequences_and_rows_and_the_cached_store_works(
        demo_copy: Store) -> None:
    store = demo_copy
    store.audit(audit.Consultation(who=audit.Who.of(ADMIN), object_kind="test",
                                   source="test", rows=0))
    schema = store.cursor.execute(
        "SELECT table_name, sql FROM duckdb_tables() WHERE database_name = current_database()"
        " ORDER BY 1").fetchall()
    constraints = store.cursor.execute(
        "SELECT table_name, constraint_text FROM duckdb_constraints() "
        "WHERE database_name = current_database() ORDER BY ALL").fetchall()
    counts, version = store.counts(), store.schema_version()
    last = store.audit_log.cursor.execute("SELECT max(event_id) FROM audit_event").fetchone()[0]
    copied = store.rewrite()
    assert copied["person"] == counts["person"] and store.counts() == counts
    assert store.schema_version() == version
    assert store.cursor.execute(
        "SELECT table_name, sql FROM duckdb_tables() WHERE database_name = current_database()"
        " ORDER BY 1").fetchall() == schema
    assert store.cursor.execute(
        "SELECT table_name, constraint_text FROM duckdb_constraints() "
        "WHERE database_name = current_database() ORDER BY ALL").fetchall() == constraints
    store.audit(audit.Consultation(who=audit.Who.of(ADMIN), object_kind="test",
                                   source="test", rows=0))
    newest = store.audit_log.cursor.execute("SELECT max(event_id) FROM audit_event").fetchone()
    assert newest[0] == last + 1  # the sequence carries on
    assert len(store.frame("protection.people", ADMIN, limit=10_000)) == counts["person"]


def test_rewrite_waits_for_other_threads_and_they_carry_on(demo_copy: Store) -> None:
    """Sessions of a running dashboard share one Store: while one rewrites, the others'
    queries wait, then run on the new file through the same object."""
    import threading

    store = demo_copy
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        try:
            while not done.is_set():
                assert len(store.frame("protection.people", ADMIN, limit=10_000)) > 0
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for _ in range(3):
        store.rewrite()
    done.set()
    for t in threads:
        t.join()
    assert errors == []


def test_the_schema_allows_exactly_the_steps_of_an_erasure() -> None:
    from tests.test_vocabulary import _schema_checks

    assert _schema_checks()[("erasure", "step")] == protection.STEPS
