"""The tamper-evident audit store: an insert-only, HMAC-chained log in its own DuckDB file.

The audit trail lives beside the case database, never inside it (``<db>.audit.duckdb``), so the
case data can be restored, rewritten or replaced without touching who looked at it. The same
process opens both; :class:`AuditLog` is the one writer and only ever INSERTs.

Each event is a row with its sequence number (``event_id``: 1, 2, 3... without gaps), its UTC
time, who acted (identity, role, sign-in session), the event type and fields, purpose,
recipients and person ids, ``prev_hash`` (the ``hash`` of the event before it; 64 zeros for the
first), ``hash`` (SHA-256 of the canonical event, which includes ``prev_hash``) and ``hmac``
(HMAC-SHA256 of the same bytes under a secret key that lives outside both databases: the
``audit_key_path`` setting). Without the key nobody can write an event, alter one or close
the gap left by removing one.

A chain alone cannot show that its last events were cut off, so the chain's **head** (last
sequence number and hash, HMAC-signed) is kept in a small file beside the database
(``<db>.audit-head.json``, replaced atomically after every event) and the first event of each
UTC day is signed into a **checkpoint** file (``<db>.audit-checkpoints.jsonl``, appended).
:func:`verify` checks the chain, the head and every checkpoint and names the first bad
sequence number. Copy the checkpoint file off-site with the backups: an attacker who can
replace all three files with older copies is caught only by copies they cannot reach.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import stat
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from domain import audit, settings
from domain.errors import AuditError, StoreLockedError

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event."""

LOCKDOWN = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
"""Connection options of both stores: no files, network or extensions reachable from SQL."""

COLUMNS = ("event_id", "occurred_at", "actor", "role", "session_id", "event_type",
           "object_kind", "object_id", "purpose", "recipients", "person_ids", "fields",
           "prev_hash", "hash", "hmac")
"""The columns of ``audit_event`` in the audit store, in order."""

_SIGNED = COLUMNS[:-2]  # what the hash and the HMAC cover: everything but themselves


def _schema_sql() -> str:
    """The audit store's table; its CHECK list is :data:`domain.audit.EVENT_TYPES`."""
    names = ", ".join(f"'{n}'" for n in audit.EVENT_TYPES)  # class names: [a-z_]+ only
    return f"""
    CREATE TABLE audit_event (
        event_id    BIGINT PRIMARY KEY,               -- the sequence number, without gaps
        occurred_at TIMESTAMP NOT NULL,               -- UTC
        actor       VARCHAR NOT NULL,                 -- the identity subject
        role        VARCHAR NOT NULL,
        session_id  VARCHAR,                          -- the sign-in session
        event_type  VARCHAR NOT NULL CHECK (event_type IN ({names})),
        object_kind VARCHAR NOT NULL,
        object_id   VARCHAR,
        purpose     VARCHAR NOT NULL,
        recipients  VARCHAR[] NOT NULL DEFAULT [],    -- who received a disclosure
        person_ids  VARCHAR[] NOT NULL DEFAULT [],    -- the people the event names (ids only)
        fields      VARCHAR NOT NULL DEFAULT '{{}}',  -- the event type's own fields, JSON
        prev_hash   VARCHAR NOT NULL,
        hash        VARCHAR NOT NULL,
        hmac        VARCHAR NOT NULL,
        CHECK (event_type <> 'disclosure' OR len(recipients) > 0),
        CHECK (json_valid(fields))
    );
    CREATE TABLE audit_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
    """  # noqa: S608  (constants only)


# -- where things live ------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditPaths:
    """The files of one database's audit store: the store, its head and its checkpoints."""

    store: Path
    head: Path
    checkpoints: Path

    @classmethod
    def beside(cls, db: str | Path) -> AuditPaths:
        """The audit files of the case database ``db`` (in the same folder)."""
        p = Path(db)
        return cls(p.with_name(p.name + ".audit.duckdb"),
                   p.with_name(p.name + ".audit-head.json"),
                   p.with_name(p.name + ".audit-checkpoints.jsonl"))

    def files(self) -> tuple[Path, ...]:
        """The three files, in the order a backup lists them."""
        return (self.store, self.head, self.checkpoints)


DEFAULT_KEY = Path("~/.config/csmap/audit.key")
"""Where the key is kept when ``audit_key_path`` is not set."""


def key_path() -> Path:
    """The audit key file: the ``audit_key_path`` setting, else :data:`DEFAULT_KEY`."""
    chosen = settings.get_str("audit_key_path").strip()
    return Path(chosen or DEFAULT_KEY).expanduser()


def load_key(*, create: bool = True) -> bytes:
    """The audit HMAC key, read from :func:`key_path`; made (32 random bytes, mode 0600, in a
    0700 folder) on first use when ``create``. A key others may read is refused."""
    path = key_path()
    if not path.exists():
        if not create:
            raise AuditError(f"No audit key at {path}: set CSMAP_AUDIT_KEY_PATH to the key the "
                             "audit trail was written with.")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return load_key(create=False)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise AuditError(f"The audit key {path} may be read by other users (mode {mode:o}): "
                         f"run `chmod 600 {path}`.")
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise AuditError(f"{path} is not an audit key (64 hexadecimal characters expected).")
    return key


# -- signing ----------------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes an event's hash and HMAC cover: its signed columns as sorted compact JSON."""
    return json.dumps({c: _jsonable(row.get(c)) for c in _SIGNED}, sort_keys=True,
                      ensure_ascii=True, separators=(",", ":")).encode()


def _mac(key: bytes, payload: Mapping[str, Any]) -> str:
    data = json.dumps(dict(payload), sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def seal(key: bytes, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its ``hash`` and ``hmac`` filled in (``prev_hash`` must be set)."""
    data = canonical(row)
    row["hash"] = hashlib.sha256(data).hexdigest()
    row["hmac"] = hmac.new(key, data, hashlib.sha256).hexdigest()
    return row


def problem_with(key: bytes, row: Mapping[str, Any]) -> str | None:
    """Why a stored event does not verify (its hash or HMAC), or None when it does."""
    data = canonical(row)
    if hashlib.sha256(data).hexdigest() != row.get("hash"):
        return "its content does not match its hash (altered)"
    if not hmac.compare_digest(hmac.new(key, data, hashlib.sha256).hexdigest(),
                               str(row.get("hmac"))):
        return "its HMAC does not verify (altered, or written with another key)"
    return None


@dataclass(frozen=True)
class Head:
    """The last event of a chain: its sequence number and hash (0 and :data:`GENESIS` when
    there is none), signed with the key."""

    event_id: int = 0
    hash: str = GENESIS

    def signed(self, key: bytes) -> dict[str, Any]:
        """The head as written to the head file."""
        body = {"event_id": self.event_id, "hash": self.hash}
        return {**body, "hmac": _mac(key, {"kind": "head", **body})}

    @classmethod
    def read(cls, path: Path, key: bytes) -> Head | None:
        """The head in ``path`` (None when there is no file); :class:`AuditError` when its
        signature does not verify."""
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text())
            head = cls(int(data["event_id"]), str(data["hash"]))
            good = hmac.compare_digest(head.signed(key)["hmac"], str(data["hmac"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise AuditError(f"The audit head {path} is not readable ({exc}).") from exc
        if not good:
            raise AuditError(f"The audit head {path} is not signed with the audit key: it "
                             "was altered or written with another key.")
        return head


def _now() -> datetime:
    """The time an event is recorded: UTC, without a zone (DuckDB TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` atomically (a temporary file, fsync, rename, fsync of the
    folder): after a crash the file is the old one or the new one, never half of either."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Checkpoint:
    """A signed, dated note of the chain at one event (the first of each UTC day)."""

    day: str
    event_id: int
    hash: str

    def line(self, key: bytes) -> str:
        """The checkpoint as one signed JSON line."""
        body = {"date": self.day, "event_id": self.event_id, "hash": self.hash}
        return json.dumps({**body, "hmac": _mac(key, {"kind": "checkpoint", **body})},
                          sort_keys=True) + "\n"

    @classmethod
    def read_all(cls, path: Path, key: bytes) -> list[tuple[Checkpoint, bool]]:
        """Every checkpoint in ``path`` with whether its signature verifies; a last line cut
        short by a crash is skipped."""
        if not path.exists():
            return []
        out: list[tuple[Checkpoint, bool]] = []
        lines = path.read_text().splitlines()
        for n, line in enumerate(lines):
            try:
                data = json.loads(line)
                cp = cls(str(data["date"]), int(data["event_id"]), str(data["hash"]))
            except (ValueError, KeyError, TypeError):
                if n == len(lines) - 1:
                    continue  # an append interrupted by a crash
                raise AuditError(f"{path} line {n + 1} is not a checkpoint.") from None
            body = {"kind": "checkpoint", "date": cp.day, "event_id": cp.event_id,
                    "hash": cp.hash}
            out.append((cp, hmac.compare_digest(_mac(key, body), str(data.get("hmac")))))
        return out


# -- the writer ---------------------------------------------------------------------------------

def _connect(path: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(path, read_only=read_only, config=dict(LOCKDOWN))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreLockedError(
                f"{path} is open in another CSMap process (DuckDB allows one writer). Stop "
                "the other process (e.g. a running dashboard) and try again.") from exc
        raise AuditError(f"{path} is not a readable audit store "
                         f"({str(exc).splitlines()[0]}).") from exc
    locked = con.execute("SELECT current_setting('lock_configuration')").fetchone()
    if not (locked and locked[0]):
        con.execute("SET lock_configuration = true")
    return con


_OPEN: dict[str, AuditLog] = {}
"""The audit stores open in this process, by file: a second open shares the first (DuckDB
shares one database per file in a process, so two writers would reuse sequence numbers)."""
_OPEN_LOCK = threading.Lock()


class AuditLog:
    """One database's audit store: the only writer of its events (insert-only), and the
    cursor its readers use. ``paths`` is None for an in-memory store (tests), whose head is
    kept in memory."""

    def __init__(self, con: duckdb.DuckDBPyConnection, paths: AuditPaths | None, key: bytes,
                 head: Head) -> None:
        self._con = con
        self.paths = paths
        self._key = key
        self._head = head
        self._lock = threading.Lock()
        self._local = threading.local()
        self._writer = con.cursor()
        self._head_pending = False
        self._checkpoint_day = ""
        self.read_only = False
        self._users = 1
        if paths is not None:
            days = [cp.day for cp, _ in Checkpoint.read_all(paths.checkpoints, key)]
            self._checkpoint_day = max(days, default="")

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(cls, db: str, *, read_only: bool = False) -> AuditLog:
        """The audit store of the case database ``db`` (``":memory:"``: one in memory with a
        key of its own). Opening for writing checks the chain's last event against the head
        and finishes a head update a crash interrupted; anything else that does not match
        is refused (nothing is shown until an administrator runs ``csmap audit verify``)."""
        if db == ":memory:":
            con = _connect(":memory:", read_only=False)
            con.execute(_schema_sql())
            return cls(con, None, secrets.token_bytes(32), Head())
        paths = AuditPaths.beside(db)
        if read_only and not any(p.exists() for p in paths.files()):
            con = _connect(":memory:", read_only=False)  # no event written yet: none to read,
            con.execute(_schema_sql())  # and none can be written (the store is read-only)
            log = cls(con, None, b"", Head())
            log.read_only = True
            return log
        with _OPEN_LOCK:  # one writer per file in this process, however often it is opened
            shared = _OPEN.get(str(paths.store.resolve()))
            if shared is not None:
                shared._users += 1
                return shared
            log = cls._open_file(paths, read_only=read_only)
            _OPEN[str(paths.store.resolve())] = log
            return log

    @classmethod
    def _open_file(cls, paths: AuditPaths, *, read_only: bool) -> AuditLog:
        """Open the audit store file (see :meth:`open`)."""
        key = load_key(create=not read_only)
        if not paths.store.exists() and (read_only or paths.head.exists()):
            raise AuditError(
                f"The audit store {paths.store} is missing"
                + (f" but its head {paths.head} says events were written" if
                   paths.head.exists() else "")
                + ": restore it from a backup (`csmap restore`).")
        con = _connect(str(paths.store), read_only=read_only)
        try:
            if not read_only:
                cls._ensure_schema(con)
            log = cls(con, paths, key, Head())
            log.read_only = read_only
            if not read_only:
                log._recover()
        except BaseException:
            con.close()
            raise
        return log

    @staticmethod
    def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
        """Create the table, or rebuild it when the event types changed (its CHECK list);
        the rows move unchanged, so their hashes and HMACs still verify."""
        have = con.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name = 'audit_event'").fetchone()
        if not have or not have[0]:
            con.execute(_schema_sql())
            return
        row = con.execute("SELECT value FROM audit_meta WHERE key = 'event_types'").fetchone()
        types = ",".join(audit.EVENT_TYPES)
        if row and row[0] == types:
            return
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("ALTER TABLE audit_event RENAME TO audit_event_old")
            con.execute("ALTER TABLE audit_meta RENAME TO audit_meta_old")
            con.execute(_schema_sql())
            con.execute("INSERT INTO audit_event SELECT * FROM audit_event_old")
            con.execute("INSERT INTO audit_meta SELECT * FROM audit_meta_old "
                        "WHERE key <> 'event_types'")
            con.execute("INSERT INTO audit_meta VALUES ('event_types', $t)", {"t": types})
            con.execute("DROP TABLE audit_event_old")
            con.execute("DROP TABLE audit_meta_old")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def _recover(self) -> None:
        """Check the last event against the head file; roll the head forward over one event
        that a crash left unrecorded there (its HMAC verifies and it chains to the head)."""
        assert self.paths is not None
        head = Head.read(self.paths.head, self._key) or Head()
        last = self.last_event()
        last_id = int(last["event_id"]) if last else 0
        if last is None and head.event_id == 0:
            self._head = head
            return
        if last is not None and last_id == head.event_id and last["hash"] == head.hash \
                and problem_with(self._key, last) is None:
            self._head = head
            return
        if last is not None and last_id == head.event_id + 1 \
                and last["prev_hash"] == head.hash and problem_with(self._key, last) is None:
            self._head = Head(last_id, str(last["hash"]))
            _write_atomically(self.paths.head, json.dumps(self._head.signed(self._key)))
            return
        raise AuditError(
            f"The audit trail {self.paths.store} does not match its head {self.paths.head} "
            f"(the store ends at event {last_id}, the head at event {head.event_id}). Nothing "
            "personal is shown until an administrator runs `csmap audit verify` and restores "
            "the audit store from a backup.")

    def close(self) -> None:
        """Close the audit store (CHECKPOINT first, so its file alone holds every event) once
        everyone in this process who opened it has closed it."""
        if self.paths is not None:
            with _OPEN_LOCK:
                self._users -= 1
                if self._users > 0:
                    return
                _OPEN.pop(str(self.paths.store.resolve()), None)
        try:
            if self.paths is not None:
                self._writer.execute("CHECKPOINT")
        except duckdb.Error:
            pass  # read-only, or already closed: nothing to fold in
        self._con.close()

    # -- reading --------------------------------------------------------------------------
    @property
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """The cursor of this thread on the audit store (the Audit page, subject access)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cursor = cur
        return cur

    @property
    def head(self) -> Head:
        """The chain's last event as this writer knows it."""
        return self._head

    def last_event(self) -> dict[str, Any] | None:
        """The stored event with the highest sequence number, or None."""
        rows = self._rows("ORDER BY event_id DESC LIMIT 1")
        return rows[0] if rows else None

    def events(self) -> Iterator[dict[str, Any]]:
        """Every stored event as a dict, by sequence number, a batch at a time."""
        cur = self._con.cursor()
        try:
            cur.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_event "  # noqa: S608
                        "ORDER BY event_id")
            while batch := cur.fetchmany(5000):
                yield from (dict(zip(COLUMNS, r, strict=True)) for r in batch)
        finally:
            cur.close()

    def _rows(self, tail: str) -> list[dict[str, Any]]:
        cur = self._con.cursor()
        try:
            got = cur.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_event {tail}").fetchall()  # noqa: S608
        finally:
            cur.close()
        return [dict(zip(COLUMNS, r, strict=True)) for r in got]

    # -- writing --------------------------------------------------------------------------
    def append(self, event: audit.AuditEvent) -> int:
        """Write one typed event at the end of the chain; return its sequence number.

        The head file is brought up to date first (a previous failure leaves it one event
        behind at most), then the event is inserted, then the head replaced. Any failure
        raises :class:`AuditError`: the caller shows nothing."""
        event = audit.check_writable(event)
        who = event.who
        row: dict[str, Any] = {
            "occurred_at": _now(),
            "actor": who.actor, "role": who.role.value, "session_id": who.session,
            "event_type": event.name, "object_kind": event.object_kind,
            "object_id": event.object_id, "purpose": who.purpose,
            "recipients": list(event.disclosed_to()), "person_ids": list(event.person_ids),
            "fields": json.dumps(event.fields(), ensure_ascii=True, sort_keys=True),
        }
        return self.append_rows([row])

    def append_rows(self, rows: list[dict[str, Any]],
                    meta: Mapping[str, str] | None = None) -> int:
        """Chain and insert prepared rows (every column but the sequence number and the
        hashes) in one transaction, with ``meta`` keys set in the same transaction; then
        replace the head. Returns the last sequence number."""
        if self.read_only:
            raise AuditError("The database was opened read-only, so no audit event can be "
                             "written and nothing personal is shown.")
        with self._lock:
            try:
                self._catch_up()
                head = self._head
                sealed = []
                for row in rows:
                    head_id = head.event_id + 1
                    done = seal(self._key, {**row, "event_id": head_id,
                                            "prev_hash": head.hash})
                    sealed.append(done)
                    head = Head(head_id, done["hash"])
                self._insert(sealed, meta or {})
                self._head = head
                self._head_pending = self.paths is not None
                self._catch_up()
                if sealed:
                    self._checkpoint(sealed[-1])
            except (OSError, duckdb.Error) as exc:
                raise AuditError(
                    f"The audit trail could not be written ({exc}), so nothing personal is "
                    "shown. Ask an administrator to check the audit store (`csmap audit "
                    "verify`) and the space and permissions of its folder.") from exc
            return head.event_id

    def _insert(self, rows: list[dict[str, Any]], meta: Mapping[str, str]) -> None:
        cur = self._writer
        cur.execute("BEGIN TRANSACTION")
        try:
            if rows:
                cur.executemany(
                    f"INSERT INTO audit_event ({', '.join(COLUMNS)}) VALUES "  # noqa: S608
                    f"({', '.join('$' + c for c in COLUMNS)})", rows)
            for k, v in meta.items():
                cur.execute("INSERT OR REPLACE INTO audit_meta VALUES ($k, $v)",
                            {"k": k, "v": v})
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    def _catch_up(self) -> None:
        """Write the head file if the last write left it behind."""
        if self._head_pending and self.paths is not None:
            _write_atomically(self.paths.head, json.dumps(self._head.signed(self._key)))
            self._head_pending = False

    def _checkpoint(self, row: Mapping[str, Any]) -> None:
        """Sign the first event of each UTC day into the checkpoint file."""
        day = row["occurred_at"].date().isoformat()
        if self.paths is None or day <= self._checkpoint_day:
            return
        with open(self.paths.checkpoints, "a") as fh:
            fh.write(Checkpoint(day, int(row["event_id"]), str(row["hash"])).line(self._key))
            fh.flush()
            os.fsync(fh.fileno())
        self._checkpoint_day = day

    def meta(self, key: str) -> str | None:
        """A value the audit store keeps about itself (e.g. how far old rows were moved)."""
        row = self.cursor.execute("SELECT value FROM audit_meta WHERE key = $k",
                                  {"k": key}).fetchone()
        return str(row[0]) if row else None

    def verify(self) -> Verification:
        """Check the chain, the head file and the checkpoints (see :func:`verify_database`)."""
        if self.paths is None:
            raise AuditError("an in-memory audit store has no head file to verify")
        return _verify(self, self.paths, self._key)

    def copy_files(self, folder: Path) -> list[Path]:
        """Copy the store, its head and its checkpoints into ``folder`` (same names) while no
        event can be written, the store's write-ahead log folded in first; returns the
        copies. A backup calls it."""
        if self.paths is None:
            raise AuditError("an in-memory audit store has no files to copy")
        copies = []
        with self._lock:
            self._catch_up()
            self._writer.execute("CHECKPOINT")
            for path in self.paths.files():
                if path.exists():
                    copies.append(Path(shutil.copy2(path, folder / path.name)))
        return copies


# -- verification -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found.

    Attributes
    ----------
    events
        Events read from the store.
    checkpoints
        Checkpoints checked.
    first_bad
        The first sequence number that does not verify (None when all hold).
    problem
        What is wrong there, in words (empty when all hold).
    """

    events: int
    checkpoints: int
    first_bad: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when the chain, its head and its checkpoints all hold."""
        return self.first_bad is None

    def summary(self) -> str:
        """One line for the command line."""
        if self.ok:
            return (f"audit trail verified: {self.events} events chained and signed, head "
                    f"matches, {self.checkpoints} checkpoints hold")
        return f"audit trail FAILS at event {self.first_bad}: {self.problem}"


def verify_database(db: str | Path) -> Verification:
    """Verify the audit trail of the case database ``db`` (its audit store opened read-only):
    every event (sequence without gaps, each chained to the one before, hash and HMAC), then
    the head file and every checkpoint against the events. A database with no audit file at
    all has written no event yet; one whose store is gone but whose head or checkpoints
    remain fails at event 1."""
    paths = AuditPaths.beside(db)
    if not paths.store.exists():
        left = [p.name for p in (paths.head, paths.checkpoints) if p.exists()]
        if left:
            return Verification(0, 0, 1, f"the audit store {paths.store.name} is missing but "
                                         f"{' and '.join(left)} remain")
        return Verification(0, 0)
    log = AuditLog.open(str(db), read_only=True)
    try:
        return log.verify()
    finally:
        log.close()


def _verify(log: AuditLog, paths: AuditPaths, key: bytes) -> Verification:
    expected, prev, hashes = 1, GENESIS, {}
    for row in log.events():
        eid = int(row["event_id"])
        if eid != expected:
            return Verification(expected - 1, 0, expected,
                                f"event {expected} is missing (the next stored is {eid})")
        if row["prev_hash"] != prev:
            return Verification(eid, 0, eid, "it does not chain to the event before it")
        why = problem_with(key, row)
        if why:
            return Verification(eid, 0, eid, why)
        prev = str(row["hash"])
        hashes[eid] = prev
        expected += 1
    last = expected - 1
    try:
        head = Head.read(paths.head, key)
    except AuditError as exc:
        return Verification(last, 0, last or 1, str(exc))
    found = _head_problem(head, last, prev)
    if found:
        return Verification(last, 0, found[0], found[1])
    checked = 0
    for cp, signed in Checkpoint.read_all(paths.checkpoints, key):
        if not signed:
            return Verification(last, checked, cp.event_id,
                                f"the checkpoint of {cp.day} is not signed with the audit key")
        if hashes.get(cp.event_id) != cp.hash:
            gone = cp.event_id > last
            return Verification(last, checked, min(cp.event_id, last + 1) if gone
                                else cp.event_id,
                                f"the checkpoint of {cp.day} names event {cp.event_id}, "
                                + ("which is gone (the tail was cut)" if gone
                                   else "whose hash differs"))
        checked += 1
    return Verification(last, checked)


def _head_problem(head: Head | None, last: int, last_hash: str) -> tuple[int, str] | None:
    """(first bad sequence number, why) when the head file does not match the chain's end."""
    if head is None:
        return (1, "the head file is missing") if last else None
    if head.event_id > last:
        return last + 1, (f"the head says the chain ends at event {head.event_id} but the "
                          f"store ends at {last}: events {last + 1}-{head.event_id} were "
                          "removed (the tail was cut)")
    if head.event_id < last:
        return head.event_id + 1, (
            f"the head says the chain ends at event {head.event_id} but the store goes on to "
            f"{last}: the head file was replaced by an older one")
    if head.hash != last_hash:
        return last, "the last event is not the one the head signed"
    return None
