"""What the Child page, the Panel page and the meeting pack show, gathered in one place.

Each function runs the named queries for one viewer (so access, masking and audit apply)
and feeds :mod:`analytics.chronology` and :mod:`analytics.agenda`. No Streamlit here: the
pages draw these objects, the pack prints them, tests check them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from analytics import agenda, chronology
from analytics.chronology import EscalationFlag
from data.store import Store
from domain import settings, vocabulary
from domain.access import Viewer
from domain.errors import NotFoundError, ValidationError

INTERNAL_LIMIT = 200_000  # rows for internal computation (not shown as a table)
DEFAULT_LOOKBACK_DAYS = 90


@dataclass
class ChildStory:
    """Everything the Child page shows about one child.

    ``flags`` are reachable moments (:class:`~analytics.chronology.EscalationFlag`),
    ``indicators`` counts incidents per Wales guide category, ``truncated`` names any table
    the row cap cut.
    """

    person_id: str
    label: str
    profile: pd.Series
    incidents: pd.DataFrame
    links: pd.DataFrame
    timeline: pd.DataFrame
    cumulative: pd.DataFrame
    flags: list[EscalationFlag]
    indicators: dict[str, int]
    strengths: pd.DataFrame
    vulnerabilities: pd.DataFrame
    concerns: pd.DataFrame
    places: pd.DataFrame
    connected: pd.DataFrame
    groups: pd.DataFrame
    agencies: pd.DataFrame
    truncated: list[str] = field(default_factory=list)

    @property
    def adults_of_concern(self) -> pd.DataFrame:
        """The child's links to adults of concern."""
        return self.links[self.links["other_kind"] == "adult_of_concern"]

    @property
    def protective_links(self) -> pd.DataFrame:
        """Trusted adults and other protective relationships."""
        return self.links[(self.links["nature"] == "protective")
                          | (self.links["other_kind"] == "trusted_adult")]

    @property
    def disclosures(self) -> pd.DataFrame:
        """Timeline rows that carry the child's own words (masked outside named mode)."""
        return self.timeline[self.timeline["kind"].isin(["rhi_disclosure"])
                             | (self.timeline["child_words"] != "")]


def child_story(store: Store, viewer: Viewer, person_id: str, *, as_of: date) -> ChildStory:
    """Gather one child's story for ``viewer`` up to ``as_of``."""
    p = {"person_id": person_id}
    prof = store.run("child.profile", viewer, p)
    if prof.frame.empty:
        raise NotFoundError(f"No child with id {person_id!r}. Pick a child from the list.")
    truncated: list[str] = []

    def get(name: str, params: Mapping[str, Any] = p) -> pd.DataFrame:
        res = store.run(name, viewer, params)
        if res.truncated:
            truncated.append(name)
        return res.frame

    incidents = get("child.incidents")
    links = get("child.links")
    links = links.assign(grading=[  # 3x5x2 beside every link (provenance on every fact)
        vocabulary.grading_text(s, i, h) for s, i, h in zip(
            links["grading_source"], links["grading_intel"], links["grading_handling"],
            strict=True)])
    incidents = incidents[pd.to_datetime(incidents["occurred_at"]).dt.date <= as_of]
    tl = chronology.timeline(incidents, links)
    return ChildStory(
        person_id=person_id,
        label=str(prof.frame.iloc[0]["label"]),
        profile=prof.frame.iloc[0],
        incidents=incidents,
        links=links,
        timeline=tl,
        cumulative=chronology.cumulative(tl, end=as_of),
        flags=chronology.escalation_flags(incidents, links, as_of=as_of),
        indicators=chronology.indicator_counts(incidents),
        strengths=get("child.strengths"),
        vulnerabilities=get("child.vulnerabilities"),
        concerns=get("child.concerns"),
        places=get("child.places"),
        connected=get("child.connected_children",
                      {**p, "hours": float(settings.get("copresence_hours"))}),
        groups=get("child.groups"),
        agencies=get("child.agencies"),
        truncated=truncated,
    )


def since_for(store: Store, viewer: Viewer, held_on: date) -> date:
    """The date suggestions count from: the previous meeting, else 90 days before."""
    prev = store.frame("panel.previous_meeting", viewer, {"held_on": held_on})
    if prev.empty:
        return held_on - timedelta(days=DEFAULT_LOOKBACK_DAYS)
    return pd.Timestamp(prev.iloc[0]["held_on"]).date()


def _pairs(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    return dict(zip(frame[key].tolist(), frame[value].tolist(), strict=True))


def suggestions(store: Store, viewer: Viewer, *, meeting_id: str, held_on: date,
                as_of: date, exclude_existing: bool = True
                ) -> tuple[date, list[agenda.SuggestedItem]]:
    """(since, suggested items) for a meeting: what changed since the previous one.

    With ``exclude_existing`` subjects already on the meeting's agenda are left out.
    """
    end = min(held_on, as_of)
    since = min(since_for(store, viewer, held_on), end)
    window = {"since": since, "as_of": end}
    def whole(name: str, params: Mapping[str, Any]) -> pd.DataFrame:
        res = store.run(name, viewer, params, limit=INTERNAL_LIMIT)
        if res.truncated:
            raise ValidationError(
                f"Too much activity to suggest items ({res.total:,} rows for "
                f"{name.split('.')[-1].replace('_', ' ')}, more than {INTERNAL_LIMIT:,}). "
                "Hold meetings more often or per locality, or add items by hand.")
        return res.frame

    incidents = whole("panel.recent_child_incidents", window)
    adult_links = whole("panel.child_adult_links", {"as_of": end})
    child_labels = _pairs(incidents, "person_id", "label")
    child_labels.update(_pairs(adult_links, "child_id", "child_label"))
    new_link = pd.to_datetime(adult_links["first_seen"]).dt.date > since
    recent_ids = set(incidents["person_id"].tolist()) | set(
        adult_links.loc[new_link, "child_id"].tolist())
    flags = chronology.flags_by_person(
        incidents, adult_links[adult_links["child_id"].isin(recent_ids)], as_of=end)
    concerns = whole("panel.new_concerns", window)
    child_labels.update(_pairs(concerns, "person_id", "label"))
    places = whole("panel.place_incidents",
                   {"start": end - timedelta(days=2 * DEFAULT_LOOKBACK_DAYS), "as_of": end})
    groups = whole("panel.group_adult_links", window)
    existing: list[tuple[str, str]] = []
    if exclude_existing:
        items = store.frame("panel.items", viewer, {"meeting_id": meeting_id})
        existing = list(zip(items["subject_kind"].tolist(), items["subject_id"].tolist(),
                            strict=True))
    return since, agenda.suggest(
        since=since, as_of=end, new_concerns=concerns, flags_by_child=flags,
        child_labels=child_labels, rising=agenda.rising_places(places, as_of=end),
        group_adult_links=groups, exclude=existing,
    )


def overdue(actions: pd.DataFrame, *, today: date) -> pd.Series:
    """True for each open / in-progress action whose due date or review date has passed
    (the one rule, :func:`domain.vocabulary.action_is_overdue`)."""
    if actions.empty:
        return pd.Series([], dtype=bool)
    review = actions["review_date"] if "review_date" in actions else pd.Series(
        [None] * len(actions), index=actions.index)
    return pd.Series([vocabulary.action_is_overdue(str(s), _day(d), _day(r), today=today)
                      for s, d, r in zip(actions["status"], actions["due_date"], review,
                                         strict=True)], index=actions.index, dtype=bool)


def _day(value: Any) -> date | None:
    """A date cell as a date; None for a missing one."""
    if chronology.text_or_blank(value) == "":
        return None
    return pd.Timestamp(value).date()
