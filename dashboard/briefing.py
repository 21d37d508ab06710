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

import networkx as nx
import pandas as pd

from analytics import agenda, chronology
from analytics import network as network_measures
from analytics.chronology import EscalationFlag
from dashboard import labels, svg
from data import settings
from data.access import Viewer
from data.errors import NotFoundError, ValidationError
from data.store import Store

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
        network_measures.grading_text(s, i, h) for s, i, h in zip(
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


@dataclass
class ItemSummary:
    """One agenda item on one screen: facts, chronology highlights, harms and strengths,
    actions, assessments, and the map and network extracts as SVG."""

    item_id: str
    subject_kind: str
    subject_id: str
    label: str
    reason: str
    facts: list[str]
    highlights: pd.DataFrame
    harms: list[str]
    strengths: list[str]
    actions: pd.DataFrame
    assessments: pd.DataFrame
    map_svg: str
    network_svg: str
    decision: str = ""


def _ward_shapes(store: Store, viewer: Viewer) -> list[tuple[str, bytes]]:
    wards = store.frame("reference.wards", viewer)
    return list(zip(wards["name"], wards["geometry_wkb"], strict=True))


def _graph(links: pd.DataFrame) -> nx.Graph:
    g: nx.Graph = nx.Graph()
    for _, r in links.iterrows():
        g.add_node(r["source_person_id"], label=r["source_label"], kind=r["source_kind"])
        g.add_node(r["target_person_id"], label=r["target_label"], kind=r["target_kind"])
        g.add_edge(r["source_person_id"], r["target_person_id"], nature=r["nature"],
                   verified=bool(r["verified"]))
    return g


def _ego_links(links: pd.DataFrame, focus: str, circle: set[str]) -> pd.DataFrame:
    """The focus child's own links, links among the connected children, and their links to
    adults of concern; not every professional the connected children know (clutter)."""
    if links.empty:
        return links
    src, tgt = links["source_person_id"], links["target_person_id"]
    own = (src == focus) | (tgt == focus)
    among = src.isin(circle) & tgt.isin(circle)
    adults = (src.isin(circle) & (links["target_kind"] == "adult_of_concern")) | (
        tgt.isin(circle) & (links["source_kind"] == "adult_of_concern"))
    return links[own | among | adults]


def _points(frame: pd.DataFrame, focus: str | None = None) -> list[svg.MapPoint]:
    pts = frame.dropna(subset=["lon", "lat"])
    return [svg.MapPoint(str(r["name"]), float(r["lon"]), float(r["lat"]),
                         r["place_id"] == focus) for _, r in pts.head(12).iterrows()]


def _adult_side(r: Any) -> tuple[str, str]:
    """(adult label, other label) of a link row touching an adult of concern."""
    if r["source_kind"] == "adult_of_concern":
        return str(r["source_label"]), str(r["target_label"])
    return str(r["target_label"]), str(r["source_label"])


def _when(value: Any) -> str:
    return pd.Timestamp(value).date().isoformat() if pd.notna(value) else ""


def _highlights(story_flags: list[EscalationFlag], events: pd.DataFrame,
                n: int = 4) -> pd.DataFrame:
    """The newest ``n`` flags and ``n`` events, newest first."""
    rows = [{"date": f.on, "what": f.title, "detail": f.explanation} for f in story_flags[-n:]]
    for _, r in events.tail(n).iterrows():
        rows.append({"date": pd.Timestamp(r["date"]).date(), "what": r["event"],
                     "detail": r.get("provenance", "")})
    out = pd.DataFrame(rows, columns=["date", "what", "detail"])
    return out.sort_values("date", ascending=False).head(2 * n).reset_index(drop=True)


def item_summary(store: Store, viewer: Viewer, item: Mapping[str, Any], *,
                 as_of: date) -> ItemSummary:
    """The one-screen summary of an agenda item (a row of ``panel.items``)."""
    kind, sid = str(item["subject_kind"]), str(item["subject_id"])
    actions = store.frame("panel.subject_actions", viewer,
                          {"subject_kind": kind, "subject_id": sid})
    wards = _ward_shapes(store, viewer)
    decision = item.get("decision")
    base: dict[str, Any] = {
        "item_id": str(item["item_id"]), "subject_kind": kind, "subject_id": sid,
        "label": str(item.get("label") or sid), "reason": str(item.get("reason") or ""),
        "decision": str(decision) if isinstance(decision, str) else "", "actions": actions}
    if kind == "child":
        story = child_story(store, viewer, sid, as_of=as_of)
        prof = story.profile
        open_cats = story.concerns.loc[story.concerns["closed_on"].isna(), "category"]
        age = prof["age_years"]
        facts = [f"Age {age}" if pd.notna(age) else "Age not recorded",
                 "Looked after" if prof["looked_after"] else "Not looked after",
                 f"School: {prof['school'] or 'not recorded'}",
                 f"Open concerns: {', '.join(labels.label(c) for c in open_cats) or 'none'}",
                 f"Agencies holding information: {len(story.agencies)}"]
        harms = [f"{labels.label(k)} indicators in {v} incident(s)"
                 for k, v in story.indicators.items() if v]
        harms += [f"Linked to adult of concern {r['other_label']} ({labels.label(r['kind'])}, "
                  f"{'verified' if r['verified'] else 'unverified'}; "
                  f"{r['source_agency_name']}, graded {r['grading']})"
                  for _, r in story.adults_of_concern.iterrows()]
        harms += [f"Vulnerability: {labels.label(v)}" for v in story.vulnerabilities["kind"]]
        strengths = [f"{labels.label(r['kind'])}: {r['description']} ({r['source_agency']})"
                     for _, r in story.strengths.iterrows()]
        strengths += [f"{labels.label(r['other_kind'])} {r['other_label']}"
                      f"{' (' + str(r['other_role']) + ')' if pd.notna(r['other_role']) else ''}"
                      f", recorded by {r['source_agency_name']}"
                      for _, r in story.protective_links.iterrows()]
        ids = [sid, *story.connected["person_id"].head(8)]
        links = _ego_links(store.frame("panel.links_among", viewer, {"person_ids": ids}),
                           sid, set(ids))
        places = story.places.rename(columns={"place_name": "name"})
        return ItemSummary(**base, facts=facts,
                           highlights=_highlights(story.flags, story.timeline),
                           harms=harms, strengths=strengths,
                           assessments=pd.DataFrame(),
                           map_svg=svg.map_extract(wards, _points(places)),
                           network_svg=svg.network_extract(_graph(links), focus=[sid]))
    assessments = store.frame("panel.assessments", viewer,
                              {"subject_kind": kind, "subject_id": sid})
    if kind == "place":
        prof_f = store.frame("panel.place_profile", viewer, {"place_id": sid})
        if prof_f.empty:
            raise NotFoundError(f"No place with id {sid!r}.")
        pl = prof_f.iloc[0]
        inc = store.frame("panel.place_incidents_detail", viewer, {"place_id": sid})
        people = store.frame("panel.place_people", viewer, {"place_id": sid})
        children = people[people["kind"] == "child"]
        adults = people[people["kind"] == "adult_of_concern"]
        facts = [f"{labels.label(pl['kind'])} in {pl['ward'] or 'no ward (online)'}",
                 f"Guardianship: {pl['guardianship'] or 'not recorded'}",
                 f"{len(inc)} incident(s); {len(children)} child(ren) and {len(adults)} "
                 "adult(s) of concern seen or harmed here"]
        by_kind = inc.groupby("kind").size().sort_values(ascending=False)
        harms = [f"{labels.label(str(k))}: {n}" for k, n in by_kind.items()]
        harms += [f"Adult of concern seen here: {r['label']} ({int(r['times'])} time(s), "
                  f"{_when(r['first_seen'])} to {_when(r['last_seen'])}; {r['sources']}, "
                  f"graded {r['gradings'] or 'ungraded'})" for _, r in adults.iterrows()]
        strengths = [f"Guardianship recorded: {pl['guardianship']}"] \
            if pd.notna(pl["guardianship"]) and pl["guardianship"] else []
        strengths += [f"Young people's needs and strengths: {r['body']}"
                      for _, r in assessments.iterrows() if r["domain"] == "needs_strengths"]
        events = chronology.timeline(inc.assign(place_name=None))
        links = store.frame("panel.links_among", viewer,
                            {"person_ids": list(people["person_id"].head(12))})
        g = _graph(links)
        g.remove_nodes_from([n for n in list(g) if n not in set(people["person_id"])])
        pts = [svg.MapPoint(str(pl["name"]), float(pl["lon"]), float(pl["lat"]), True)] \
            if pd.notna(pl["lon"]) else []
        return ItemSummary(**base, facts=facts, highlights=_highlights([], events),
                           harms=harms, strengths=strengths, assessments=assessments,
                           map_svg=svg.map_extract(wards, pts),
                           network_svg=svg.network_extract(g))
    members = store.frame("panel.group_members", viewer, {"group_id": sid})
    current = members[members["end_date"].isna()]
    ids = list(current["person_id"])
    links = store.frame("panel.links_among", viewer, {"person_ids": ids})
    adults = links[(links["source_kind"] == "adult_of_concern")
                   | (links["target_kind"] == "adult_of_concern")]
    places = store.frame("panel.places_of_people", viewer, {"person_ids": ids})
    names = current["label"].tolist()
    more = f" and {len(names) - 12} more" if len(names) > 12 else ""
    facts = [f"{len(current)} current members ({', '.join(names[:12])}{more})",
             f"{len(members) - len(current)} former members"]
    harms = [f"Link to adult of concern {_adult_side(r)[0]} from {_adult_side(r)[1]} "
             f"({labels.label(r['kind'])}, first seen {_when(r['first_seen'])}, "
             f"{'verified' if r['verified'] else 'unverified'}; {r['source_agency_name']}, "
             "graded " + network_measures.grading_text(
                 r["grading_source"], r["grading_intel"], r["grading_handling"]) + ")"
             for _, r in adults.iterrows()]
    strengths = [f"Protective link: {r['source_label']} and {r['target_label']}"
                  for _, r in links[links["nature"] == "protective"].iterrows()]
    events = pd.DataFrame([{"date": r["first_seen"],
                            "event": f"Adult of concern linked to {_adult_side(r)[1]}",
                            "provenance": labels.label(r["kind"])}
                           for _, r in adults.iterrows()], columns=["date", "event", "provenance"])
    return ItemSummary(**base, facts=facts, highlights=_highlights([], events),
                       harms=harms, strengths=strengths, assessments=assessments,
                       map_svg=svg.map_extract(wards, _points(places)),
                       network_svg=svg.network_extract(_graph(links), focus=ids))


def overdue(actions: pd.DataFrame, *, today: date) -> pd.Series:
    """True for open / in-progress actions past their due date (or past review)."""
    if actions.empty:
        return pd.Series([], dtype=bool)
    due = pd.to_datetime(actions["due_date"]).dt.date
    live = actions["status"].isin(["open", "in_progress"])
    return live & (due < today)
