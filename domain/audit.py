"""Audit events as types: each event a frozen dataclass with a stable :attr:`~AuditEvent.name`
and named fields, so the audit trail is checked when written and queryable when read.

Every event says who acted (:class:`Who`: actor, role, session, purpose), what kind of object
it is about and its id, and the ids of the people in it (``person_ids``), so a subject access
report finds every event naming a person. The Data Protection Act 2018 s62 distinguishes a
**consultation** (a view of personal data) from a **disclosure** (personal data leaving
CSMap: an export, a meeting pack, a subject access report), which also records its
recipients. Events never hold free text: a search keeps the length of what was typed, a write
keeps ids and the names of the fields written, never the text of a note or a name.

:data:`EVENT_TYPES` is the one list of event types; the audit store's ``audit_event`` CHECK
list is made from it (:mod:`data.audit_log`, rebuilt when it changes).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

from domain.access import Role, Viewer
from domain.errors import ValidationError


@dataclass(frozen=True)
class Who:
    """Who acted, in which role and sign-in session (none until sign-in exists), and why."""

    actor: str
    role: Role
    purpose: str
    session: str | None = None

    def __post_init__(self) -> None:
        if not self.actor.strip():
            raise ValidationError("an audit event needs an actor (who acted)")
        if not self.purpose.strip():
            raise ValidationError("an audit event needs a purpose (why)")
        if not isinstance(self.role, Role):
            object.__setattr__(self, "role", Role(str(self.role)))

    @classmethod
    def of(cls, viewer: Viewer, *, purpose: str | None = None) -> Who:
        """The viewer as the audit records them; ``purpose`` (an export's own) replaces the
        viewer's purpose of access when given."""
        return cls(viewer.actor, viewer.role, (purpose or "").strip() or viewer.purpose,
                   viewer.session)


@dataclass(frozen=True, kw_only=True)
class AuditEvent:
    """One audited event: who, what kind of object and its id, and the people in it.

    Subclasses set :attr:`name` (the stable event type stored with the row) and add their
    own fields; :meth:`fields` gives those as JSON-ready values.
    """

    name: ClassVar[str] = ""
    writable: ClassVar[bool] = True  # False: read back from old rows, never written anew

    who: Who
    object_kind: str
    object_id: str | None = None
    person_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.object_kind.strip():
            raise ValidationError("an audit event needs the kind of object it is about")
        ids = tuple(dict.fromkeys(str(p) for p in self.person_ids if p is not None))
        object.__setattr__(self, "person_ids", ids)

    def disclosed_to(self) -> tuple[str, ...]:
        """The recipients of a disclosure; nobody for other events."""
        return ()

    def fields(self) -> dict[str, Any]:
        """The event type's own fields (not who, object, people or recipients), JSON-ready."""
        return {f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name not in _COMMON}


_COMMON = frozenset({"who", "object_kind", "object_id", "person_ids", "recipients"})

EVENT_TYPES: dict[str, type[AuditEvent]] = {}
"""Every event type by its stable name (the ``event_type`` stored with each row)."""

_E = TypeVar("_E", bound=type[AuditEvent])


def _register(cls: _E) -> _E:
    if not re.fullmatch(r"[a-z][a-z_]*", cls.name) or cls.name in EVENT_TYPES:
        raise ValueError(f"bad or repeated audit event name {cls.name!r}")
    EVENT_TYPES[cls.name] = cls
    return cls


@_register
@dataclass(frozen=True, kw_only=True)
class Consultation(AuditEvent):
    """A view of personal data: which named query or page view was read (``source``), how
    many rows it gave, its filter (ids, dates and codes only) and the people shown."""

    name: ClassVar[str] = "consultation"

    source: str
    rows: int
    parameters: Mapping[str, Any] = field(default_factory=dict)


@_register
@dataclass(frozen=True, kw_only=True)
class Disclosure(AuditEvent):
    """Personal data leaving CSMap (an export, a meeting pack, a subject access report): what
    it is, its file format, to whom it goes (required), whether names are in it, its size
    (``counts``: items, rows, nodes, bytes...) and the people in it."""

    name: ClassVar[str] = "disclosure"

    what: str
    file_format: str
    recipients: tuple[str, ...]
    named: bool
    counts: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        cleaned = tuple(r.strip() for r in self.recipients if r and r.strip())
        if not cleaned:
            raise ValidationError(
                "Say who will receive it (recipients, for example 'MACE panel members' or "
                "'the requester, by secure email'); a disclosure is recorded with its "
                "recipients.")
        object.__setattr__(self, "recipients", cleaned)

    def disclosed_to(self) -> tuple[str, ...]:
        """The recipients: who receives the disclosed data."""
        return self.recipients


@_register
@dataclass(frozen=True, kw_only=True)
class Search(AuditEvent):
    """A search for people: the length of the text typed (never the text: it may be a
    name), how many results it gave, its other parameters, and the people found or chosen."""

    name: ClassVar[str] = "search"

    text_length: int
    results: int
    parameters: Mapping[str, Any] = field(default_factory=dict)


@_register
@dataclass(frozen=True, kw_only=True)
class AccessDenied(AuditEvent):
    """A refused read or write: the access class it needed and its parameters (ids, dates and
    codes only)."""

    name: ClassVar[str] = "access_denied"

    needed: str
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RecordChange(AuditEvent):
    """A record written by a registered statement: its name, the ids it was given and the
    names (only) of the other fields it wrote, so case-note text is never copied."""

    statement: str
    ids: Mapping[str, Any] = field(default_factory=dict)
    changed: tuple[str, ...] = ()


@_register
@dataclass(frozen=True, kw_only=True)
class RecordCreated(RecordChange):
    """A record created (a meeting, an agenda item, an action, an assessment...)."""

    name: ClassVar[str] = "record_created"


@_register
@dataclass(frozen=True, kw_only=True)
class RecordUpdated(RecordChange):
    """A record changed (a decision, a status, a review date...)."""

    name: ClassVar[str] = "record_updated"


@_register
@dataclass(frozen=True, kw_only=True)
class RecordDeleted(RecordChange):
    """Records deleted by one statement (one step of an erasure, for example)."""

    name: ClassVar[str] = "record_deleted"


@_register
@dataclass(frozen=True, kw_only=True)
class Erasure(AuditEvent):
    """A person erased everywhere: rows removed per table and the ids of the incidents and
    agenda items removed with them. Ids only: the person's name is not kept."""

    name: ClassVar[str] = "erasure"

    rows: Mapping[str, int]
    incident_ids: tuple[str, ...] = ()
    agenda_item_ids: tuple[str, ...] = ()


@_register
@dataclass(frozen=True, kw_only=True)
class DataImported(AuditEvent):
    """An agency file imported (the object is the import batch): its kind and row counts.
    The file name stays in ``import_batch``."""

    name: ClassVar[str] = "data_imported"

    file_kind: str
    total: int
    accepted: int
    rejected: int


@_register
@dataclass(frozen=True, kw_only=True)
class LegacyEvent(AuditEvent):
    """An event written before events had types (schema 0007 converted it): its free-form
    action, and the length of its detail text (``detail_chars``). Moving into the audit store
    (:mod:`data.audit_log`) drops the text itself (it may hold a name typed into a search),
    so ``detail`` is None there. Never written anew."""

    name: ClassVar[str] = "legacy"
    writable: ClassVar[bool] = False

    action: str
    detail: str | None = None
    detail_chars: int | None = None


RECORD_CHANGES: dict[str, type[RecordChange]] = {
    "create": RecordCreated, "update": RecordUpdated, "delete": RecordDeleted}
"""The event type of a registered write statement, by its ``audit_action``."""


def check_writable(event: object) -> AuditEvent:
    """``event`` if it may be written to the audit trail; a :class:`ValidationError` for
    anything else (a string, an unregistered type, a converted legacy event)."""
    if not isinstance(event, AuditEvent):
        raise ValidationError(
            f"the audit trail takes audit events (domain.audit), not {type(event).__name__}")
    if EVENT_TYPES.get(event.name) is not type(event) or not event.writable:
        raise ValidationError(f"{type(event).__name__} ({event.name!r}) is not an audit event "
                              "type that may be written; known: " + ", ".join(
                                  n for n, t in EVENT_TYPES.items() if t.writable))
    return event


def parse_recipients(text: str) -> tuple[str, ...]:
    """Recipients typed in one box, separated by commas, semicolons or new lines."""
    return tuple(p.strip() for p in re.split(r"[,;\n]", text or "") if p.strip())


_CODE = re.compile(r"[\w.:@/+-]{1,40}")


def safe_parameters(params: Mapping[str, Any], *,
                    hide: Iterable[str] = ()) -> dict[str, Any]:
    """Query parameters as the audit may keep them: ids, numbers, dates, flags and short codes
    (a ward, an incident kind) as they are; any other text, and every parameter named in
    ``hide`` (typed search text), by its length only."""
    hidden = set(hide)
    out: dict[str, Any] = {}
    for key, value in sorted(params.items()):
        if key in hidden:
            out[key] = {"chars": len(str(value or ""))}
        elif value is None or isinstance(value, bool | int | float):
            out[key] = value
        elif isinstance(value, date | datetime):
            out[key] = value.isoformat()
        elif isinstance(value, list | tuple | set | frozenset):
            items = [str(v) for v in value]
            out[key] = (items if all(_CODE.fullmatch(v) for v in items)
                        else {"items": len(items)})
        elif _CODE.fullmatch(str(value)):
            out[key] = str(value)
        else:
            out[key] = {"chars": len(str(value))}
    return out


def id_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    """Only the id parameters of a write (names ending ``id`` or ``ids``), as the audit keeps
    them; other fields are recorded by name only (see :class:`RecordChange`)."""
    return {k: _jsonable(v) for k, v in sorted(params.items()) if _is_id(k)}


def _is_id(key: str) -> bool:
    return key.endswith("id") or key.endswith("ids")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Role):
        return value.value
    return value


def from_row(row: Mapping[str, Any]) -> AuditEvent:
    """Rebuild a typed event from a stored row (``event_type``, ``actor``, ``role``,
    ``session_id``, ``purpose``, ``object_kind``, ``object_id``, ``person_ids``,
    ``recipients`` and ``fields`` as JSON)."""
    kind = str(row["event_type"])
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        raise ValidationError(f"unknown audit event type {kind!r}")
    raw = row["fields"]
    stored: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    session = row.get("session_id")
    kwargs: dict[str, Any] = {
        "who": Who(str(row["actor"]), Role(str(row["role"])), str(row["purpose"]),
                   None if _missing(session) else str(session)),
        "object_kind": str(row["object_kind"]),
        "object_id": None if _missing(row.get("object_id")) else str(row["object_id"]),
        "person_ids": tuple(_list(row.get("person_ids"))),
    }
    own = {f.name: f for f in dataclasses.fields(cls)}
    if "recipients" in own:
        kwargs["recipients"] = tuple(_list(row.get("recipients")))
    for key, value in stored.items():
        if key in own and key not in _COMMON:
            is_tuple = str(own[key].type).startswith("tuple")
            kwargs[key] = tuple(value) if is_tuple and value is not None else value
    return cls(**kwargs)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # NaN from pandas


def _list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [str(v) for v in value]
