"""Crash safety: kill -9 a process during an import, an action save and a backup; on reopen
committed data is complete, nothing partial exists and `csmap audit verify` passes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from data.backup import MANIFEST
from data.store import Store

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("crash")  # heavy: one worker runs them in turn


def _csmap(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # stdout unread (an import lists every rejected row): not a pipe that could fill and block
    return subprocess.Popen([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _kill_when(proc: subprocess.Popen[str], ready: Callable[[], bool],
               timeout: float = 120) -> None:
    """kill -9 ``proc`` as soon as ``ready()`` holds; fail if it ended first."""
    end = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"finished before the kill: {proc.communicate()}"
        assert time.monotonic() < end, "never reached the point to kill at"
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL


def _verify(db: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "services.cli", "audit", "verify", "--db",
                           str(db)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def town(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "town.duckdb"
    shutil.copy(demo_db, path)
    Store.open(path).close()  # its audit store exists
    return path


def _presences_csv(db: Path, out: Path, rows: int) -> int:
    """A large presences file for the demo town; every 50th row names an unknown place (to
    quarantine). Returns how many rows are good."""
    con = duckdb.connect(str(db), read_only=True)
    people = [r[0] for r in con.execute("SELECT person_id FROM person").fetchall()]
    places = [r[0] for r in con.execute("SELECT place_id FROM place").fetchall()]
    con.close()
    lines = ["presence_id,person_id,place_id,kind,seen_at,source_agency,incident_id,"
             "recorded_date,grading_source,grading_intel,grading_handling"]
    for i in range(rows):
        place = "PL-NOWHERE" if i % 50 == 0 else places[i % len(places)]
        lines.append(f"PRS-CRASH-{i:07d},{people[i % len(people)]},{place},frequents,"
                     f"2026-05-02 23:10,POL,,2026-05-03,2,B,P")
    out.write_text("\n".join(lines) + "\n")
    return rows - len(range(0, rows, 50))


def _counts(db: Path) -> tuple[int, int, list[tuple[int, int]]]:
    with Store.open(db) as store:
        cur = store.cursor
        presences = cur.execute("SELECT count(*) FROM presence "
                                "WHERE presence_id LIKE 'PRS-CRASH-%'").fetchone()
        quarantined = cur.execute("SELECT count(*) FROM quarantine_row").fetchone()
        batches = cur.execute("SELECT accepted_rows, rejected_rows FROM import_batch "
                              "WHERE file_name = 'presences.csv'").fetchall()
    assert presences is not None and quarantined is not None
    return int(presences[0]), int(quarantined[0]), [(int(a), int(r)) for a, r in batches]


@pytest.mark.parametrize("moment", ["checking", "writing", "written"])
def test_an_import_killed_midway_leaves_all_of_it_or_none(town: Path, tmp_path: Path,
                                                         moment: str) -> None:
    """Killed while it checks the rows (two seconds in), as its transaction starts writing
    (the write-ahead log appears), or once data reaches the database file."""
    csv = tmp_path / "presences.csv"
    good = _presences_csv(town, csv, 120_000)
    proc = _csmap("import", str(csv), "--type", "presences", "--db", str(town))
    wal = town.with_name(town.name + ".wal")
    size = town.stat().st_size
    started = time.monotonic()
    when = {"checking": lambda: time.monotonic() - started > 2,
            "writing": wal.exists,
            "written": lambda: town.stat().st_size > size}[moment]
    _kill_when(proc, when)
    presences, quarantined, batches = _counts(town)
    print(f"killed after {time.monotonic() - started:.2f} s; batch committed: {bool(batches)}")
    assert batches in ([], [(good, 120_000 - good)])  # the batch whole, or not at all
    assert (presences, quarantined) == ((good, 120_000 - good) if batches else (0, 0))
    _verify(town)
    # and the same file imports cleanly afterwards
    if not batches:
        done = _csmap("import", str(csv), "--type", "presences", "--db", str(town))
        assert done.wait(timeout=300) == 0, done.communicate()
        assert _counts(town)[2] == [(good, 120_000 - good)]
        _verify(town)


_SAVER = """
import sys
from datetime import date, timedelta
from data import meetings
from data.store import Store
from domain.access import Role, Viewer

viewer = Viewer("chair", Role.PANEL, "MACE meeting")
with Store.open(sys.argv[1]) as store:
    meeting = meetings.create_meeting(store, viewer, held_on=date(2026, 10, 1),
                                      title="Crash test panel")
    print("meeting", meeting, flush=True)
    n = 0
    while True:
        meetings.add_action(store, viewer, meeting_id=meeting, item_id=None,
                            fields=meetings.ActionFields(
                                tactic="patrols", description="Patrols near the park " * 20,
                                owner_name="PC Sam Reid", owner_role="Neighbourhood team",
                                owner_agency="POL",
                                due_date=date(2026, 11, 1) + timedelta(n % 9),
                                review_date=None))
        n += 1
        print("saved", n, flush=True)
"""


def test_action_saves_killed_midway_keep_every_saved_action(town: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _SAVER, str(town)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    meeting = proc.stdout.readline().split()[1]
    saved = 0
    while saved < 40:
        saved = int(proc.stdout.readline().split()[1])
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store.open(town) as store:
        rows = store.cursor.execute(
            "SELECT description, owner_agency, due_date FROM action WHERE meeting_id = $m",
            {"m": meeting}).fetchall()
        events = store.audit_log.cursor.execute(
            "SELECT count(*) FROM audit_event WHERE event_type = 'record_created' "
            "AND object_id = 'panel.add_action'").fetchone()
    assert events is not None
    assert saved <= len(rows) <= saved + 1  # every save it reported, at most one more
    assert all(d == ("Patrols near the park " * 20).strip() and o == "POL" and due
               for d, o, due in rows)  # each whole
    assert saved <= events[0] <= len(rows)  # every reported save was audited
    _verify(town)


def test_a_backup_killed_midway_is_not_a_backup(town: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backups" / "tuesday"
    dest.parent.mkdir()
    proc = _csmap("backup", "--db", str(town), str(dest))
    _kill_when(proc, lambda: any(".partial-" in p.name for p in dest.parent.iterdir()))
    assert not dest.exists()
    (partial,) = [p for p in dest.parent.iterdir() if ".partial-" in p.name]
    assert not (partial / MANIFEST).exists()  # the manifest is written last
    restore = _csmap("restore", str(partial), "--db", str(tmp_path / "r" / "x.duckdb"))
    assert restore.wait(timeout=120) == 2
    assert "not a complete CSMap backup" in restore.communicate()[1]
    with Store.open(town) as store:
        assert store.counts()["person"] == 450
    _verify(town)
    again = _csmap("backup", "--db", str(town), str(dest))
    assert again.wait(timeout=300) == 0, again.communicate()
    assert (dest / MANIFEST).exists()


@pytest.mark.parametrize("after_s", [0.5, 2.0, 5.0])
def test_an_erasure_killed_midway_is_finished_by_running_it_again(town: Path,
                                                                  after_s: float) -> None:
    """kill -9 ``csmap erase`` at some point (before it starts, among its steps, during the
    rewrite, or not at all if it finished first): the database opens, the audit verifies,
    and running the erasure again erases the person, leaving no half-written copy."""
    from domain.access import Role, Viewer
    from domain.errors import NotFoundError
    from services import protection

    admin = Viewer("crash-admin", Role.ADMIN, "crash test")
    erase = ("erase", "YP-00012", "--db", str(town), "--reason", "erasure request")
    proc = _csmap(*erase)
    try:
        proc.wait(timeout=after_s)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with Store.open(town) as store:  # reopening finishes a head update the kill cut short
        pending = protection.pending_erasure(store, admin)
        try:
            protection.find_person(store, admin, "YP-00012")
            still_there = True
        except NotFoundError:
            still_there = False
    _verify(town)
    if still_there or pending is not None:
        again = subprocess.run([sys.executable, "-m", "services.cli", *erase], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)},
                               capture_output=True, text=True, check=False)
        assert again.returncode == 0, again.stdout + again.stderr
    _verify(town)
    with Store.open(town) as store:
        assert protection.pending_erasure(store, admin) is None
        with pytest.raises(NotFoundError):
            protection.find_person(store, admin, "YP-00012")
    assert [p.name for p in town.parent.iterdir() if ".rewrite-" in p.name] == []
