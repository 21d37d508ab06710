"""One agenda item on one screen (and one pack section): facts, highlights, harms and
strengths side by side, assessments, a map extract and a network extract.

Runs the named queries for one viewer (so access, masking and audit apply); builds on
:func:`services.briefing.child_story` for a child. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import networkx as nx
import pandas as pd

from analytics import agenda, chronology, whole_child
from analytics.chronology import EscalationFlag, text_or_blank
from data.store import Store
from domain import settings, vocabulary
from domain.access import Viewer
from domain.errors import NotFoundError
from services import svg
from services.briefing import ChildStory, child_story

SIDES: dict[str, tuple[str, str]] = {
    "person": ("Children linked and harm", "Identify / disrupt / pursue plan"),
}
DEFAULT_SIDES = ("Harms and vulnerabilities", "Strengths and protective factors")
EXCERPT_CHARS = 240  # how much of one disclosure the summary quotes


@dataclass
class ItemSummary:
    """One agenda item on one screen: facts, chronology highlights, harms and strengths,
    actions, assessments, and the map and network extracts as SVG.

    For a child, the period's harm is laid out whole (``period``, ``harm_home``,
    ``harm_outside``, ``harm_self``, ``other_records``, every ``serious`` harm by date), with
    the latest reachable ``moments``, the child's own words (``voice``: excerpts in
    multi-agency mode, a sentence saying they are recorded and restricted otherwise), the
    ``team`` around the child (professionals, never strengths) and the strengths to ``weigh``
    against harm from the same source. ``linked`` says which other items of the meeting
    share an adult of concern or a place (filled by :func:`join_up`). ``sides`` are the
    titles of the two columns (harms, strengths; for a person of concern the plan).
    """

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
    period: str = ""
    harm_home: list[str] = field(default_factory=list)
    harm_outside: list[str] = field(default_factory=list)
    harm_self: list[str] = field(default_factory=list)
    other_records: list[str] = field(default_factory=list)
    serious: list[str] = field(default_factory=list)
    moments: list[str] = field(default_factory=list)
    voice: list[str] = field(default_factory=list)
    team: list[str] = field(default_factory=list)
    weigh: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    sides: tuple[str, str] = DEFAULT_SIDES

    @property
    def whole_harm_text(self) -> str:
        """Every line about harm in the period, as one text (for checks and search)."""
        return "\n".join([*self.harm_home, *self.harm_outside, *self.harm_self,
                          *self.other_records, *self.serious])


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


def period_start(as_of: date) -> date:
    """The first day of the period a summary counts harm over (``summary_period_days``)."""
    return as_of - timedelta(days=settings.get_int("summary_period_days") - 1)


def _voice(story: ChildStory, start: date) -> list[str]:
    """The child's own words: short excerpts where the viewer may read them, otherwise a
    sentence saying they are recorded and restricted (never silence)."""
    words = story.disclosures
    if words.empty:
        return ["No disclosure in the child's own words is recorded: ask who the child trusts "
                "to listen, and record what they say."]
    days = pd.to_datetime(words["date"]).dt.date
    recent = words[days >= start]
    latest = words.iloc[-1]
    said = words[words["child_words"] != ""]
    if said.empty:  # restricted: masked outside multi-agency (names) mode
        return [f"The child's own words are recorded in {len(recent)} disclosure(s) in the "
                f"period (the latest on {pd.Timestamp(latest['date']):%d %b %Y}, "
                f"{latest['agency']}). They are restricted: shown to the panel in "
                "multi-agency mode."]
    out = []
    for _, r in said.tail(2).iloc[::-1].iterrows():
        text = " ".join(str(r["child_words"]).split())
        if len(text) > EXCERPT_CHARS:
            text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " ..."
        out.append(f"{pd.Timestamp(r['date']):%d %b %Y} ({r['agency']}): \u201c{text}\u201d")
    if len(said) > 2:
        out.append(f"{len(said) - 2} earlier disclosure(s) on the Child page.")
    return out


def _period_fields(incidents: pd.DataFrame,
                   as_of: date) -> tuple[dict[str, Any], whole_child.HarmPeriod]:
    """The summary's fields about harm in the period, and the period itself."""
    start = period_start(as_of)
    hp = whole_child.harm_period(incidents, start=start, end=as_of)
    none = "None recorded in the period."
    return {"period": f"{start:%d %b %Y} to {as_of:%d %b %Y}",
            "harm_home": [c.line() for c in hp.home] or [none],
            "harm_outside": [c.line() for c in hp.outside] or [none],
            "harm_self": [c.line() for c in hp.self_harm] or [none],
            "other_records": [c.line() for c in hp.records],
            "serious": hp.serious}, hp


def _child(store: Store, viewer: Viewer, sid: str, base: dict[str, Any], wards: Any,
           as_of: date) -> ItemSummary:
    story = child_story(store, viewer, sid, as_of=as_of)
    prof = story.profile
    open_cats = story.concerns.loc[story.concerns["closed_on"].isna(), "category"]
    age = prof["age_years"]
    facts = [f"Age {age}" if pd.notna(age) else "Age not recorded",
             "Looked after" if prof["looked_after"] else "Not looked after",
             f"School: {prof['school'] or 'not recorded'}",
             f"Open concerns: {', '.join(vocabulary.label(c) for c in open_cats) or 'none'}",
             f"Agencies holding information: {len(story.agencies)}"]
    harms = [f"{vocabulary.label(k)} indicators in {v} incident(s)"
             for k, v in story.indicators.items() if v]
    harms += [f"Linked to adult of concern {r['other_label']} ({vocabulary.label(r['kind'])}, "
              f"{'verified' if r['verified'] else 'unverified'}; "
              f"{r['source_agency_name']}, graded {r['grading']})"
              for _, r in story.adults_of_concern.iterrows()]
    harms += [f"Vulnerability: {vocabulary.label(v)}" for v in story.vulnerabilities["kind"]]
    rel = whole_child.relationships(story.links)
    strengths = [f"{vocabulary.label(r['kind'])}: {r['description']} ({r['source_agency']})"
                 for _, r in story.strengths.iterrows()]
    strengths += rel.protective
    period, hp = _period_fields(story.incidents, as_of)
    ids = [sid, *story.connected["person_id"].head(8)]
    links = _ego_links(store.frame("panel.links_among", viewer, {"person_ids": ids}),
                       sid, set(ids))
    places = story.places.rename(columns={"place_name": "name"})
    return ItemSummary(
        **base, facts=facts, highlights=_highlights(story.flags, story.timeline),
        harms=harms, strengths=strengths, assessments=pd.DataFrame(),
        map_svg=svg.map_extract(wards, _points(places)),
        network_svg=svg.network_extract(_graph(links), focus=[sid]), **period,
        moments=[f"{f.on:%d %b %Y}: {f.title}. {f.explanation}" for f in story.flags[-3:]][::-1]
        or ["No reachable moment flagged."],
        voice=_voice(story, period_start(as_of)), team=rel.team,
        weigh=whole_child.strengths_to_weigh(story.strengths, story.links, hp))


def _plan_lines(actions: pd.DataFrame) -> list[str]:
    """The identify / disrupt / pursue plan of a person of concern, from its actions."""
    out = []
    for plan in vocabulary.ACTION_PLANS:
        mine = actions[actions["plan"] == plan.code] if not actions.empty else actions
        if mine.empty:
            out.append(f"{plan.label}: no action yet")
            continue
        out += [f"{plan.label}: {vocabulary.label(r['tactic'])}, {owner_text(r)}, due "
                f"{pd.Timestamp(r['due_date']):%d %b %Y} ({vocabulary.label(r['status'])})"
                for r in mine.to_dict("records")]
    return out


def owner_text(row: Mapping[Any, Any]) -> str:
    """An action's owner as one phrase: ``DS Jo Bell (exploitation team), Police``."""
    name = text_or_blank(row.get("owner_name"))
    role = text_or_blank(row.get("owner_role"))
    agency = text_or_blank(row.get("owner_agency_name")) or text_or_blank(
        row.get("owner_agency"))
    who = f"{name} ({role})" if name and role else name or role
    return f"{who}, {agency}" if who else agency


def _person(store: Store, viewer: Viewer, sid: str, base: dict[str, Any], wards: Any,
            as_of: date) -> ItemSummary:
    prof_f = store.frame("panel.person_profile", viewer, {"person_id": sid})
    if prof_f.empty:
        raise NotFoundError(f"No adult of concern with id {sid!r}: a person-of-concern item "
                            "is about an adult (children are never persons of concern).")
    prof = prof_f.iloc[0]
    p = {"person_id": sid}
    links = store.frame("child.links", viewer, p)
    incidents = store.frame("child.incidents", viewer, p)
    incidents = incidents[pd.to_datetime(incidents["occurred_at"]).dt.date <= as_of]
    places = store.frame("child.places", viewer, p)
    children = links[links["other_kind"] == "child"]
    facts = [f"Age {prof['age_years']}" if pd.notna(prof["age_years"]) else "Age not recorded",
             f"Recorded by {prof['source_agency_name']}",
             f"Linked to {children['other_id'].nunique()} child(ren); seen at "
             f"{len(places)} place(s) and online space(s)"]
    harms = [f"Linked to child {r['other_label']} ({vocabulary.label(r['kind'])}, "
             f"{vocabulary.label(r['nature']).lower()}, "
             f"{'verified' if r['verified'] else 'unverified'}; "
             f"first seen {_when(r['first_seen'])}; "
             f"{r['source_agency_name']}, graded "
             + vocabulary.grading_text(r["grading_source"], r["grading_intel"],
                                       r["grading_handling"]) + ")"
             for _, r in children.iterrows()]
    period, _ = _period_fields(incidents, as_of)
    ids = [sid, *children["other_id"].head(12)]
    g = _graph(store.frame("panel.links_among", viewer, {"person_ids": ids}))
    g.remove_nodes_from([n for n in list(g) if n not in set(ids)
                         and g.nodes[n].get("kind") != "adult_of_concern"])
    return ItemSummary(
        **base, facts=facts,
        highlights=_highlights([], chronology.timeline(incidents, links)),
        harms=harms, strengths=_plan_lines(base["actions"]), assessments=pd.DataFrame(),
        map_svg=svg.map_extract(wards, _points(places.rename(columns={"place_name": "name"}))),
        network_svg=svg.network_extract(g, focus=[sid]), **period, sides=SIDES["person"])


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
        return _child(store, viewer, sid, base, wards, as_of)
    if kind == "person":
        return _person(store, viewer, sid, base, wards, as_of)
    assessments = store.frame("panel.assessments", viewer,
                              {"subject_kind": kind, "subject_id": sid})
    if kind == "place":
        return _place(store, viewer, sid, base, wards, assessments)
    return _group(store, viewer, sid, base, wards, assessments)


def join_up(summaries: list[ItemSummary], contexts: pd.DataFrame,
            titles: Mapping[str, str]) -> list[ItemSummary]:
    """Say on each summary which other items share an adult of concern or a place with it,
    and order the summaries so those items sit together (``titles``: item id -> how the
    agenda names it, e.g. ``2. Child: CH-0001``)."""
    shared = agenda.shared_contexts(contexts)
    for s in summaries:
        s.linked = agenda.linked_phrases(shared.get(s.item_id, []), titles)
    order = agenda.joined_up_order([s.item_id for s in summaries], shared)
    by_id = {s.item_id: s for s in summaries}
    return [by_id[i] for i in order]


def _place(store: Store, viewer: Viewer, sid: str, base: dict[str, Any], wards: Any,
           assessments: pd.DataFrame) -> ItemSummary:
    prof_f = store.frame("panel.place_profile", viewer, {"place_id": sid})
    if prof_f.empty:
        raise NotFoundError(f"No place with id {sid!r}.")
    pl = prof_f.iloc[0]
    inc = store.frame("panel.place_incidents_detail", viewer, {"place_id": sid})
    people = store.frame("panel.place_people", viewer, {"place_id": sid})
    children = people[people["kind"] == "child"]
    adults = people[people["kind"] == "adult_of_concern"]
    facts = [f"{vocabulary.label(pl['kind'])} in {pl['ward'] or 'no ward (online)'}",
             f"Guardianship: {pl['guardianship'] or 'not recorded'}",
             f"{len(inc)} incident(s); {len(children)} child(ren) and {len(adults)} "
             "adult(s) of concern seen or harmed here"]
    by_kind = inc.groupby("kind").size().sort_values(ascending=False)
    harms = [f"{vocabulary.label(str(k))}: {n}" for k, n in by_kind.items()]
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


def _group(store: Store, viewer: Viewer, sid: str, base: dict[str, Any], wards: Any,
           assessments: pd.DataFrame) -> ItemSummary:
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
             f"({vocabulary.label(r['kind'])}, first seen {_when(r['first_seen'])}, "
             f"{'verified' if r['verified'] else 'unverified'}; {r['source_agency_name']}, "
             "graded " + vocabulary.grading_text(
                 r["grading_source"], r["grading_intel"], r["grading_handling"]) + ")"
             for _, r in adults.iterrows()]
    protective = links[(links["nature"] == "protective") & (links["kind"] != "professional")]
    strengths = [f"Protective link: {r['source_label']} and {r['target_label']}"
                 for _, r in protective.iterrows()]
    events = pd.DataFrame([{"date": r["first_seen"],
                            "event": f"Adult of concern linked to {_adult_side(r)[1]}",
                            "provenance": vocabulary.label(r["kind"])}
                           for _, r in adults.iterrows()], columns=["date", "event", "provenance"])
    return ItemSummary(**base, facts=facts, highlights=_highlights([], events),
                       harms=harms, strengths=strengths, assessments=assessments,
                       map_svg=svg.map_extract(wards, _points(places)),
                       network_svg=svg.network_extract(_graph(links), focus=ids))
