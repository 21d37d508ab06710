"""`csmap backup` and `csmap restore` (data/backup.py): a consistent snapshot of the case data
and the audit store with a manifest, restored and compared; refusals that keep data safe."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from data import audit_log, backup
from data.audit_log import AuditPaths
from data.store import Store
from domain.access import Role, Viewer
from services import protection
from services.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
ADMIN = Viewer("test-admin", Role.ADMIN, "backup test")


@pytest.fixture
def town(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo town whose audit trail holds a subject access report's reads."""
    import shutil

    path = tmp_path / "live" / "town.duckdb"
    path.parent.mkdir()
    shutil.copy(demo_db, path)
    with Store.open(path) as store:
        protection.subject_access(store, ADMIN, protection.find_person(store, ADMIN,
                                                                       "YP-00001"))
    return path


def _cli(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


def test_backup_restore_and_compare(town: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backups" / "monday"
    code, out = _cli("backup", "--db", str(town), str(dest))
    assert code == 0, out
    manifest = json.loads((dest / "manifest.json").read_text())
    names = {p.name for p in dest.iterdir()}
    assert names == {"manifest.json", "town.duckdb", *(p.name for p in
                                                        AuditPaths.beside(town).files())}
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert manifest["tables"]["case"]["person"]["rows"] == 450
    assert manifest["audit_events"] == 15 and manifest["audit_verified"] is True
    assert not [p for p in dest.parent.iterdir() if ".partial-" in p.name]
    key = audit_log.key_path().read_bytes()
    assert all(key not in p.read_bytes() for p in dest.iterdir())  # never the key

    restored = tmp_path / "elsewhere" / "copy.duckdb"
    code, out = _cli("restore", str(dest), "--db", str(restored))
    assert code == 0, out
    assert "row counts and content hashes match" in out and "audit trail verified" in out
    assert backup.table_hashes(restored) == backup.table_hashes(town) \
        == manifest["tables"]["case"]
    assert backup.table_hashes(AuditPaths.beside(restored).store) \
        == manifest["tables"]["audit"]
    code, out = _cli("audit", "verify", "--db", str(restored))
    assert code == 0 and "15 events" in out, out
    with Store.open(restored) as store:  # the restored copy carries on its chain
        assert store.counts()["person"] == manifest["tables"]["case"]["person"]["rows"]
        store.run("protection.people", ADMIN)
    code, out = _cli("audit", "verify", "--db", str(restored))
    assert code == 0 and "16 events" in out, out


def test_restore_refuses_to_overwrite_without_force(town: Path, tmp_path: Path) -> None:
    dest = tmp_path / "b"
    assert _cli("backup", "--db", str(town), str(dest))[0] == 0
    with Store.open(town) as store:  # a later event the backup does not have
        store.run("protection.people", ADMIN)
    code, out = _cli("restore", str(dest), "--db", str(town))
    assert code == 2 and "already exists: pass --force" in out
    code, out = _cli("restore", str(dest), "--db", str(town), "--force")
    assert code == 0, out
    kept = [p for p in town.parent.iterdir() if ".before-restore-" in p.name]
    assert {p.name.split(".before-restore-")[0] for p in kept} == {
        p.name for p in AuditPaths.beside(town).files()}  # the replaced trail is kept aside
    assert _cli("audit", "verify", "--db", str(town))[0] == 0


def test_backup_refuses_an_existing_folder(town: Path, tmp_path: Path) -> None:
    (tmp_path / "there").mkdir()
    code, out = _cli("backup", "--db", str(town), str(tmp_path / "there"))
    assert code == 2 and "already exists: choose a new folder" in out


def test_restore_refuses_an_altered_or_incomplete_backup(town: Path, tmp_path: Path) -> None:
    dest = tmp_path / "b"
    assert _cli("backup", "--db", str(town), str(dest))[0] == 0
    target = tmp_path / "r" / "x.duckdb"
    with open(dest / AuditPaths.beside(town).head.name, "a") as fh:
        fh.write(" ")
    code, out = _cli("restore", str(dest), "--db", str(target))
    assert code == 2 and "differs from the backup's manifest" in out
    (dest / "manifest.json").unlink()
    code, out = _cli("restore", str(dest), "--db", str(target))
    assert code == 2 and "not a complete CSMap backup" in out
    assert not target.exists()


@pytest.fixture
def held(town: Path) -> Iterator[Path]:
    """The town held open by another process, as a running dashboard holds it."""
    code = ("import sys, time, duckdb; con = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(town)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield town
    proc.kill()
    proc.wait()


def test_nothing_restores_over_or_backs_up_an_open_database(held: Path,
                                                           tmp_path: Path) -> None:
    code, out = _cli("backup", "--db", str(held), str(tmp_path / "b"))
    assert code == 2 and "open in another CSMap process" in out
    assert not (tmp_path / "b").exists()
    good = tmp_path / "good"
    other = tmp_path / "other.duckdb"
    Store.open(other, create=True).close()
    assert _cli("backup", "--db", str(other), str(good))[0] == 0
    before = held.stat().st_mtime_ns, held.stat().st_size
    started = time.monotonic()
    code, out = _cli("restore", str(good), "--db", str(held), "--force")
    assert code == 2 and "open in another process" in out, out
    assert (held.stat().st_mtime_ns, held.stat().st_size) == before
    assert time.monotonic() - started < 30
