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
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from domain.errors import NotFoundError, ValidationError

TACTICS: tuple[str, ...] = vocabulary.ACTION_TACTICS.codes
PLANS: tuple[str, ...] = vocabulary.ACTION_PLANS.codes
ATTENDANCE: tuple[str, ...] = vocabulary.ATTENDANCE.codes
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


def create_meeting(store: Store, viewer: Viewer, *, held_on: date, title: str,
                   next_held_on: date | None = None) -> str:
    """Create a meeting (and, when agreed, the date of the next one); returns its id."""
    _check_next(held_on, next_held_on)
    meeting_id = _new_id("M")
    store.execute("panel.create_meeting", viewer, {
        "meeting_id": meeting_id, "held_on": held_on,
        "title": _text(title, "The meeting title", max_len=200),
        "created_by": viewer.actor, "created_at": datetime.now(), "next_held_on": next_held_on,
    })
    return meeting_id


def _check_next(held_on: date, next_held_on: date | None) -> None:
    if next_held_on is not None and next_held_on <= held_on:
        raise ValidationError(f"The next meeting ({next_held_on:%d %b %Y}) must be after this "
                              f"one ({held_on:%d %b %Y}): choose a later date")


def _meeting_date(store: Store, viewer: Viewer, meeting_id: str) -> date:
    found = store.frame("panel.meeting", viewer, {"meeting_id": meeting_id})
    if found.empty:
        raise NotFoundError(f"No meeting with id {meeting_id!r}: choose a meeting first.")
    return pd.Timestamp(found.iloc[0]["held_on"]).date()


def set_next_meeting(store: Store, viewer: Viewer, meeting_id: str,
                     next_held_on: date | None) -> None:
    """Record (or clear) the date of the next meeting; it must be after this one."""
    _check_next(_meeting_date(store, viewer, meeting_id), next_held_on)
    store.execute("panel.set_next_meeting", viewer,
                  {"meeting_id": meeting_id, "next_held_on": next_held_on})


def add_attendee(store: Store, viewer: Viewer, *, meeting_id: str, name: str, role: str,
                 agency_id: str, attendance: str = "present") -> str:
    """Record one person at the meeting (or their apologies) with role and agency."""
    _one_of(attendance, ATTENDANCE, "Attendance")
    if not agency_id:
        raise ValidationError("Choose the agency the attendee represents")
    attendee_id = _new_id("AT")
    store.execute("panel.add_attendee", viewer, {
        "attendee_id": attendee_id, "meeting_id": meeting_id,
        "name": _text(name, "The attendee's name", max_len=200),
        "role": _text(role, "The attendee's role", required=False, max_len=200),
        "agency_id": agency_id, "attendance": attendance, "recorded_by": viewer.actor,
        "recorded_at": datetime.now(),
    })
    return attendee_id


def remove_attendee(store: Store, viewer: Viewer, attendee_id: str) -> None:
    """Take a person off the attendance list (entered by mistake)."""
    store.execute("panel.remove_attendee", viewer, {"attendee_id": attendee_id})


def add_item(store: Store, viewer: Viewer, *, meeting_id: str, subject_kind: str,
             subject_id: str, reason: str, status: str = "accepted", position: int = 0,
             language_flags: Sequence[str] = ()) -> str:
    """Put a child, place or group on a meeting's agenda; returns the item id.

    A subject already on the agenda is refused with a message (one item per subject).
    """
    _one_of(subject_kind, SUBJECT_KINDS, "Agenda subject kind")
    _one_of(status, ITEM_STATUSES, "Item status")
    if subject_kind == "person" and store.frame("panel.person_profile", viewer,
                                                {"person_id": subject_id}).empty:
        raise ValidationError("A person-of-concern item is about an adult of concern; a child "
                              "is never a person of concern: add the child as a child item")
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
                    language_flags: Sequence[str] = ()) -> str:
    """Save an item's decision text, before or after its actions, as often as it changes;
    returns the id of this wording.

    Each save is a new row of ``item_decision`` (the newest is the decision): nothing
    rewrites the agenda item, which actions refer to. Flags from earlier wording stay on
    record: the record shows what was written.
    """
    decision_id = _new_id("D")
    store.execute("panel.record_decision", viewer, {
        "decision_id": decision_id, "item_id": item_id,
        "decision": _text(decision, "The decision"), "language_flags": list(language_flags),
        "recorded_by": viewer.actor, "recorded_at": datetime.now(),
    })
    return decision_id


@dataclass(frozen=True)
class ActionFields:
    """What an action says: the plan (identify / disrupt / pursue, for a person of concern),
    the tactic, what will be done, the named owner with role and agency, the due and review
    dates and the status."""

    tactic: str | None
    description: str
    owner_name: str
    owner_role: str
    owner_agency: str
    due_date: date
    review_date: date | None
    status: str = "open"
    plan: str | None = None


def _check_action(f: ActionFields, *, held_on: date, subject_kind: str | None,
                  today: date | None) -> None:
    if not f.tactic:
        raise ValidationError("Choose a tactic: there is no default, the panel decides")
    _one_of(f.tactic, TACTICS, "Tactic")
    _one_of(f.status, ACTION_STATUSES, "Action status")
    if f.plan is not None:
        _one_of(f.plan, PLANS, "Plan")
    elif subject_kind == "person":
        raise ValidationError("Choose the plan (identify, disrupt or pursue) for an action "
                              "about a person of concern")
    if not f.owner_agency:
        raise ValidationError("Choose the agency that owns the action")
    if not (f.owner_name or "").strip():
        raise ValidationError("Name the person who owns the action (a person, not only an "
                              "agency)")
    if f.due_date < held_on:
        raise ValidationError(f"The due date {f.due_date:%d %b %Y} is before the meeting "
                              f"({held_on:%d %b %Y}): choose a date after the meeting")
    if f.review_date is not None and f.review_date < f.due_date:
        raise ValidationError(f"The review date {f.review_date} is before the due date "
                              f"{f.due_date}: review after the action is due")
    if today is not None and vocabulary.action_is_overdue(f.status, f.due_date, None,
                                                             today=today):
        raise ValidationError(f"The due date {f.due_date} is in the past: choose a later date")


def _action_params(f: ActionFields, language_flags: Sequence[str]) -> dict[str, Any]:
    return {"plan": f.plan, "tactic": f.tactic,
            "description": _text(f.description, "The description", required=False),
            "owner_name": _text(f.owner_name, "The owner's name", max_len=200),
            "owner_role": _text(f.owner_role, "The owner's role", required=False, max_len=200),
            "owner_agency": f.owner_agency, "due_date": f.due_date,
            "review_date": f.review_date, "status": f.status,
            "language_flags": list(language_flags)}


def _item_kind(store: Store, viewer: Viewer, meeting_id: str, item_id: str | None) -> str | None:
    if item_id is None:
        return None
    items = store.frame("panel.items", viewer, {"meeting_id": meeting_id})
    row = items[items["item_id"] == item_id]
    if row.empty:
        raise NotFoundError(f"No agenda item {item_id!r} in this meeting.")
    return str(row.iloc[0]["subject_kind"])


def add_action(store: Store, viewer: Viewer, *, meeting_id: str, item_id: str | None,
               fields: ActionFields, language_flags: Sequence[str] = (),
               today: date | None = None) -> str:
    """Record an action (before or after the item's decision); returns its id."""
    _check_action(fields, held_on=_meeting_date(store, viewer, meeting_id),
                  subject_kind=_item_kind(store, viewer, meeting_id, item_id), today=today)
    action_id = _new_id("ACT")
    store.execute("panel.add_action", viewer, {
        "action_id": action_id, "meeting_id": meeting_id, "item_id": item_id,
        **_action_params(fields, language_flags),
        "created_by": viewer.actor, "created_at": datetime.now(),
    })
    return action_id


def update_action(store: Store, viewer: Viewer, *, action_id: str, fields: ActionFields,
                  language_flags: Sequence[str] = (), today: date | None = None) -> None:
    """Change everything an action says (its item and meeting stay), as often as needed."""
    found = store.frame("panel.action", viewer, {"action_id": action_id})
    if found.empty:
        raise NotFoundError(f"No action with id {action_id!r}.")
    row = found.iloc[0]
    item = row["item_id"] if isinstance(row["item_id"], str) else None
    _check_action(fields, held_on=pd.Timestamp(row["held_on"]).date(),
                  subject_kind=_item_kind(store, viewer, str(row["meeting_id"]), item),
                  today=today if fields.due_date != _day(row["due_date"]) else None)
    store.execute("panel.update_action", viewer, {
        "action_id": action_id, **_action_params(fields, language_flags)})


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


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
