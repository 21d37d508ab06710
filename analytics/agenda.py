"""Suggested agenda items for a panel meeting.

A MACE / contextual safeguarding panel discusses children, places and peer groups. Between
meetings things change; :func:`suggest` lists what changed since the last meeting, each
item with the reasons in words, for the chair to accept or remove:

- children with a **new concern** opened since the last meeting;
- children with an **escalation** (a reachable moment from
  :func:`analytics.chronology.escalation_flags`) since the last meeting;
- **places with rising incidents** (:func:`rising_places`);
- **peer groups with a new link to an adult of concern**.

Nothing here ranks children by risk: items are ordered by kind of reason (key escalations,
other escalations, new concerns, places, groups), then by date.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from analytics.chronology import EscalationFlag
from domain import vocabulary

SUBJECT_KINDS: tuple[str, ...] = vocabulary.AGENDA_SUBJECT_KINDS.codes

# Escalations that put a child on the agenda on their own; other flags need company.
KEY_ESCALATIONS: frozenset[str] = frozenset({
    "missing_more_frequent", "new_adult_of_concern", "first_overdose", "first_sexual_assault",
})

@dataclass(frozen=True)
class SuggestedItem:
    """An agenda item the chair may accept.

    Attributes
    ----------
    subject_kind : 'child', 'place' or 'group'.
    subject_id : the person, place or group id.
    label : how it is shown (pseudonym, place name, group name).
    reasons : why it is suggested, one sentence each.
    """

    subject_kind: str
    subject_id: str
    label: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The reasons as one line (stored with the agenda item)."""
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class RisingPlace:
    """A place whose incident count rose: ``recent`` in the last window vs ``previous``."""

    place_id: str
    label: str
    recent: int
    previous: int
    children: int

    def explain(self, window_days: int) -> str:
        """Why it is on the list, with the numbers."""
        who = "1 child" if self.children == 1 else f"{self.children} children"
        return (f"{self.recent} incidents involving {who} in the last "
                f"{window_days} days, up from {self.previous} in the {window_days} days before")


def rising_places(
    place_incidents: pd.DataFrame,
    *,
    as_of: date,
    window_days: int = 90,
    min_recent: int = 5,
    ratio: float = 1.5,
) -> list[RisingPlace]:
    """Places whose incidents in the last ``window_days`` are at least ``min_recent`` and at
    least ``ratio`` times the window before (so a place going from 0 to 3 counts, 4 to 5 not).

    ``place_incidents`` has one row per (incident, child) at a place: ``place_id``,
    ``label``, ``incident_id``, ``person_id``, ``occurred_at``.
    """
    if window_days <= 0 or ratio <= 0:
        raise ValueError("window_days and ratio must be positive")
    if place_incidents.empty:
        return []
    mid = as_of - timedelta(days=window_days)
    start = as_of - timedelta(days=2 * window_days)
    days = pd.to_datetime(place_incidents["occurred_at"]).dt.date.tolist()
    recent: dict[tuple[str, str], set[str]] = {}
    children: dict[tuple[str, str], set[str]] = {}
    previous: dict[tuple[str, str], set[str]] = {}
    cols = [place_incidents[c].tolist() for c in ("place_id", "label", "incident_id",
                                                   "person_id")]
    for pid, label, iid, person, d in zip(*cols, days, strict=True):
        key = (str(pid), str(label))
        if mid < d <= as_of:
            recent.setdefault(key, set()).add(str(iid))
            children.setdefault(key, set()).add(str(person))
        elif start < d <= mid:
            previous.setdefault(key, set()).add(str(iid))
    out: list[RisingPlace] = []
    for key, ids in recent.items():
        n_rec, n_prev = len(ids), len(previous.get(key, ()))
        if n_rec >= min_recent and n_rec >= ratio * n_prev:
            out.append(RisingPlace(key[0], key[1], n_rec, n_prev, len(children[key])))
    out.sort(key=lambda p: (-(p.recent - p.previous), p.label))
    return out


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def suggest(
    *,
    since: date,
    as_of: date,
    new_concerns: pd.DataFrame,
    flags_by_child: Mapping[str, list[EscalationFlag]],
    child_labels: Mapping[str, str],
    rising: Iterable[RisingPlace] = (),
    group_adult_links: pd.DataFrame | None = None,
    exclude: Iterable[tuple[str, str]] = (),
    window_days: int = 90,
    key_escalations: Collection[str] = KEY_ESCALATIONS,
    min_flags: int = 2,
) -> list[SuggestedItem]:
    """Suggested items for a meeting covering (``since``, ``as_of``].

    ``new_concerns``: ``person_id``, ``category``, ``opened_on``, ``source_agency``.
    ``flags_by_child``: escalation flags per child id. ``child_labels``: pseudonym per id.
    ``group_adult_links``: ``group_id``, ``group_label``, ``adult_label``, ``first_seen``.
    ``exclude``: (subject_kind, subject_id) already on the agenda.

    A child is suggested for escalations when a flag since the last meeting is one of
    ``key_escalations``, or when at least ``min_flags`` flags fell in the period; so the
    agenda lists changes that matter, not every first event.
    """
    if since > as_of:
        raise ValueError(f"'since' ({since}) is after 'as_of' ({as_of})")
    found = _Suggestions(set(exclude))
    for cid, flags in sorted(flags_by_child.items()):
        found.add_all(_escalations(cid, child_labels.get(cid, cid), flags, since, as_of,
                                   key_escalations, min_flags))
    found.add_all(_new_concerns(new_concerns, child_labels, since, as_of))
    for p in rising:
        found.add("place", p.place_id, p.label, "Rising incidents: " + p.explain(window_days),
                  3, as_of)
    found.add_all(_group_links(group_adult_links, since, as_of))
    return found.items()


# (subject kind, subject id, label, reason, rank, date): one reason to discuss a subject
_Reason = tuple[str, str, str, str, int, date]


class _Suggestions:
    """Reasons gathered per subject, skipping subjects already on the agenda; a subject is
    ordered by its best (lowest rank, earliest) reason, then by label."""

    def __init__(self, skip: set[tuple[str, str]]) -> None:
        self.skip = skip
        self.reasons: dict[tuple[str, str], list[str]] = {}
        self.labels: dict[tuple[str, str], str] = {}
        self.order: dict[tuple[str, str], tuple[int, date]] = {}

    def add(self, kind: str, sid: str, label: str, why: str, rank: int, on: date) -> None:
        key = (kind, sid)
        if key in self.skip:
            return
        reasons = self.reasons.setdefault(key, [])
        if why not in reasons:
            reasons.append(why)
        self.labels[key] = label
        self.order[key] = min(self.order.get(key, (rank, on)), (rank, on))

    def add_all(self, reasons: Iterable[_Reason]) -> None:
        for reason in reasons:
            self.add(*reason)

    def items(self) -> list[SuggestedItem]:
        keys = sorted(self.reasons, key=lambda k: (self.order[k], self.labels[k]))
        return [SuggestedItem(k[0], k[1], self.labels[k], tuple(self.reasons[k])) for k in keys]


def _escalations(cid: str, label: str, flags: list[EscalationFlag], since: date, as_of: date,
                 key_escalations: Collection[str], min_flags: int) -> list[_Reason]:
    """A child's flags in the period, when one is a key escalation or there are enough."""
    recent = [f for f in flags if since < f.on <= as_of]
    key = any(f.kind in key_escalations for f in recent)
    if not key and len(recent) < min_flags:
        return []
    rank = 0 if key else 1
    return [("child", cid, label, f"Escalation on {f.on.isoformat()}: {f.title}", rank, f.on)
            for f in recent]


def _new_concerns(new_concerns: pd.DataFrame, child_labels: Mapping[str, str], since: date,
                  as_of: date) -> list[_Reason]:
    """Concerns opened in the period."""
    out: list[_Reason] = []
    if new_concerns.empty:
        return out
    for _, r in new_concerns.sort_values(["opened_on", "person_id"]).iterrows():
        on = _day(r["opened_on"])
        if since < on <= as_of:
            cid, cat = str(r["person_id"]), str(r["category"])
            out.append(("child", cid, child_labels.get(cid, cid),
                        f"New {vocabulary.CONCERN_CATEGORIES.phrase(cat)} concern opened "
                        f"{on.isoformat()} ({r['source_agency']})", 2, on))
    return out


def _group_links(group_adult_links: pd.DataFrame | None, since: date,
                 as_of: date) -> list[_Reason]:
    """Peer groups whose members were newly linked to an adult of concern in the period."""
    out: list[_Reason] = []
    if group_adult_links is None or group_adult_links.empty:
        return out
    for _, r in group_adult_links.sort_values("first_seen").iterrows():
        on = _day(r["first_seen"])
        if since < on <= as_of:
            out.append(("group", str(r["group_id"]), str(r["group_label"]),
                        f"New link to adult of concern {r['adult_label']} ({on.isoformat()})",
                        4, on))
    return out


def items_frame(items: list[SuggestedItem]) -> pd.DataFrame:
    """Suggestions as a table: kind, subject, label, reason."""
    return pd.DataFrame(
        [{"kind": i.subject_kind, "subject_id": i.subject_id, "label": i.label,
          "reason": i.reason} for i in items],
        columns=["kind", "subject_id", "label", "reason"],
    )


@dataclass(frozen=True)
class SharedContext:
    """Another agenda item that shares an adult of concern or a place with this one."""

    other_item: str
    context_kind: str   # 'adult' or 'place'
    context_label: str


def shared_contexts(contexts: pd.DataFrame) -> dict[str, list[SharedContext]]:
    """For each item (rows of ``panel.item_contexts``: ``item_id``, ``context_kind``,
    ``context_id``, ``context_label``), the other items that share an adult of concern or a
    place with it, adults first."""
    out: dict[str, list[SharedContext]] = {}
    if contexts.empty:
        return out
    for (kind, _cid), group in contexts.groupby(["context_kind", "context_id"], sort=True):
        items = list(dict.fromkeys(group["item_id"].astype(str)))
        if len(items) < 2:
            continue
        label = str(group["context_label"].iloc[0])
        for item in items:
            out.setdefault(item, []).extend(
                SharedContext(other, str(kind), label) for other in items if other != item)
    for item, shared in out.items():
        out[item] = sorted(shared, key=lambda s: (s.context_kind != "adult", s.other_item,
                                                  s.context_label))
    return out


def linked_phrases(shared: list[SharedContext], titles: Mapping[str, str], *,
                   most: int = 3) -> list[str]:
    """One phrase per other item: what this item shares with it (``shares adult of concern
    AC-0001 and places Station Hotel, Queens Park with 2. Child: CH-0002``), at most
    ``most`` names of each kind, then how many more."""
    out = []
    for other in dict.fromkeys(s.other_item for s in shared):
        parts = []
        for kind, one, many in (("adult", "adult of concern", "adults of concern"),
                                ("place", "place", "places")):
            names = [s.context_label for s in shared
                     if s.other_item == other and s.context_kind == kind]
            if names:
                more = f" and {len(names) - most} more" if len(names) > most else ""
                parts.append(f"{one if len(names) == 1 else many} "
                             f"{', '.join(names[:most])}{more}")
        out.append(f"shares {' and '.join(parts)} with {titles.get(other, other)}")
    return out


def joined_up_order(item_ids: Iterable[str],
                    shared: Mapping[str, list[SharedContext]]) -> list[str]:
    """The items in agenda order, except that items sharing an adult of concern or a place
    follow the first of them, so the panel discusses them together."""
    ids = list(item_ids)
    placed: set[str] = set()
    order: list[str] = []
    for item in ids:
        if item in placed:
            continue
        stack = [item]
        while stack:  # the whole joined-up group, in agenda order
            cur = stack.pop(0)
            if cur in placed:
                continue
            placed.add(cur)
            order.append(cur)
            linked = {s.other_item for s in shared.get(cur, [])}
            stack.extend(i for i in ids if i in linked and i not in placed)
    return order
