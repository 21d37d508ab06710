"""Shared fixtures: an empty in-memory store, and the small demo town built once per worker."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.store import Store
from domain.access import Mode, Role, Viewer

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"

# The audit key of this test run: outside the repository and apart from every test database,
# as a deployer keeps it; servers and commands the tests start inherit it.
os.environ["CSMAP_AUDIT_KEY_PATH"] = str(
    Path(tempfile.mkdtemp(prefix="csmap-audit-key-")) / "audit.key")


@pytest.fixture
def empty_store() -> Iterator[Store]:
    """A fresh in-memory store with the schema and nothing else."""
    store = Store.open(":memory:")
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the small demo town (seed 7), generated once per test worker."""
    from data import generate

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate.generate(path, size="small", seed=7)
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh, writable copy of the small demo town for a test that writes."""
    import shutil

    path = tmp_path / "town.duckdb"
    shutil.copy(demo_db, path)
    store = Store.open(path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def demo_store(demo_db: Path) -> Iterator[Store]:
    """The small demo town opened read-write (tests must not change its data)."""
    store = Store.open(demo_db)
    yield store
    store.close()


@pytest.fixture
def panel() -> Viewer:
    """A panel member in the default pseudonymised mode."""
    return Viewer("test-panel", Role.PANEL, "testing")


@pytest.fixture
def analyst_named() -> Viewer:
    """An analyst in named (multi-agency) mode."""
    return Viewer("test-analyst", Role.ANALYST, "testing", Mode.NAMED)


@pytest.fixture
def commissioner() -> Viewer:
    """A commissioner: aggregates only."""
    return Viewer("test-commissioner", Role.COMMISSIONER, "testing")


@pytest.fixture
def admin() -> Viewer:
    """An administrator."""
    return Viewer("test-admin", Role.ADMIN, "testing")
