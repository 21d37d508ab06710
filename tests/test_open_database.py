"""Nothing replaces a database that is open: a running server would go on writing to the old
file and every later event, audit included, would be lost (`csmap generate --force` did)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from data.store import Store, refuse_if_open
from domain.errors import StoreLockedError
from services.cli import app

ROOT = Path(__file__).resolve().parent.parent
HOLD = """
import sys
from data.store import Store
store = Store.open(sys.argv[1])
print("open", flush=True)
sys.stdin.read()  # hold the database until the test closes our stdin
store.close()
"""


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A database another process (a stand-in for a running server) holds open."""
    path = tmp_path / "live.duckdb"
    Store.open(path, create=True).close()
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
    yield path
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=30)


def test_generate_force_refuses_a_database_another_process_holds(held: Path) -> None:
    before = held.read_bytes()
    res = CliRunner().invoke(app, ["generate", "--out", str(held), "--force"])
    assert res.exit_code == 2
    assert "Cannot replace" in res.stderr and "open in another process" in res.stderr
    assert "Stop it" in res.stderr and "Traceback" not in res.output
    assert held.read_bytes() == before


def test_this_process_s_own_open_store_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "mine.duckdb"
    with (Store.open(path, create=True),
          pytest.raises(StoreLockedError, match="open in this CSMap process")):
        refuse_if_open(path, doing="restore over")
    refuse_if_open(path)  # closed: nothing holds it
    refuse_if_open(tmp_path / "absent.duckdb")  # nothing there to replace
    (tmp_path / "notes.txt").write_text("not a database")
    refuse_if_open(tmp_path / "notes.txt")
