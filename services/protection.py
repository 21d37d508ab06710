"""Data protection for administrators: everything held about one person and who it was shared
with (subject access), deletion everywhere, retention review.

Lessons of the ICO's 2018 enforcement on the Gangs Matrix (BRIEF section 8): a person's data
can be reported in full, with every view and export of it; deleted from every table; and
concerns past their review or end date are listed for action.

:data:`PERSON_REFERENCES` is the one list of where a person can be referred to. A test
introspects the schema and fails when a table gains a person reference not listed here.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from analytics.exports import neutralise_frame
from data.store import QueryRequest, Store
from domain import audit
from domain.access import Viewer
from domain.errors import NotFoundError, ValidationError


@dataclass(frozen=True)
class PersonReference:
    """One place in the schema that refers to a person, and what deletion does with it.

    ``table.column`` holds a person id (``where`` narrows it, e.g. ``subject_kind =
    'child'``); ``deletion`` says in words what happens to those rows.
    """

    table: str
    column: str
    deletion: str
    where: str = ""


PERSON_REFERENCES: tuple[PersonReference, ...] = (
    PersonReference("person", "person_id", "deleted (phase 2)"),
    PersonReference("person_record", "person_id",
                    "deleted, with records awaiting merge review that identify the person "
                    "(name, date of birth, postcode)"),
    PersonReference("merge_decision", "person_id",
                    "deleted, with decisions on any of the person's records"),
    PersonReference("erasure", "person_id",
                    "the erasure in progress: not copied by the rewrite that ends it"),
    PersonReference("group_membership", "person_id", "deleted (the group stays)"),
    PersonReference("link", "source_person_id", "deleted"),
    PersonReference("link", "target_person_id", "deleted"),
    PersonReference("presence", "person_id", "deleted"),
    PersonReference("incident_person", "person_id",
                    "deleted; an incident with other people stays, one with no one else is "
                    "deleted (phase 2) and dropped from other links' evidence"),
    PersonReference("concern", "person_id", "deleted"),
    PersonReference("strength", "person_id", "deleted"),
    PersonReference("vulnerability", "person_id", "deleted"),
    PersonReference("agenda_item", "subject_id",
                    "deleted (phase 2) with its decisions and actions; the meeting stays",
                    where="subject_kind IN ('child', 'person')"),
    PersonReference("planted_truth", "object_id", "deleted (synthetic demo truth)"),
    PersonReference("audit_event", "object_id",
                    "kept, in the separate append-only audit store: who looked, when and why, "
                    "by id only (events hold no names, so nothing there needs redacting)"),
    PersonReference("audit_event", "person_ids",
                    "kept, in the audit store: the ids of the people each consultation, "
                    "search and disclosure named, so the erasure itself stays accountable"),
)
"""Every column that can hold a person id. Tables added to the schema must be added here."""

NOT_PERSON_REFERENCES: dict[str, str] = {
    "assessment.subject_id": "subjects are groups, places and wards, never people",
}
"""Columns that look like person references but are not, with the reason."""

SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("person", "protection.sar_person", "The person"),
    ("records", "protection.sar_records", "Agency records"),
    ("merge_decisions", "protection.sar_merge_decisions", "Record-linkage decisions"),
    ("concerns", "protection.sar_concerns", "Concerns (role, review and end dates)"),
    ("strengths", "protection.sar_strengths", "Strengths"),
    ("vulnerabilities", "protection.sar_vulnerabilities", "Vulnerabilities"),
    ("links", "protection.sar_links", "Links (both directions)"),
    ("presences", "protection.sar_presences", "Places recorded"),
    ("incidents", "protection.sar_incidents", "Incidents (role in each)"),
    ("groups", "protection.sar_groups", "Peer-group memberships"),
    ("agenda", "protection.sar_agenda", "Panel agenda items"),
    ("actions", "protection.sar_actions", "Panel actions"),
    ("assessments", "protection.sar_assessments", "Assessments of their peer groups"),
    ("shared", "protection.sar_audit", "Who it was shared with (audit trail)"),
)
"""(key, query, title) of each section of a subject access report, in order."""

SECTION_LIMIT = 5000  # rows per section: a person has far fewer; the cap says if cut


@dataclass
class SubjectAccessReport:
    """Everything held about one person.

    Attributes
    ----------
    person_id, pseudonym, kind
        Who the report is about.
    sections
        Section key to rows (see :data:`SECTIONS`); restricted columns are masked unless the
        viewer may see names.
    truncated
        Keys of sections cut by :data:`SECTION_LIMIT`.
    """

    person_id: str
    pseudonym: str
    kind: str
    sections: dict[str, pd.DataFrame]
    truncated: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        """Rows in all sections together."""
        return sum(len(f) for f in self.sections.values())

    def counts(self) -> dict[str, int]:
        """Rows per section."""
        return {k: len(f) for k, f in self.sections.items()}

    def to_csv(self) -> bytes:
        """One long CSV: a ``section`` column, then every section's columns (blank where a
        section does not have them). Formula-like text is neutralised for spreadsheets."""
        parts = [f.assign(section=key) for key, f in self.sections.items() if not f.empty]
        if not parts:
            return b"section\n"
        frame = pd.concat(parts, ignore_index=True)
        cols = ["section"] + [c for c in frame.columns if c != "section"]
        buf = io.StringIO()
        neutralise_frame(frame[cols]).to_csv(buf, index=False)
        return buf.getvalue().encode("utf-8")


def id_pattern(person_id: str) -> str:
    """A regular expression matching ``person_id`` as a whole word inside audit detail."""
    return r"(^|[^A-Za-z0-9_])" + re.escape(person_id) + r"($|[^A-Za-z0-9_])"


def people(store: Store, viewer: Viewer) -> pd.DataFrame:
    """Everyone held, to choose from: id, pseudonym, kind, label (names only in named mode)."""
    return store.run("protection.people", viewer, limit=1_000_000).frame


def find_person(store: Store, viewer: Viewer, text: str) -> str:
    """The person id for a pseudonym or id typed by an administrator."""
    return _find(store, viewer, text)[0]


def _find(store: Store, viewer: Viewer, text: str) -> tuple[str, str]:
    """(person id, pseudonym) for a pseudonym or id typed by an administrator."""
    wanted = text.strip()
    if not wanted:
        raise ValidationError("Type a pseudonym (for example YP-00012) or a person id.")
    frame = people(store, viewer)
    hit = frame[(frame["pseudonym"].str.upper() == wanted.upper())
                | (frame["person_id"].str.upper() == wanted.upper())]
    if hit.empty:
        raise NotFoundError(f"No one with the pseudonym or id {wanted!r} is held in this store.")
    return str(hit["person_id"].iloc[0]), str(hit["pseudonym"].iloc[0])


def subject_access(store: Store, viewer: Viewer, person_id: str) -> SubjectAccessReport:
    """Every row held about ``person_id``, section by section, read through the gateway (so
    the reads are themselves audited as views of this person)."""
    requests = {key: QueryRequest(query, _params(query, person_id), limit=SECTION_LIMIT)
                for key, query, _ in SECTIONS}
    results = store.run_many(viewer, requests)
    person = results["person"].frame
    if person.empty:
        raise NotFoundError(f"No person with id {person_id!r} is held in this store.")
    row = person.iloc[0]
    return SubjectAccessReport(
        person_id=person_id, pseudonym=str(row["pseudonym"]), kind=str(row["kind"]),
        sections={k: r.frame for k, r in results.items()},
        truncated=[k for k, r in results.items() if r.truncated],
    )


def _params(query: str, person_id: str) -> dict[str, Any]:
    return {"person_id": person_id}


def export_subject_access(store: Store, viewer: Viewer, report: SubjectAccessReport, *,
                          purpose: str, recipients: Sequence[str]) -> bytes:
    """The report as CSV, recorded in the audit trail as a disclosure with its purpose and
    recipients (both required), before the file is handed over."""
    purpose = (purpose or "").strip()
    if len(purpose) < 5:
        raise ValidationError("Say why the report is being exported (at least a few words); "
                              "the purpose is recorded with the export.")
    data = report.to_csv()
    store.audit(audit.Disclosure(
        who=audit.Who.of(viewer, purpose=purpose), object_kind="person",
        object_id=report.person_id, person_ids=(report.person_id,),
        what="subject access report", file_format="csv", recipients=tuple(recipients),
        named=viewer.shows_names, counts={"rows": report.total_rows, "bytes": len(data)}))
    return data


# -- deletion ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeletionPlan:
    """What deleting one person removes: rows per table, and the ids worked out beforehand.

    Attributes
    ----------
    person_id, pseudonym
        Who is deleted.
    counts
        Rows removed per table (tables with none are left out).
    incident_ids
        Incidents no one else appears in: deleted with the person.
    item_ids
        Agenda items about the person: deleted with their actions.
    home_place_id
        The person's home, deleted at the end if no one else refers to it.
    record_ids
        Agency records awaiting merge review (no person yet) that identify the person.
    quarantine_ids
        Quarantined import rows (``batch#row``) that identify the person.
    """

    person_id: str
    pseudonym: str
    counts: dict[str, int]
    incident_ids: list[str]
    item_ids: list[str]
    home_place_id: str | None
    record_ids: list[str] = field(default_factory=list)
    quarantine_ids: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Rows removed in all tables."""
        return sum(self.counts.values())

    def values(self) -> dict[str, Any]:
        """The parameters every deletion statement is given."""
        return {"person_id": self.person_id, "incident_ids": self.incident_ids,
                "item_ids": self.item_ids, "record_ids": self.record_ids,
                "quarantine_ids": self.quarantine_ids}

    def to_json(self) -> str:
        """The plan as the erasure in progress keeps it (ids and counts only)."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DeletionPlan:
        """A plan kept by :meth:`to_json`."""
        return cls(**json.loads(text))


def plan_deletion(store: Store, viewer: Viewer, person_id: str) -> DeletionPlan:
    """Count what deleting ``person_id`` would remove, without removing anything."""
    found = store.run("protection.sar_person", viewer, {"person_id": person_id}).frame
    if found.empty:
        raise NotFoundError(f"No person with id {person_id!r} is held in this store.")
    p = {"person_id": person_id}
    ids = store.run_many(viewer, {
        key: QueryRequest(f"protection.delete_plan_{key}", p, limit=1_000_000)
        for key in ("incidents", "items", "records", "quarantine")})
    home = store.frame("protection.home_place", viewer, p)
    incident_ids = sorted(ids["incidents"].frame["incident_id"].astype(str))
    item_ids = sorted(ids["items"].frame["item_id"].astype(str))
    record_ids = sorted(ids["records"].frame["record_id"].astype(str))
    quarantine_ids = sorted(ids["quarantine"].frame["quarantine_id"].astype(str))
    counts = store.frame("protection.delete_counts", viewer,
                         {**p, "incident_ids": incident_ids, "item_ids": item_ids,
                          "record_ids": record_ids, "quarantine_ids": quarantine_ids})
    return DeletionPlan(
        person_id=person_id, pseudonym=str(found["pseudonym"].iloc[0]),
        counts={str(t): int(n) for t, n in zip(counts["table"], counts["n"], strict=True)
                if int(n) > 0},
        incident_ids=incident_ids, item_ids=item_ids,
        home_place_id=str(home["place_id"].iloc[0]) if not home.empty else None,
        record_ids=record_ids, quarantine_ids=quarantine_ids,
    )


PHASE_1: tuple[str, ...] = (
    "protection.redact_erasure_purpose",
    "protection.unlink_evidence", "protection.unlink_presences",
    "protection.delete_merge_decisions", "protection.delete_records",
    "protection.delete_quarantine",
    "protection.delete_groups", "protection.delete_links", "protection.delete_presences",
    "protection.delete_incident_people", "protection.delete_concerns",
    "protection.delete_strengths", "protection.delete_vulnerabilities",
    "protection.delete_actions", "protection.delete_decisions", "protection.delete_planted",
    "protection.blank_person",
)
"""Every row referring to or identifying the person, in ONE transaction (all or nothing)."""

PHASE_2: tuple[str, ...] = (
    "protection.delete_items", "protection.delete_incidents", "protection.delete_person",
)
"""Rows that phase 1's rows referred to, in a second transaction (see :func:`delete_person`)."""

STEPS: tuple[str, ...] = ("planned", "rows_deleted", "person_deleted", "home_checked",
                          "rewrite")
"""The steps of an erasure in order; each is recorded in the transaction that reaches it."""


@dataclass(frozen=True)
class PendingErasure:
    """An erasure started and not finished (interrupted): run it again to finish it.

    Attributes
    ----------
    plan
        What it removes (worked out before anything was deleted).
    step
        The last step it completed (:data:`STEPS`).
    purpose
        Why, as typed, with the person's names redacted once phase 1 has run.
    """

    plan: DeletionPlan
    step: str
    purpose: str
    requested_by: str


def pending_erasure(store: Store, viewer: Viewer) -> PendingErasure | None:
    """The erasure in progress, if one was interrupted (at most one at a time)."""
    rows = store.frame("protection.erasure_pending", viewer)
    if rows.empty:
        return None
    row = rows.iloc[0]
    return PendingErasure(DeletionPlan.from_json(str(row["plan"])), str(row["step"]),
                          str(row["purpose"]), str(row["requested_by"]))


def erase_named(store: Store, viewer: Viewer, text: str, *,
                purpose: str) -> tuple[DeletionPlan, bool]:
    """Erase the person whose pseudonym or id ``text`` is (typing it is the confirmation:
    the command line), or finish their interrupted erasure, whose first steps may already
    have removed their record. Returns what was removed and whether it was a resumption."""
    pending = pending_erasure(store, viewer)
    wanted = text.strip().upper()
    if pending and wanted in (pending.plan.pseudonym.upper(), pending.plan.person_id.upper()):
        return delete_person(store, viewer, pending.plan.person_id,
                             confirm=pending.plan.pseudonym, purpose=purpose), True
    person_id, pseudonym = _find(store, viewer, text)
    return delete_person(store, viewer, person_id, confirm=pseudonym, purpose=purpose), False


def delete_person(store: Store, viewer: Viewer, person_id: str, *, confirm: str,
                  purpose: str) -> DeletionPlan:
    """Erase ``person_id`` everywhere, then rewrite the database so no byte of them remains.

    ``confirm`` must be the person's pseudonym, typed. The plan (ids and counts) is recorded
    first as the erasure in progress. Phase 1 removes, in one transaction, every row
    referring to the person, the agency records awaiting merge review and the quarantined
    import rows that identify them (with merge decisions on any of those records), redacts
    their names from the audit trail's text, and blanks the person row to its id and
    pseudonym. DuckDB refuses to delete a row whose references were deleted in the same
    transaction, so phase 2 (the person, their agenda items, incidents no one else is in)
    commits next, and phase 3 removes their home if no one else refers to it. The audit
    keeps an erasure event (ids and counts per table only). Last, :meth:`Store.rewrite`
    copies the live rows into a fresh file and swaps it in: DuckDB keeps deleted rows in
    the file. Each step is recorded in the transaction that does it, so if anything
    interrupts the erasure, running it again (same person) finishes it.
    """
    pending = pending_erasure(store, viewer)
    if pending is not None and pending.plan.person_id != person_id:
        raise ValidationError(
            f"The erasure of {pending.plan.pseudonym} was interrupted: finish it first "
            f"(run it again), then erase anyone else.")
    purpose = (purpose or "").strip()
    if pending is None:
        if len(purpose) < 5:
            raise ValidationError("Say why this person's data is being deleted (at least a "
                                  "few words); the purpose is recorded in the audit trail.")
        plan = plan_deletion(store, viewer, person_id)
        if confirm.strip() != plan.pseudonym:
            raise ValidationError(f"To confirm, type the pseudonym {plan.pseudonym} exactly.")
        store.execute("protection.erasure_start", viewer, {
            "person_id": person_id, "pseudonym": plan.pseudonym, "plan": plan.to_json(),
            "requested_by": viewer.actor, "purpose": purpose, "started_at": datetime.now()})
        pending = PendingErasure(plan, "planned", purpose, viewer.actor)
    elif confirm.strip() != pending.plan.pseudonym:
        raise ValidationError(f"To confirm, type the pseudonym {pending.plan.pseudonym} "
                              "exactly.")
    return _finish(store, viewer, pending)


def _finish(store: Store, viewer: Viewer, pending: PendingErasure) -> DeletionPlan:
    """Run the steps of ``pending`` after the last one it completed.

    Every step is audited with the viewer's purpose, which may name the person being erased:
    it is written with their full name replaced by the pseudonym (while the name is still
    held to be found), because the audit store is append-only."""
    viewer = dataclasses.replace(viewer, purpose=store.without_names(viewer.purpose))
    plan, done = pending.plan, STEPS.index(pending.step)
    values = plan.values()
    step = _STEP_QUERY
    if done < STEPS.index("rows_deleted"):
        store.execute_many(viewer, [*((q, values) for q in PHASE_1),
                                    (step, {"person_id": plan.person_id,
                                            "step": "rows_deleted"})])
    if done < STEPS.index("person_deleted"):
        store.execute_many(viewer, [*((q, values) for q in PHASE_2),
                                    (step, {"person_id": plan.person_id,
                                            "step": "person_deleted"})])
    statements: list[tuple[str, Mapping[str, Any]]] = []
    if plan.home_place_id:
        statements.append(("protection.delete_home", {"place_id": plan.home_place_id}))
    if done < STEPS.index("home_checked"):
        store.execute_many(viewer, [*statements, (step, {"person_id": plan.person_id,
                                                         "step": "home_checked"})])
    counts = dict(plan.counts)
    if plan.home_place_id and not _place_exists(store, viewer, plan.home_place_id):
        counts["place"] = 1
    if done < STEPS.index("rewrite"):
        again = pending_erasure(store, viewer)  # the purpose, now redacted
        store.audit(audit.Erasure(
            who=audit.Who.of(viewer, purpose=again.purpose if again else pending.purpose),
            object_kind="person", object_id=plan.person_id, person_ids=(plan.person_id,),
            rows=counts, incident_ids=tuple(plan.incident_ids),
            agenda_item_ids=tuple(plan.item_ids)))
        store.execute(step, viewer, {"person_id": plan.person_id, "step": "rewrite"})
    rewrite(store)
    return dataclasses.replace(plan, counts=counts)


_STEP_QUERY = "protection.erasure_step"


def rewrite(store: Store) -> None:
    """The last step of an erasure: copy the live rows into a fresh file and swap it in
    (:meth:`Store.rewrite`); the erasure in progress is not copied, which ends it."""
    store.rewrite(empty=("erasure",))


def _place_exists(store: Store, viewer: Viewer, place_id: str) -> bool:
    rows = store.frame("protection.place_exists", viewer, {"place_id": place_id})
    return bool(len(rows))


# -- retention ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RetentionReview:
    """Concerns an administrator should act on.

    Attributes
    ----------
    as_of
        The date compared against.
    concerns
        One row per concern past its end date or review date (pseudonyms only).
    past_end, review_due
        How many are past their end date (delete or extend) and past their review date.
    """

    as_of: date
    concerns: pd.DataFrame
    past_end: int
    review_due: int


def retention_review(store: Store, viewer: Viewer, *, as_of: date) -> RetentionReview:
    """Concerns past their end (retention) date or their review date on ``as_of``."""
    frame = store.run("protection.retention", viewer, {"as_of": as_of},
                      limit=1_000_000).frame
    return RetentionReview(as_of, frame, int(frame["past_end"].sum()),
                           int(frame["review_due"].sum()))


def extend_concern(store: Store, viewer: Viewer, concern_id: str, *, review_date: date,
                   end_date: date, as_of: date) -> None:
    """Give a concern new review and end dates (both after ``as_of``); audited."""
    if review_date <= as_of or end_date <= as_of:
        raise ValidationError(f"New review and end dates must be after {as_of:%d %B %Y}.")
    if end_date < review_date:
        raise ValidationError("The end date cannot come before the review date.")
    store.execute("protection.extend_concern", viewer,
                  {"concern_id": concern_id, "review_date": review_date, "end_date": end_date})
