"""The one connection gateway to the DuckDB store.

Pages and analytics never open connections: they call :meth:`Store.run` with the name of a
registered query (:mod:`data.queries`), parameters and the :class:`~domain.access.Viewer`. The
gateway checks the viewer's role, masks restricted columns unless the viewer may see names,
caps the rows (``truncated`` says when it did) and writes a typed audit event
(:mod:`domain.audit`) for every read of personal data, listing the people it showed.

Facts about DuckDB this relies on: one process holds the file read-write and no other process
can open it; in one process use one connection and a ``cursor()`` per thread; after an error in
a transaction COMMIT silently rolls back, so we ROLLBACK explicitly and re-raise.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from data import queries as _queries
from domain import audit, settings
from domain.access import Access, Viewer
from domain.errors import (
    AccessDeniedError,
    EmptyStoreError,
    SchemaError,
    StoreLockedError,
    StoreNotFoundError,
    ValidationError,
)

_LOCKDOWN = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}

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


class Store:
    """A CSMap database: one DuckDB connection, a cursor per thread, named queries only."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self._con = con
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

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
            con = duckdb.connect(p, read_only=read_only, config=dict(_LOCKDOWN))
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
        locked = con.execute("SELECT current_setting('lock_configuration')").fetchone()
        if not (locked and locked[0]):  # a second connection in this process shares the lock
            con.execute("SET lock_configuration = true")
        store = cls(con, p)
        if not read_only:
            store.migrate()
        else:
            store._check_version()
        return store

    def close(self) -> None:
        """Close the connection (and the threads of :meth:`run_many`)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """The cursor of this thread on the shared connection."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

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
        cur = self.cursor
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

    def insert_frames(self, frames: Sequence[tuple[str, pd.DataFrame]]) -> dict[str, int]:
        """Append several frames, in order, in ONE transaction: all of them or none.

        Importers use it to write an incident and its people, or accepted rows and the
        quarantine of rejected ones, so that a failure part-way leaves nothing half-written.
        Returns rows written per table.
        """
        for table, frame in frames:
            if table not in WRITABLE_TABLES:
                raise ValidationError(f"{table!r} is not a table bulk loads may write")
            for c in frame.columns:
                if not re.fullmatch(r"[a-z_][a-z0-9_]*", str(c)):
                    raise ValidationError(f"bad column name {c!r}")
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

    def execute_many(
        self, viewer: Viewer, statements: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> None:
        """Run several registered write statements in ONE transaction, then audit each.

        All are checked (write spec, role, parameters) before anything runs; on any error
        the transaction rolls back and nothing is written.
        """
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
            checked.append((spec, {k: params[k] for k in spec.params}))
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

    def audit(self, event: audit.AuditEvent) -> None:
        """Append one typed audit event (:mod:`domain.audit`): its type, who (actor, role,
        session), when, the object, the purpose, the people it names, the recipients of a
        disclosure and the type's own fields. Anything else is refused."""
        event = audit.check_writable(event)
        who = event.who
        self.cursor.execute(
            "INSERT INTO audit_event (event_id, occurred_at, actor, role, session_id, "
            "event_type, object_kind, object_id, purpose, recipients, person_ids, fields) "
            "VALUES (nextval('audit_event_seq'), $at, $actor, $role, $session, $type, $kind, "
            "$oid, $purpose, $recipients, $people, $fields)",
            {
                "at": datetime.now(),
                "actor": who.actor,
                "role": who.role.value,
                "session": who.session,
                "type": event.name,
                "kind": event.object_kind,
                "oid": event.object_id,
                "purpose": who.purpose,
                "recipients": list(event.disclosed_to()),
                "people": list(event.person_ids),
                "fields": json.dumps(event.fields(), ensure_ascii=True, sort_keys=True),
            },
        )

    # -- facts about the store -------------------------------------------------------------
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

    def meta(self) -> dict[str, str]:
        """The dataset's metadata (synthetic flag, seed, size, generated date)."""
        rows = self.cursor.execute("SELECT key, value FROM dataset_meta").fetchall()
        return {str(k): str(v) for k, v in rows}


PERSON_COLUMNS = ("person_id", "source_person_id", "target_person_id")
"""Columns of a result that hold the ids of people shown: a consultation lists them all."""


def _frame_people(frame: pd.DataFrame) -> list[str]:
    """The person ids in a result, in order of first appearance: its person columns, and the
    subjects of rows about a child (agenda items)."""
    ids: list[str] = []
    for col in PERSON_COLUMNS:
        if col in frame.columns:
            ids.extend(str(v) for v in frame[col].dropna().unique())
    if {"subject_kind", "subject_id"} <= set(frame.columns):
        about_child = frame[frame["subject_kind"] == "child"]
        ids.extend(str(v) for v in about_child["subject_id"].dropna().unique())
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
