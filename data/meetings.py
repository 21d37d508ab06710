"""Panel meeting writes: meetings, agenda items, decisions, actions, assessments.

Thin, validated wrappers over the registered write statements in
:mod:`data.queries.panel` (so every write goes through ``Store.execute``: role-checked and
audited). They make ids and timestamps and say what to fix when input does not fit.
Language flags are computed by the caller (:mod:`analytics.language`) and stored with the
text: the panel may save flagged text, and the flag is kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from domain.errors import ValidationError

TACTICS: tuple[str, ...] = vocabulary.ACTION_TACTICS.codes
ACTION_STATUSES: tuple[str, ...] = vocabulary.ACTION_STATUSES.codes
ITEM_STATUSES: tuple[str, ...] = vocabulary.AGENDA_ITEM_STATUSES.codes
SUBJECT_KINDS: tuple[str, ...] = vocabulary.AGENDA_SUBJECT_KINDS.codes
ASSESSMENT_DOMAINS: dict[str, tuple[str, ...]] = vocabulary.ASSESSMENT_DOMAINS_FOR


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _one_of(value: str, allowed: Sequence[str], what: str) -> None:
    if value not in allowed:
        raise ValidationError(f"{what} {value!r} is not known: use one of {', '.join(allowed)}")


def _text(value: str, what: str, *, required: bool = True, max_len: int = 4000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"{what} is empty: write a few words")
    if len(value) > max_len:
        raise ValidationError(f"{what} is {len(value)} characters; keep it under {max_len}")
    return value


def create_meeting(store: Store, viewer: Viewer, *, held_on: date, title: str) -> str:
    """Create a meeting; returns its id."""
    meeting_id = _new_id("M")
    store.execute("panel.create_meeting", viewer, {
        "meeting_id": meeting_id, "held_on": held_on,
        "title": _text(title, "The meeting title", max_len=200),
        "created_by": viewer.actor, "created_at": datetime.now(),
    })
    return meeting_id


def add_item(store: Store, viewer: Viewer, *, meeting_id: str, subject_kind: str,
             subject_id: str, reason: str, status: str = "accepted", position: int = 0,
             language_flags: Sequence[str] = ()) -> str:
    """Put a child, place or group on a meeting's agenda; returns the item id.

    A subject already on the agenda is refused with a message (one item per subject).
    """
    _one_of(subject_kind, SUBJECT_KINDS, "Agenda subject kind")
    _one_of(status, ITEM_STATUSES, "Item status")
    items = store.frame("panel.items", viewer, {"meeting_id": meeting_id})
    clash = items[(items["subject_kind"] == subject_kind) & (items["subject_id"] == subject_id)]
    if not clash.empty:
        raise ValidationError(f"That {subject_kind} is already on this agenda "
                              f"({clash.iloc[0]['status']}).")
    item_id = _new_id("AI")
    store.execute("panel.add_item", viewer, {
        "item_id": item_id, "meeting_id": meeting_id, "subject_kind": subject_kind,
        "subject_id": subject_id, "reason": _text(reason, "The reason", max_len=1000),
        "status": status, "position": int(position), "language_flags": list(language_flags),
    })
    return item_id


def set_item_status(store: Store, viewer: Viewer, item_id: str, status: str) -> None:
    """Accept or remove an agenda item."""
    _one_of(status, ITEM_STATUSES, "Item status")
    store.execute("panel.set_item_status", viewer, {"item_id": item_id, "status": status})


def record_decision(store: Store, viewer: Viewer, item_id: str, decision: str,
                    language_flags: Sequence[str] = ()) -> None:
    """Save an item's decision text; its language flags are added to the item's record
    (flags from earlier wording stay: the record shows what was written)."""
    store.execute("panel.set_item_decision", viewer, {
        "item_id": item_id, "decision": _text(decision, "The decision"),
        "language_flags": list(language_flags),
    })


def add_action(store: Store, viewer: Viewer, *, meeting_id: str, item_id: str | None,
               tactic: str, description: str, owner_agency: str, due_date: date,
               review_date: date | None, status: str = "open",
               language_flags: Sequence[str] = (), today: date | None = None) -> str:
    """Record a decision's action (tactic, owner, due and review dates); returns its id."""
    _one_of(tactic, TACTICS, "Tactic")
    _one_of(status, ACTION_STATUSES, "Action status")
    if not owner_agency:
        raise ValidationError("Choose the agency that owns the action")
    if review_date is not None and review_date < due_date:
        raise ValidationError(f"The review date {review_date} is before the due date "
                              f"{due_date}: review after the action is due")
    if today is not None and vocabulary.action_is_overdue(status, due_date, None,
                                                             today=today):
        raise ValidationError(f"The due date {due_date} is in the past: choose a later date")
    action_id = _new_id("ACT")
    store.execute("panel.add_action", viewer, {
        "action_id": action_id, "meeting_id": meeting_id, "item_id": item_id,
        "tactic": tactic, "description": _text(description, "The description", required=False),
        "owner_agency": owner_agency, "due_date": due_date, "review_date": review_date,
        "status": status, "created_by": viewer.actor, "created_at": datetime.now(),
        "language_flags": list(language_flags),
    })
    return action_id


def set_action_status(store: Store, viewer: Viewer, action_id: str, status: str) -> None:
    """Move an action to open / in progress / done / cancelled."""
    _one_of(status, ACTION_STATUSES, "Action status")
    store.execute("panel.set_action_status", viewer, {"action_id": action_id, "status": status})


def add_assessment(store: Store, viewer: Viewer, *, subject_kind: str, subject_id: str,
                   domain: str, body: str, source_agency: str, assessed_on: date,
                   language_flags: Sequence[str] = ()) -> str:
    """Record one domain of a peer-group or location assessment; returns its id."""
    if subject_kind not in ASSESSMENT_DOMAINS:
        raise ValidationError("Assessments are for a peer group or a place")
    _one_of(domain, ASSESSMENT_DOMAINS[subject_kind], f"A {subject_kind} assessment domain")
    if not source_agency:
        raise ValidationError("Choose the agency the assessment's information comes from")
    assessment_id = _new_id("AS")
    store.execute("panel.add_assessment", viewer, {
        "assessment_id": assessment_id, "subject_kind": subject_kind, "subject_id": subject_id,
        "domain": domain, "body": _text(body, "The assessment"), "source_agency": source_agency,
        "assessed_on": assessed_on, "created_by": viewer.actor,
        "language_flags": list(language_flags),
    })
    return assessment_id
