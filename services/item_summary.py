"""One agenda item on one screen (and one pack section): facts, highlights, harms and
strengths side by side, assessments, a map extract and a network extract.

Runs the named queries for one viewer (so access, masking and audit apply); builds on
:func:`services.briefing.child_story` for a child. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import pandas as pd

from analytics import chronology
from analytics.chronology import EscalationFlag
from data.store import Store
from domain import vocabulary
from domain.access import Viewer
from domain.errors import NotFoundError
from services import svg
from services.briefing import child_story


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
                 f"Open concerns: {', '.join(vocabulary.label(c) for c in open_cats) or 'none'}",
                 f"Agencies holding information: {len(story.agencies)}"]
        harms = [f"{vocabulary.label(k)} indicators in {v} incident(s)"
                 for k, v in story.indicators.items() if v]
        harms += [f"Linked to adult of concern {r['other_label']} ({vocabulary.label(r['kind'])}, "
                  f"{'verified' if r['verified'] else 'unverified'}; "
                  f"{r['source_agency_name']}, graded {r['grading']})"
                  for _, r in story.adults_of_concern.iterrows()]
        harms += [f"Vulnerability: {vocabulary.label(v)}" for v in story.vulnerabilities["kind"]]
        strengths = [f"{vocabulary.label(r['kind'])}: {r['description']} ({r['source_agency']})"
                     for _, r in story.strengths.iterrows()]
        strengths += [f"{vocabulary.label(r['other_kind'])} {r['other_label']}"
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
    strengths = [f"Protective link: {r['source_label']} and {r['target_label']}"
                  for _, r in links[links["nature"] == "protective"].iterrows()]
    events = pd.DataFrame([{"date": r["first_seen"],
                            "event": f"Adult of concern linked to {_adult_side(r)[1]}",
                            "provenance": vocabulary.label(r["kind"])}
                           for _, r in adults.iterrows()], columns=["date", "event", "provenance"])
    return ItemSummary(**base, facts=facts, highlights=_highlights([], events),
                       harms=harms, strengths=strengths, assessments=assessments,
                       map_svg=svg.map_extract(wards, _points(places)),
                       network_svg=svg.network_extract(_graph(links), focus=ids))
