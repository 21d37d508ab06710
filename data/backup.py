"""Backup and restore of a CSMap database together with its audit store.

A backup is a folder: the case database, the audit store, its head and its checkpoints
(copied while this process holds both databases, their write-ahead logs folded in first), and
``manifest.json`` with every file's SHA-256 and size, and each table's row count and content
hash. It is written into a hidden temporary folder beside the destination and renamed into
place only when complete, the manifest last: a backup cut short leaves no folder that looks
like a backup.

A restore checks the manifest against the files, refuses to replace an existing database
without ``force`` and refuses while another process holds it open, then swaps the files in and
checks the restored copy (row counts and content hashes as in the manifest, the audit chain
verified). The audit key is never in a backup: keep it apart (docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from data.audit_log import LOCKDOWN, AuditPaths, Verification, verify_database
from data.store import Store
from domain.errors import StoreLockedError, StoreNotFoundError, ValidationError

MANIFEST = "manifest.json"
"""The file that makes a folder a complete backup; written last."""


@dataclass
class Manifest:
    """What a backup holds.

    Attributes
    ----------
    database
        File name of the case database in the backup.
    files
        File name to ``{"sha256": ..., "bytes": ...}`` for every file in the backup.
    tables
        ``"case"`` and ``"audit"`` to table name to ``{"rows": ..., "hash": ...}`` (the hash
        is of the table's rows in a fixed order, so equal content gives an equal hash).
    audit_events, audit_verified
        Events in the audit store and whether its chain verified when it was taken.
    created_at
        When (UTC).
    """

    database: str
    files: dict[str, dict[str, Any]]
    tables: dict[str, dict[str, dict[str, Any]]]
    audit_events: int
    audit_verified: bool
    created_at: str = ""
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        """The manifest as written to ``manifest.json``."""
        return json.dumps({"database": self.database, "created_at": self.created_at,
                           "audit_events": self.audit_events,
                           "audit_verified": self.audit_verified, "files": self.files,
                           "tables": self.tables}, indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of the backup in ``folder``."""
        path = folder / MANIFEST
        if not path.exists():
            raise ValidationError(
                f"{folder} is not a complete CSMap backup (no {MANIFEST}; a backup that was "
                "cut short has none). Choose a folder written by `csmap backup`.")
        try:
            data = json.loads(path.read_text())
            return cls(str(data["database"]), dict(data["files"]), dict(data["tables"]),
                       int(data["audit_events"]), bool(data["audit_verified"]),
                       str(data.get("created_at", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValidationError(f"{path} is not a CSMap backup manifest ({exc}).") from exc

    def summary(self) -> str:
        """One line for the command line."""
        rows = sum(t["rows"] for t in self.tables.get("case", {}).values())
        chain = "verified" if self.audit_verified else "DOES NOT VERIFY"
        return (f"{len(self.tables.get('case', {}))} tables, {rows:,} rows; audit trail "
                f"{self.audit_events:,} events, {chain}; {len(self.files)} files")


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def table_hashes(path: Path) -> dict[str, dict[str, Any]]:
    """Row count and content hash of every table in the DuckDB file ``path`` (opened
    read-only): the MD5 of the sorted MD5s of its rows, so row order does not matter."""
    con = duckdb.connect(str(path), read_only=True, config=dict(LOCKDOWN))
    try:
        names = [str(r[0]) for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
        out: dict[str, dict[str, Any]] = {}
        for name in names:
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
                raise ValidationError(f"{path} has a table with an unexpected name {name!r}")
            row = con.execute(
                "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') FROM "  # noqa: S608
                f"(SELECT md5(CAST(t AS VARCHAR)) AS h FROM {name} AS t)").fetchone()
            assert row is not None
            out[name] = {"rows": int(row[0]), "hash": str(row[1])}
        return out
    finally:
        con.close()


def _tables(db: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Row counts and content hashes of the case database ``db`` and of its audit store."""
    audit = AuditPaths.beside(db).store
    return {"case": table_hashes(db), "audit": table_hashes(audit) if audit.exists() else {}}


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(db: Path, dest: Path) -> Manifest:
    """Back up the database ``db`` and its audit store into the new folder ``dest``."""
    db, dest = Path(db), Path(dest)
    if dest.exists():
        raise ValidationError(f"{dest} already exists: choose a new folder for the backup.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = dest.with_name(f".{dest.name}.partial-{secrets.token_hex(4)}")
    with Store.open(db) as store:  # refuses while another process holds it
        work.mkdir()
        try:
            store.cursor.execute("CHECKPOINT")
            shutil.copy2(db, work / db.name)
            store.audit_log.copy_files(work)
            manifest = _manifest(work, db.name)
            (work / MANIFEST).write_text(manifest.to_json())  # last: it makes a backup
            for p in work.iterdir():
                _fsync(p)
            _fsync(work)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    os.replace(work, dest)
    _fsync(dest.parent)
    return manifest


def _manifest(work: Path, name: str) -> Manifest:
    """The manifest of the copies in ``work``: file hashes, table hashes, audit verified."""
    copy = work / name
    checked = verify_database(copy)
    manifest = Manifest(
        database=name,
        files={p.name: {"sha256": sha256_of(p), "bytes": p.stat().st_size}
               for p in sorted(work.iterdir())},
        tables=_tables(copy), audit_events=checked.events, audit_verified=checked.ok,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"))
    if not checked.ok:
        manifest.problems.append(checked.summary())
    return manifest


@dataclass
class RestoreReport:
    """What a restore did: the manifest it followed, the audit verification of the restored
    copy, and where replaced audit files were kept."""

    manifest: Manifest
    verification: Verification
    kept: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command line."""
        kept = f"; the audit files it replaced are kept as {', '.join(p.name for p in self.kept)}" \
            if self.kept else ""
        return (f"restored {self.manifest.summary()}; row counts and content hashes match the "
                f"manifest; {self.verification.summary()}{kept}")


def check_files(src: Path, manifest: Manifest) -> None:
    """Every file the manifest lists is in ``src`` with its size and SHA-256."""
    for name, want in manifest.files.items():
        path = src / name
        if Path(name).name != name or not path.exists():
            raise ValidationError(f"The backup {src} lacks {name}: it is incomplete.")
        if path.stat().st_size != want["bytes"] or sha256_of(path) != want["sha256"]:
            raise ValidationError(f"{path} differs from the backup's manifest (its SHA-256): "
                                  "the backup was altered or damaged. Use another backup.")


def _hold(path: Path) -> duckdb.DuckDBPyConnection | None:
    """A connection that holds ``path`` (None when there is no file), or
    :class:`StoreLockedError` when another process has it open."""
    if not path.exists():
        return None
    try:
        return duckdb.connect(str(path), config=dict(LOCKDOWN))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreLockedError(
                f"{path} is open in another process (a running dashboard?). Stop it before "
                "restoring: nothing may be restored over an open database.") from exc
        raise


def restore(src: Path, db: Path, *, force: bool = False) -> RestoreReport:
    """Restore the backup in ``src`` as the database ``db`` with its audit store."""
    src, db = Path(src), Path(db)
    manifest = Manifest.read(src)
    check_files(src, manifest)
    names = AuditPaths.beside(manifest.database)
    plan = {src / manifest.database: db}
    mine = AuditPaths.beside(db)
    for theirs, ours in zip(names.files(), mine.files(), strict=True):
        plan[src / theirs.name] = ours
    present = [p for p in (db, *mine.files()) if p.exists()]
    if present and not force:
        raise ValidationError(f"{db} (or its audit files) already exists: pass --force to "
                              "replace it with the backup.")
    db.parent.mkdir(parents=True, exist_ok=True)
    held = [c for c in (_hold(db), _hold(mine.store)) if c is not None]
    staged: dict[Path, Path] = {}
    try:
        for source, target in plan.items():
            if source.exists():
                tmp = target.with_name(target.name + ".restoring")
                shutil.copy2(source, tmp)
                _fsync(tmp)
                staged[tmp] = target
    finally:
        for con in held:
            con.close()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = []
    for path in mine.files():
        if path.exists():  # the audit trail is never thrown away, even by a forced restore
            aside = path.with_name(f"{path.name}.before-restore-{stamp}")
            os.replace(path, aside)
            kept.append(aside)
    for stale in (db.with_name(db.name + ".wal"), mine.store.with_name(mine.store.name + ".wal")):
        stale.unlink(missing_ok=True)
    for tmp, target in staged.items():
        os.replace(tmp, target)
    _fsync(db.parent)
    return RestoreReport(manifest, _check_restored(db, manifest), kept)


def _check_restored(db: Path, manifest: Manifest) -> Verification:
    """The restored copy has the manifest's tables, row counts and hashes, and its audit
    chain verifies."""
    if not db.exists():
        raise StoreNotFoundError(f"{db} was not restored.")
    if _tables(db) != manifest.tables:
        raise ValidationError(f"The restored {db} does not match the backup's manifest "
                              "(row counts or content hashes): restore again from the backup.")
    return verify_database(db)
