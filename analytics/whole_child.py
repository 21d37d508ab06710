"""The whole child for a panel: harm at home beside harm outside, every serious harm, the
relationships that protect (and the professionals who are the team around the child), and the
strengths a panel must weigh against harm from the same source.

Child L's review found incidents managed in isolation and a child "visible to many
professionals and not safe". These pure functions take the frames the Child page already
reads (``child.incidents``, ``child.links``, ``child.strengths``) and say, in words, what a
panel must see for a period; none of them scores the child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from analytics.chronology import text_or_blank
from domain import vocabulary

CONTEXT_SIDES: dict[str, str] = {"intra_familial": "home", "extra_familial": "outside",
                                 "self": "self", "unknown": "outside"}
"""Which side of the summary an incident's harm context puts it on (a harm whose context is
not known is shown with harm outside the home, where it cannot be missed)."""

PROTECTIVE_LINK_KINDS: dict[str, str] = {"trusted_adult": "Trusted adult", "peer": "Friend",
                                         "family": "Family member"}
"""Relationships the child has that can protect them, and how the summary names them."""


@dataclass(frozen=True)
class HarmCount:
    """One kind of incident in the period: how many, and the newest date."""

    kind: str
    count: int
    latest: date

    def line(self) -> str:
        """``Sexual assault: 7 (latest 12 Sep 2026)``."""
        return (f"{vocabulary.INCIDENT_KINDS.label(self.kind)}: {self.count} "
                f"(latest {self.latest:%d %b %Y})")


@dataclass(frozen=True)
class HarmPeriod:
    """What happened to a child from ``start`` to ``end``, by side.

    Attributes
    ----------
    home, outside, self_harm : harm at home (intra-familial), outside it, and to self, one
        :class:`HarmCount` per incident kind, most frequent first.
    records : other records about the child (arrests, intelligence, exclusions, return
        home interviews), listed apart so they never stand in for the harm.
    serious : one line per serious harm (:data:`domain.vocabulary.SERIOUS_HARM_KINDS`),
        newest first, with date, place and agency.
    """

    start: date
    end: date
    home: list[HarmCount] = field(default_factory=list)
    outside: list[HarmCount] = field(default_factory=list)
    self_harm: list[HarmCount] = field(default_factory=list)
    records: list[HarmCount] = field(default_factory=list)
    serious: list[str] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        """Every incident kind in the period."""
        return {c.kind for c in [*self.home, *self.outside, *self.self_harm, *self.records]}

    def count(self, kind: str) -> int:
        """How many incidents of ``kind`` in the period."""
        return sum(c.count for c in [*self.home, *self.outside, *self.self_harm, *self.records]
                   if c.kind == kind)


def _in_period(incidents: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    if incidents.empty:
        return incidents.assign(day=pd.Series(dtype="object"))
    day = pd.to_datetime(incidents["occurred_at"]).dt.date
    return incidents.assign(day=day)[(day >= start) & (day <= end)]


def _counts(frame: pd.DataFrame) -> list[HarmCount]:
    out = [HarmCount(str(k), len(g), max(g["day"])) for k, g in frame.groupby("kind")]
    return sorted(out, key=lambda c: (-c.count, c.kind))


def _where(r: pd.Series) -> str:
    place = text_or_blank(r.get("place_name"))
    ward = text_or_blank(r.get("ward"))
    if place and ward and ward not in place and place != "Home":
        place = f"{place}, {ward}"
    return place or "place not recorded"


def harm_period(incidents: pd.DataFrame, *, start: date, end: date) -> HarmPeriod:
    """Sort a child's incidents (rows of ``child.incidents``) from ``start`` to ``end``
    (inclusive) into harm at home, outside and to self, other records, and serious harm."""
    frame = _in_period(incidents, start, end)
    out = HarmPeriod(start, end)
    if frame.empty:
        return out
    harm = frame[~frame["kind"].isin(vocabulary.NOT_HARM_KINDS)]
    side = harm["harm_context"].map(lambda c: CONTEXT_SIDES.get(str(c), "outside"))
    out.home.extend(_counts(harm[side == "home"]))
    out.outside.extend(_counts(harm[side == "outside"]))
    out.self_harm.extend(_counts(harm[side == "self"]))
    out.records.extend(_counts(frame[frame["kind"].isin(vocabulary.NOT_HARM_KINDS)]))
    serious = frame[frame["kind"].isin(vocabulary.SERIOUS_HARM_KINDS)].sort_values(
        "occurred_at", ascending=False)
    out.serious.extend(
        f"{r['day']:%d %b %Y}: {vocabulary.INCIDENT_KINDS.label(r['kind'])} "
        f"({vocabulary.HARM_CONTEXTS.label(r['harm_context']).lower()}), {_where(r)}; "
        f"{text_or_blank(r.get('agency_name')) or r.get('agency_id')}"
        for _, r in serious.iterrows())
    return out


@dataclass(frozen=True)
class Relationships:
    """A child's relationships split as a panel needs them.

    Attributes
    ----------
    protective : relationships the child has that can protect them (trusted adult, friend,
        family member) with who recorded them; these are strengths.
    team : the professionals around the child ("team around the child"), by agency. Never
        strengths: Child L was visible to many professionals and not safe.
    """

    protective: list[str]
    team: list[str]


def relationships(links: pd.DataFrame) -> Relationships:
    """Split a child's links (rows of ``child.links``) into protective relationships and the
    team around the child; harmful and unknown links are neither."""
    if links.empty:
        return Relationships([], [])
    kind, nature = links["kind"].astype(str), links["nature"].astype(str)
    other = links["other_kind"].astype(str)
    prof = (kind == "professional") | (other == "professional")
    protective = links[~prof & (nature == "protective")
                       & (kind.isin(list(PROTECTIVE_LINK_KINDS)) | (other == "trusted_adult"))]
    lines = []
    for _, r in protective.iterrows():
        what = PROTECTIVE_LINK_KINDS.get(str(r["kind"]), "Trusted adult")
        role = text_or_blank(r.get("other_role"))
        lines.append(f"{what} {r['other_label']}{f' ({role})' if role else ''}, recorded by "
                     f"{r['source_agency_name']}")
    team = links[prof]
    by_agency = team.groupby("source_agency_name").size().sort_values(ascending=False)
    team_lines = [f"{n} professional(s) recorded by {agency}" for agency, n in by_agency.items()]
    if len(team):
        team_lines.insert(0, f"{len(team)} professional(s) from {len(by_agency)} agenc"
                             f"{'y' if len(by_agency) == 1 else 'ies'} know the child: being "
                             "known to professionals is not the same as being safe")
    return Relationships(lines, team_lines)


def strengths_to_weigh(strengths: pd.DataFrame, links: pd.DataFrame,
                       period: HarmPeriod) -> list[str]:
    """Strengths that sit beside harm from the same source, for the panel to weigh.

    Family support, or a protective family member, beside harm at home (domestic abuse,
    parental substance misuse...); school as a strength beside school exclusions. Each line
    names both sides; the judgement is the panel's.
    """
    out: list[str] = []
    home = period.home
    kinds = strengths["kind"].astype(str) if not strengths.empty else pd.Series(dtype=str)
    family_links = 0 if links.empty else int(
        ((links["kind"] == "family") & (links["nature"] == "protective")).sum())
    if home and ((kinds == "family_support").any() or family_links):
        what = ("Family support is recorded as a strength" if (kinds == "family_support").any()
                else f"{family_links} family member(s) are recorded as protective")
        out.append(f"{what}, beside harm at home in the period ("
                   + "; ".join(c.line() for c in home) + "): weigh whether home is safe")
    exclusions = period.count("exclusion")
    if exclusions and (kinds == "school").any():
        out.append(f"School is recorded as a strength, beside {exclusions} school "
                   "exclusion(s) in the period: education protects only while the child is "
                   "in it")
    return out
