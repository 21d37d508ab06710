"""The one connection gateway to the DuckDB store.

Pages and analytics never open connections: they call :meth:`Store.run` with the name of a
registered query (:mod:`data.queries`), parameters and the :class:`~domain.access.Viewer`. The
gateway checks the viewer's role, masks restricted columns unless the viewer may see names,
caps the rows (``truncated`` says when it did) and writes a typed audit event
(:mod:`domain.audit`) for every read of personal data, listing the people it showed, BEFORE it
returns the rows: when the audit cannot be written, nothing is returned (fail closed).

The audit trail is not in the case database: it is a tamper-evident store of its own beside
it (:mod:`data.audit_log`), opened with it and written by its one writer.

Facts about DuckDB this relies on: one process holds the file read-write and no other process
can open it; in one process use one connection and a ``cursor()`` per thread; after an error in
a transaction COMMIT silently rolls back, so we ROLLBACK explicitly and re-raise; deleted rows
stay in the file (CHECKPOINT and VACUUM do not overwrite them), so :meth:`Store.rewrite`
copies the live rows into a fresh file and swaps it in.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb
import pandas as pd

from data import queries as _queries
from data.audit_log import LOCKDOWN, AuditLog
from domain import audit, settings, text
from domain.access import Access, Viewer
from domain.audit import AuditEvent
from domain.errors import (
    AccessDeniedError,
    EmptyStoreError,
    SchemaError,
    StoreLockedError,
    StoreNotFoundError,
    ValidationError,
)

_LOCKDOWN = LOCKDOWN

# Tables that bulk loads (generator, importers) may write. Identifiers are allow-listed,
# never interpolated from user input.
WRITABLE_TABLES: tuple[str, ...] = (
    "agency",
    "ward",
    "place",
    "person",
    "person_record",
    "peer_group",
    "group_membership",
    "link",
    "presence",
    "incident",
    "incident_person",
    "concern",
    "strength",
    "vulnerability",
    "meeting",
    "agenda_item",
    "action",
    "assessment",
    "planted_truth",
    "dataset_meta",
    "import_batch",
    "quarantine_row",
)

RESTRICTED_MASK = None  # what a masked restricted cell holds


_PARALLEL_QUERIES = 4  # threads for run_many: enough to overlap small queries


@dataclass(frozen=True)
class QueryRequest:
    """One named query to run with :meth:`Store.run_many`: its parameters, an optional row
    cap and the object its audit entry names."""

    name: str
    params: Mapping[str, Any] | None = None
    limit: int | None = None
    audit_object: str | None = None


@dataclass
class QueryResult:
    """Rows of one named query: ``frame``, whether the row cap cut it, and the full count."""

    frame: pd.DataFrame
    truncated: bool
    total: int
    cap: int
    columns: list[str] = field(default_factory=list)

    @property
    def shown(self) -> int:
        """How many rows are in ``frame``."""
        return len(self.frame)

    def caption(self) -> str:
        """'showing N of M' for a page to display under a truncated table."""
        if self.truncated:
            return f"Showing {self.shown:,} of {self.total:,} rows (row cap {self.cap:,})."
        return f"{self.shown:,} rows."


def _migrations() -> list[tuple[int, str, str]]:
    """(version, description, sql) of every shipped migration, in order."""
    out: list[tuple[int, str, str]] = []
    folder = resources.files("data") / "migrations"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        m = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if m:
            out.append((int(m.group(1)), m.group(2).replace("_", " "), entry.read_text()))
    return out


def schema_version_latest() -> int:
    """The newest schema version this program knows."""
    return max(v for v, _, _ in _migrations())


class _Gate:
    """Many threads using the connection at once, or one :meth:`Store.rewrite` alone.

    A thread already using the store may use it again (nested calls never wait), so a
    rewrite waits for every use in progress to finish and holds new ones until it is done.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._users = 0
        self._owner: int | None = None
        self._mine = threading.local()

    def _held(self) -> int:
        return int(getattr(self._mine, "n", 0))

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Use the connection (waits while another thread rewrites the store)."""
        me = threading.get_ident()
        with self._cond:
            while self._owner not in (None, me) and self._held() == 0:
                self._cond.wait()
            self._users += 1
        self._mine.n = self._held() + 1
        try:
            yield
        finally:
            self._mine.n = self._held() - 1
            with self._cond:
                self._users -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Have the store to oneself: no other thread uses the connection meanwhile."""
        if self._held():
            raise RuntimeError("a thread using the store cannot rewrite it")
        with self._cond:
            while self._owner is not None:
                self._cond.wait()
            self._owner = threading.get_ident()
            while self._users > 0:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._owner = None
                self._cond.notify_all()


def _connect(path: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A locked-down connection (no file access beyond the database, no extensions, settings
    frozen)."""
    con = duckdb.connect(path, read_only=read_only, config=dict(_LOCKDOWN))
    locked = con.execute("SELECT current_setting('lock_configuration')").fetchone()
    if not (locked and locked[0]):  # a second connection in this process shares the lock
        con.execute("SET lock_configuration = true")
    return con


def _quote(name: str) -> str:
    """An identifier from DuckDB's own catalog, quoted."""
    return '"' + name.replace('"', '""') + '"'


def _parents_first(con: duckdb.DuckDBPyConnection, db: str) -> list[str]:
    """The tables of attached database ``db``, each after the tables it refers to."""
    tables = [str(r[0]) for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $db "
        "AND schema_name = 'main' ORDER BY table_name", {"db": db}).fetchall()]
    refs: dict[str, set[str]] = {t: set() for t in tables}
    for table, parent in con.execute(
            "SELECT table_name, referenced_table FROM duckdb_constraints() "
            "WHERE database_name = $db AND constraint_type = 'FOREIGN KEY'",
            {"db": db}).fetchall():
        if parent != table:
            refs[str(table)].add(str(parent))
    ordered: list[str] = []
    while refs:
        ready = sorted(t for t, parents in refs.items() if parents <= set(ordered))
        if not ready:
            raise SchemaError(f"tables refer to each other in a cycle: {sorted(refs)}")
        ordered.extend(ready)
        for t in ready:
            del refs[t]
    return ordered


def _copy_database(target: Path, empty: set[str]) -> dict[str, int]:
    """Copy the live rows of the (closed) database ``target`` into a fresh file beside it,
    check the row counts, and swap the copy in with one rename. See :meth:`Store.rewrite`.

    This connection is the store's own, runs only the statements below with names from
    DuckDB's catalog, and needs file access to attach the old database, so it is not locked
    down like the connections that run named queries.
    """
    for stale in target.parent.glob(f".{target.name}.rewrite-*"):  # an interrupted rewrite
        stale.unlink()
    tmp = target.with_name(f".{target.name}.rewrite-{os.getpid()}")
    copied: dict[str, int] = {}
    try:
        con = duckdb.connect(str(tmp))
        try:
            old = "csmap_old"
            source = str(target).replace("'", "''")
            con.execute(f"ATTACH '{source}' AS {old} (READ_ONLY)")
            new = con.execute("SELECT current_database()").fetchone()
            assert new is not None
            con.execute(f"COPY FROM DATABASE {old} TO {_quote(str(new[0]))} (SCHEMA)")
            for table in _parents_first(con, old):
                name = _quote(table)
                if table not in empty:
                    con.execute(f"INSERT INTO main.{name} "  # noqa: S608 (catalog names)
                                f"SELECT * FROM {old}.main.{name}")
                row = con.execute(f"SELECT count(*) FROM main.{name}").fetchone()  # noqa: S608
                copied[table] = int(row[0]) if row else 0
                if table not in empty:
                    had = con.execute(f"SELECT count(*) FROM {old}.main.{name}").fetchone()  # noqa: S608
                    if not had or int(had[0]) != copied[table]:
                        raise SchemaError(f"rewriting {target}: {table} copied "
                                          f"{copied[table]} of {had[0] if had else '?'} rows")
            con.execute(f"DETACH {old}")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, *_sidecars(tmp)):
            leftover.unlink(missing_ok=True)
        raise
    for wal in _sidecars(target):  # the old file's log (closed cleanly, so normally none)
        wal.unlink(missing_ok=True)
    _sync_folder(target.parent)
    return copied


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op elsewhere)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_F = TypeVar("_F", bound=Callable[..., Any])


def _using(method: _F) -> _F:
    """Run a Store method holding off :meth:`Store.rewrite` (see :class:`_Gate`)."""
    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        with self._gate.shared():
            return method(self, *args, **kwargs)
    return cast(_F, wrapper)


_OPEN_HERE: dict[str, int] = {}
"""Database files this process has open (resolved path -> number of Store objects)."""
_OPEN_LOCK = threading.Lock()


def _key(path: str) -> str:
    return str(Path(path).resolve())


def _sidecars(path: Path) -> tuple[Path, ...]:
    """The write-ahead log beside a database file."""
    return (path.with_name(path.name + ".wal"),)


def refuse_if_open(path: str | Path, *, doing: str = "replace") -> None:
    """Raise :class:`StoreLockedError` when ``path`` is open, in this process or another
    (DuckDB's file lock), so nothing replaces or restores over a database in use: the
    process holding it would go on writing to the old file and every later change (audit
    included) would be lost."""
    p = Path(path)
    if not p.exists():
        return
    with _OPEN_LOCK:
        here = _OPEN_HERE.get(_key(str(p)), 0) > 0
    message = (f"Cannot {doing} {p}: it is open in {{who}}. Stop it (for example the "
               "running dashboard, `csmap serve`) and try again.")
    if here:
        raise StoreLockedError(message.format(who="this CSMap process"))
    try:
        probe = duckdb.connect(str(p), read_only=True, config=dict(_LOCKDOWN))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreLockedError(message.format(who="another process")) from exc
        return  # not a database DuckDB can read: nothing holds it
    except duckdb.Error:
        return
    probe.close()


class Store:
    """A CSMap database: one DuckDB connection, a cursor per thread, named queries only."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, audit_log: AuditLog) -> None:
        self._con = con
        self.path = path
        self.audit_log = audit_log
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._gate = _Gate()
        self._generation = 0  # which connection: a rewrite opens a new one
        self._names_cache: dict[tuple[str, ...], list[str]] = {}  # audit text, names replaced
        self._closed = False
        if path != ":memory:":
            with _OPEN_LOCK:
                _OPEN_HERE[_key(path)] = _OPEN_HERE.get(_key(path), 0) + 1

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, read_only: bool = False) -> Store:
        """Open (``create=True``: or make) the store at ``path``; bring its schema up to date.

        ``":memory:"`` gives an in-memory store (tests).
        """
        p = str(path)
        if p != ":memory:" and not create and not Path(p).exists():
            raise StoreNotFoundError(
                f"No CSMap database at {p}. Make the demo town with "
                f"`csmap generate --size small --out {p}` (or run `make demo`)."
            )
        if p != ":memory:":
            Path(p).parent.mkdir(parents=True, exist_ok=True)
        try:
            con = _connect(p, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"{p} is open in another CSMap process (DuckDB allows one writer). "
                    "Stop the other process (e.g. a running dashboard) and try again."
                ) from exc
            raise SchemaError(
                f"{p} is not a readable CSMap database ({str(exc).splitlines()[0]}). Point "
                "CSMAP_DB_PATH (or --db) at a CSMap database, or make a new one with "
                f"`csmap generate --size small --out {p} --force`."
            ) from exc
        try:
            log = AuditLog.open(p, read_only=read_only)
        except BaseException:
            con.close()
            raise
        store = cls(con, p, log)
        try:
            if not read_only:
                store.migrate()
                store._move_old_audit()
            else:
                store._check_version()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection (and the threads of :meth:`run_many`)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._con.close()
        self.audit_log.close()
        if not self._closed and self.path != ":memory:":
            with _OPEN_LOCK:
                left = _OPEN_HERE.get(_key(self.path), 1) - 1
                if left > 0:
                    _OPEN_HERE[_key(self.path)] = left
                else:
                    _OPEN_HERE.pop(_key(self.path), None)
        self._closed = True

    def rewrite(self, *, empty: Sequence[str] = ()) -> dict[str, int]:
        """Copy every live row into a fresh database file and swap it in, so that no byte of
        deleted rows remains (DuckDB keeps deleted data in the file even after CHECKPOINT and
        VACUUM). Returns rows copied per table.

        The schema (tables with their constraints, indexes, sequences at their current
        values, ``schema_version``) is copied first, then the rows table by table, parents
        before the tables that refer to them; tables named in ``empty`` keep their schema
        but none of their rows. The copy is written beside the database and replaces it with
        one atomic rename (``os.replace``), so a crash leaves the old file or the new one,
        never a mixture. Meanwhile other threads wait; afterwards this same Store object
        (the one a running dashboard caches) works on the new file.
        """
        if self.path == ":memory:":
            raise ValidationError("an in-memory store has no file to rewrite")
        target = Path(self.path)
        with self._gate.exclusive():
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            self._con.execute("CHECKPOINT")
            self._con.close()
            try:
                copied = _copy_database(target, set(empty))
            finally:  # reopen the new file, or the old one if the copy failed
                self._con = _connect(self.path, read_only=False)
                self._generation += 1
        return copied

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """The cursor of this thread on the shared connection (a new one after a rewrite;
        waits while another thread rewrites the store)."""
        with self._gate.shared():
            cur = getattr(self._local, "cursor", None)
            if cur is None or getattr(self._local, "generation", -1) != self._generation:
                cur = self._con.cursor()
                self._local.cursor = cur
                self._local.generation = self._generation
            return cur

    @contextmanager
    def in_use(self) -> Iterator[None]:
        """Hold off a :meth:`rewrite` while a block uses the store."""
        with self._gate.shared():
            yield

    # -- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The schema version this database is at (0 when empty)."""
        cur = self.cursor
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if not exists or exists[0] == 0:
            return 0
        row = cur.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def _check_version(self) -> None:
        have, know = self.schema_version(), schema_version_latest()
        if have > know:
            raise SchemaError(
                f"{self.path} has schema version {have} but this CSMap knows up to {know}: "
                "upgrade CSMap."
            )

    @_using
    def migrate(self) -> list[int]:
        """Apply pending forward migrations, each in its own transaction; return those applied."""
        self._check_version()
        cur = self.cursor
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, "
            "applied_at TIMESTAMP NOT NULL)"
        )
        done = {int(r[0]) for r in cur.execute("SELECT version FROM schema_version").fetchall()}
        applied: list[int] = []
        for version, description, sql in _migrations():
            if version in done:  # by set, not by maximum: a later-numbered one may land first
                continue
            try:
                with self.transaction() as tx:
                    tx.execute(sql)
                    tx.execute(
                        "INSERT INTO schema_version VALUES ($v, $d, $t)",
                        {"v": version, "d": description, "t": datetime.now()},
                    )
            except duckdb.Error as exc:
                raise SchemaError(
                    f"{self.path}: migration {version:04d} ({description}) failed and was rolled "
                    f"back: {str(exc).splitlines()[0]}. The database was not changed by it; "
                    "restore it from a backup or ask the maintainers."
                ) from exc
            applied.append(version)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """BEGIN ... COMMIT on this thread's cursor; on any error ROLLBACK and re-raise."""
        with self._gate.shared():
            cur = self.cursor
            with self._write_lock:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                else:
                    cur.execute("COMMIT")

    # -- reads -----------------------------------------------------------------------------
    @_using
    def run(
        self,
        name: str,
        viewer: Viewer,
        params: Mapping[str, Any] | None = None,
        *,
        limit: int | None = None,
        audit_object: str | None = None,
    ) -> QueryResult:
        """Run the registered query ``name`` for ``viewer``; see the module docstring."""
        spec = _queries.get(name)
        params = dict(params or {})
        missing = set(spec.params) - set(params)
        if missing:
            raise ValidationError(f"query {name!r} needs parameters: {', '.join(sorted(missing))}")
        extra = set(params) - set(spec.params)
        if extra:
            raise ValidationError(f"query {name!r} does not take: {', '.join(sorted(extra))}")
        if not viewer.may(spec.access):
            self.audit(audit.AccessDenied(
                who=audit.Who.of(viewer), object_kind="query", object_id=name,
                needed=spec.access.value, person_ids=_param_people(params),
                parameters=audit.safe_parameters(params, hide=_hidden(spec))))
            raise AccessDeniedError(
                f"The {viewer.role.value} role may not see {spec.description.lower()} "
                f"({spec.access.value} data)."
            )
        cap = limit if limit is not None else settings.get_int("max_returned_rows")
        if cap < 0:
            raise ValidationError("a row limit cannot be negative")
        cur = self.audit_log.cursor if spec.on_audit_store else self.cursor
        sql = f"SELECT * FROM ({spec.sql}) AS q LIMIT {int(cap) + 1}"  # noqa: S608  (cap is an int)
        frame = cur.execute(sql, params).df()
        truncated = len(frame) > cap
        total = len(frame)
        if truncated:
            frame = frame.iloc[:cap].copy()
            count_sql = f"SELECT count(*) FROM ({spec.sql}) AS q"  # noqa: S608
            row = cur.execute(count_sql, params).fetchone()
            total = int(row[0]) if row else cap
        people = _frame_people(frame)
        frame = self._mask(frame, spec, viewer)
        if spec.access in (Access.PERSONAL, Access.ADMIN, Access.AUDIT):
            self.audit(_read_event(spec, viewer, params, audit_object, people, len(frame)))
        return QueryResult(frame, truncated, total, cap, list(frame.columns))

    def run_many(self, viewer: Viewer,
                 requests: Mapping[str, QueryRequest]) -> dict[str, QueryResult]:
        """Several named queries at once, each as :meth:`run` (checked, capped, masked,
        audited), on a few threads with a cursor each: DuckDB runs them side by side, so a
        screen that needs eight small queries waits for about the slowest, not the sum.
        Results come back under the keys of ``requests``; the first error is raised."""
        if not requests:
            return {}
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=_PARALLEL_QUERIES,
                                                thread_name_prefix="csmap-query")
            pool = self._pool
        futures = {key: pool.submit(self.run, req.name, viewer, req.params, limit=req.limit,
                                    audit_object=req.audit_object)
                   for key, req in requests.items()}
        return {key: future.result() for key, future in futures.items()}

    def frame(self, name: str, viewer: Viewer, params: Mapping[str, Any] | None = None,
              **kw: Any) -> pd.DataFrame:
        """Shortcut: only the DataFrame of :meth:`run`."""
        return self.run(name, viewer, params, **kw).frame

    @staticmethod
    def _mask(frame: pd.DataFrame, spec: _queries.QuerySpec, viewer: Viewer) -> pd.DataFrame:
        """Mask restricted columns unless the viewer may see names, and set the labels.

        ``label`` is the full name for a viewer entitled to names (named mode), else the
        pseudonym. A query that renames the pair keeps the shared prefix: ``other_label``
        (the pseudonym) with ``other_full_name`` (the name) reads the same way. A full-name
        column is masked for a viewer not entitled to names even if the query forgot to list
        it as restricted.
        """
        shows = viewer.shows_names
        names = [c for c in frame.columns if c == "full_name" or str(c).endswith("_full_name")]
        if not shows:
            for col in {*spec.restricted, *names}:
                if col in frame.columns:
                    frame[col] = RESTRICTED_MASK
        if "pseudonym" in frame.columns:
            frame["label"] = frame["pseudonym"]
        for col in names:
            label = str(col)[: -len("full_name")] + "label"
            source = "pseudonym" if label == "label" else label
            if shows and source in frame.columns:
                frame[label] = frame[col].where(frame[col].notna(), frame[source])
        return frame

    # -- writes ----------------------------------------------------------------------------
    def execute(self, name: str, viewer: Viewer, params: Mapping[str, Any]) -> None:
        """Run a registered write statement (meeting, action, assessment...) and audit it."""
        self.execute_many(viewer, [(name, params)])

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Append ``frame`` to ``table`` in one transaction (generator, importers). Returns rows."""
        return self.insert_frames([(table, frame)])[table]

    @_using
    def insert_frames(self, frames: Sequence[tuple[str, pd.DataFrame]]) -> dict[str, int]:
        """Append several frames, in order, in ONE transaction: all of them or none.

        Importers use it to write an incident and its people, or accepted rows and the
        quarantine of rejected ones, so that a failure part-way leaves nothing half-written.
        Direction controls are removed from text (:mod:`domain.text`), as by
        :meth:`execute_many`. Returns rows written per table.
        """
        self._names_cache.clear()  # people may change: names to scrub from audit text
        for table, frame in frames:
            if table not in WRITABLE_TABLES:
                raise ValidationError(f"{table!r} is not a table bulk loads may write")
            for c in frame.columns:
                if not re.fullmatch(r"[a-z_][a-z0-9_]*", str(c)):
                    raise ValidationError(f"bad column name {c!r}")
        frames = [(table, _without_bidi(frame)) for table, frame in frames]
        # A cursor of its own: DuckDB 2 refuses register() on a cursor with an unfinished
        # result (e.g. after fetchone() of an earlier query on this thread).
        cur = self._con.cursor()
        views: list[tuple[str, str, pd.DataFrame]] = []
        written = {table: 0 for table, _ in frames}
        try:
            for i, (table, frame) in enumerate(frames):
                if not frame.empty:
                    view = f"_csmap_in_{i}"
                    cur.register(view, _scannable(frame))  # outside the transaction
                    views.append((table, view, frame))
            with self._write_lock:
                cur.execute("BEGIN TRANSACTION")
                try:
                    for table, view, frame in views:
                        written[table] += self._insert_one(cur, table, view, frame)
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                cur.execute("COMMIT")
        finally:
            for _, view, _ in views:
                cur.unregister(view)
            cur.close()
        return written

    def _insert_one(self, tx: duckdb.DuckDBPyConnection, table: str, view: str,
                    frame: pd.DataFrame) -> int:
        """INSERT a registered frame inside an open transaction (names already checked).

        Views are registered and unregistered outside the transaction, because after an error
        DuckDB refuses everything but ROLLBACK, unregistering included.
        """
        col_sql = ", ".join(str(c) for c in frame.columns)
        tx.execute(f"INSERT INTO {table} ({col_sql}) SELECT {col_sql} FROM {view}")  # noqa: S608
        return len(frame)

    @_using
    def execute_many(
        self, viewer: Viewer, statements: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> None:
        """Run several registered write statements in ONE transaction, then audit each.

        All are checked (write spec, role, parameters) before anything runs; on any error
        the transaction rolls back and nothing is written. Direction controls are removed
        from text parameters (:mod:`domain.text`).
        """
        self._names_cache.clear()  # people may change: names to scrub from audit text
        checked: list[tuple[_queries.QuerySpec, dict[str, Any]]] = []
        for name, params in statements:
            spec = _queries.get(name)
            if not spec.write:
                raise ValidationError(f"{name!r} is a read query; use run()")
            if not viewer.may(spec.access):
                self.audit(audit.AccessDenied(
                    who=audit.Who.of(viewer), object_kind="statement", object_id=name,
                    needed=spec.access.value, person_ids=_param_people(params),
                    parameters=audit.id_parameters(params)))
                raise AccessDeniedError(
                    f"The {viewer.role.value} role may not {spec.description.lower()}."
                )
            missing = set(spec.params) - set(params)
            if missing:
                raise ValidationError(f"{name!r} needs: {', '.join(sorted(missing))}")
            checked.append((spec, {k: text.clean_value(params[k]) for k in spec.params}))
        with self.transaction() as tx:
            for spec, params in checked:
                tx.execute(spec.sql, params)
        for spec, params in checked:
            change = audit.RECORD_CHANGES[spec.audit_action or "update"]
            ids = audit.id_parameters(params)
            self.audit(change(
                who=audit.Who.of(viewer), object_kind="statement", object_id=spec.name,
                person_ids=_param_people(params), statement=spec.name, ids=ids,
                changed=tuple(k for k in sorted(params) if k not in ids)))

    @_using
    def audit(self, event: audit.AuditEvent) -> None:
        """Append one typed audit event (:mod:`domain.audit`) to the audit store: its type,
        who (actor, role, session), when (UTC), the object, the purpose, the people it names,
        the recipients of a disclosure and the type's own fields, chained and signed
        (:mod:`data.audit_log`). Anything else is refused; a failed write raises
        :class:`~domain.errors.AuditError`, so the caller shows nothing.

        The purpose and recipients are typed by people and could carry a name; an append-only
        chain cannot be redacted later, so the full names of people held (either order, any
        case) are replaced by their pseudonyms before the event is written."""
        self.audit_log.append(self._without_names(event))

    def _without_names(self, event: AuditEvent) -> AuditEvent:
        """``event`` with full names of people held in its purpose and recipients replaced by
        their pseudonyms (no query through the gateway: this is the audit's own bookkeeping)."""
        if not isinstance(event, AuditEvent):  # refused, readably, by the audit store
            return event
        who = event.who
        recipients = tuple(getattr(event, "recipients", ()) or ())
        texts = [who.purpose, *recipients]
        scrubbed = self._scrub_names(texts)
        if scrubbed == texts:
            return event
        changes: dict[str, Any] = {"who": dataclasses.replace(who, purpose=scrubbed[0])}
        if recipients:
            changes["recipients"] = tuple(scrubbed[1:])
        return dataclasses.replace(event, **changes)

    def without_names(self, text: str) -> str:
        """``text`` with every full name of a person held replaced by their pseudonym."""
        return self._scrub_names([text])[0]

    def _scrub_names(self, texts: list[str]) -> list[str]:
        """``texts`` with every full name of a person held replaced by their pseudonym."""
        key = tuple(texts)
        cached = self._names_cache.get(key)
        if cached is not None:
            return cached
        try:
            rows = self.cursor.execute(_queries.get("names.in_texts").sql,
                                       {"texts": list(texts)}).fetchall()
        except duckdb.CatalogException:  # a database before the person table exists
            rows = []
        out = list(texts)
        for i, pseudonym, whole, found in rows:
            if whole:
                out[int(i)] = re.sub(re.escape(str(found)), str(pseudonym), out[int(i)],
                                     flags=re.IGNORECASE)
        if len(self._names_cache) > 1024:
            self._names_cache.clear()
        self._names_cache[key] = out
        return out

    def _move_old_audit(self) -> None:
        """Move the audit rows of a database from before the audit store into it, chained in
        their order, then drop the old table. Idempotent: the audit store remembers the last
        row moved, so a crash between the two steps moves nothing twice.

        Events written before events had types ('legacy') may hold a name typed into a search
        in their free text. An append-only chain cannot be redacted later, so that text is not
        moved: its length is, and the ids of the people it named (their id, pseudonym or full
        name) join the event's ``person_ids`` so subject access still finds it."""
        cur = self.cursor
        here = cur.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_schema = 'main' AND table_name = 'audit_event'").fetchone()
        if not here or not here[0]:
            return
        after = int(self.audit_log.meta("moved_from_case_db") or 0)
        cols = ("event_id", "occurred_at", "actor", "role", "session_id", "event_type",
                "object_kind", "object_id", "purpose", "recipients", "person_ids", "fields")
        rows = [dict(zip(cols, r, strict=True)) for r in cur.execute(
            f"SELECT {', '.join(cols)} FROM audit_event "  # noqa: S608  (constants)
            "WHERE event_id > $after ORDER BY event_id", {"after": after}).fetchall()]
        named: dict[int, list[str]] = {}
        for eid, ids in cur.execute(_LEGACY_PEOPLE, {"after": after}).fetchall():
            named.setdefault(int(eid), []).extend(str(i) for i in ids)
        moved, last = [], after
        for row in rows:
            eid = last = int(row.pop("event_id"))
            if row["event_type"] == audit.LegacyEvent.name:
                row["fields"] = _legacy_fields(row["fields"])
                row["person_ids"] = list(dict.fromkeys([*row["person_ids"],
                                                        *named.get(eid, [])]))
            moved.append(row)
        if rows:
            self.audit_log.append_rows(moved, meta={"moved_from_case_db": str(last)})
        with self.transaction() as tx:
            tx.execute("DROP TABLE audit_event")
            tx.execute("DROP SEQUENCE IF EXISTS audit_event_seq")

    # -- facts about the store -------------------------------------------------------------
    @_using
    def counts(self) -> dict[str, int]:
        """Rows per main table (no personal data)."""
        out: dict[str, int] = {}
        for table in ("person", "place", "incident", "link", "presence", "ward", "agency"):
            assert table in WRITABLE_TABLES  # a fixed allow-list: never user input
            row = self.cursor.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            out[table] = int(row[0]) if row else 0
        return out

    def require_data(self) -> None:
        """Raise :class:`EmptyStoreError` when there is nothing to show yet."""
        if self.counts()["person"] == 0:
            raise EmptyStoreError(
                f"{self.path} has no data yet. Generate the demo town with "
                f"`csmap generate --size small --out {self.path}` or import agency CSVs."
            )

    @_using
    def meta(self) -> dict[str, str]:
        """The dataset's metadata (synthetic flag, seed, size, generated date)."""
        rows = self.cursor.execute("SELECT key, value FROM dataset_meta").fetchall()
        return {str(k): str(v) for k, v in rows}


_LEGACY_PEOPLE = r"""
    SELECT e.event_id, list(DISTINCT p.person_id ORDER BY p.person_id)
    FROM audit_event e JOIN person p
      ON regexp_matches(e.fields, '\b' || regexp_escape(p.person_id) || '\b')
      OR regexp_matches(e.fields, '\b' || regexp_escape(p.pseudonym) || '\b')
      OR (p.given_name IS NOT NULL AND p.family_name IS NOT NULL
          AND contains(lower(e.fields), lower(p.given_name || ' ' || p.family_name)))
    WHERE e.event_type = 'legacy' AND e.event_id > $after
    GROUP BY e.event_id
    UNION ALL
    SELECT e.event_id, list(DISTINCT a.subject_id ORDER BY a.subject_id)
    FROM audit_event e JOIN agenda_item a
      ON a.meeting_id = e.object_id AND a.subject_kind = 'child'
    WHERE e.event_type = 'legacy' AND e.object_kind = 'meeting_pack' AND e.event_id > $after
    GROUP BY e.event_id
"""
"""Ids of the people an old free-text event named (id, pseudonym or full name), or whose
agenda items were in an old meeting pack event."""


def _legacy_fields(raw: str) -> str:
    """The fields of an old free-text event as the audit store keeps them: its action and the
    length of its detail, never the text (it may hold a name typed into a search)."""
    old = json.loads(raw or "{}")
    detail = old.get("detail")
    return json.dumps({"action": old.get("action"), "detail": None,
                       "detail_chars": None if detail is None else len(str(detail))},
                      ensure_ascii=True, sort_keys=True)


def _has_bidi(value: Any) -> bool:
    return isinstance(value, str) and text.BIDI_CONTROLS.search(value) is not None


def _without_bidi(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``, or a copy whose text has no direction controls (:mod:`domain.text`): they
    never belong in a name or a note, and would reorder what is shown."""
    out = frame
    for col in frame.columns:
        textual = frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col])
        if textual and frame[col].map(_has_bidi).any():
            out = out.copy() if out is frame else out
            out[col] = frame[col].map(text.clean_value)
    return out


PERSON_COLUMNS = ("person_id", "source_person_id", "target_person_id")
"""Columns of a result that hold the ids of people shown: a consultation lists them all."""


def _frame_people(frame: pd.DataFrame) -> list[str]:
    """The person ids in a result, in order of first appearance: its person columns, and the
    subjects of rows about a person (agenda items about a child or a person of concern)."""
    ids: list[str] = []
    for col in PERSON_COLUMNS:
        if col in frame.columns:
            ids.extend(str(v) for v in frame[col].dropna().unique())
    if {"subject_kind", "subject_id"} <= set(frame.columns):
        about = frame[frame["subject_kind"].isin(["child", "person"])]
        ids.extend(str(v) for v in about["subject_id"].dropna().unique())
    return list(dict.fromkeys(ids))


def _param_people(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The person ids a query or statement was given (``person_id``, ``person_ids``)."""
    one, many = params.get("person_id"), params.get("person_ids")
    ids = [one] if isinstance(one, str) else []
    if isinstance(many, list | tuple):
        ids.extend(str(p) for p in many)
    return tuple(ids)


def _hidden(spec: _queries.QuerySpec) -> tuple[str, ...]:
    """Parameters the audit keeps by length only (typed search text)."""
    return (spec.search_text,) if spec.search_text else ()


def _read_event(spec: _queries.QuerySpec, viewer: Viewer, params: Mapping[str, Any],
                audit_object: str | None, people: list[str], rows: int) -> audit.AuditEvent:
    """The event for a read of personal data: a search when the query takes typed search
    text, else a consultation. A read about one person is logged against that person, so a
    subject access report finds every view of them (services/protection.py)."""
    who = audit.Who.of(viewer)
    shown = [*_param_people(params), *people]
    parameters = audit.safe_parameters(params, hide=_hidden(spec))
    if spec.search_text:
        return audit.Search(who=who, object_kind="query", object_id=spec.name,
                            person_ids=tuple(shown), results=rows, parameters=parameters,
                            text_length=len(str(params.get(spec.search_text) or "").strip()))
    kind, oid = "query", audit_object or spec.name
    person = params.get("person_id")
    if audit_object is None and isinstance(person, str) and not spec.write:
        kind, oid = "person", person
    return audit.Consultation(who=who, object_kind=kind, object_id=oid,
                              person_ids=tuple(shown), source=spec.name, rows=rows,
                              parameters=parameters)


def _scannable(frame: pd.DataFrame) -> Any:
    """``frame`` as an Arrow table when it converts (DuckDB scans Arrow several times faster
    than pandas object columns, e.g. a million imported rows with list columns), else as is."""
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return frame
