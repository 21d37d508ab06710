"""A small hand-made town for network tests that must not wait for the demo generator:
two peer groups bridged by adult of concern A1, adult A2 reaching one group, a trusted adult,
a professional linked to everyone, two places (a hotel where children meet, a park)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from shapely.geometry import Point

from data.store import Store

AS_OF = date(2025, 6, 30)


def build(store: Store) -> Store:
    """Fill an empty store with the town; returns it."""
    d0 = date(2025, 1, 1)
    store.insert_frame("agency", pd.DataFrame({
        "agency_id": ["police", "sc", "school"], "name": ["Police", "Social care", "School"],
        "sector": ["police", "social_care", "education"]}))
    store.insert_frame("ward", pd.DataFrame({
        "ward_code": ["W1"], "name": ["Central"], "child_population": [1000],
        "geometry_wkb": [Point(0, 0).buffer(0.01).wkb]}))
    store.insert_frame("place", pd.DataFrame({
        "place_id": ["PL1", "PL2", "PL3"], "kind": ["hotel", "park", "online"],
        "name": ["=Station Hotel", "Riverside Park", "Group chat"],
        "ward_code": ["W1", "W1", None], "lon": [-2.44, -2.45, None],
        "lat": [53.10, 53.11, None], "platform": [None, None, "chat app"],
        "source_agency": ["police"] * 3, "recorded_date": [d0] * 3}))
    people = [("c1", "CH-001", "child"), ("c2", "CH-002", "child"), ("c3", "CH-003", "child"),
              ("c4", "CH-004", "child"), ("c5", "CH-005", "child"), ("c6", "CH-006", "child"),
              ("A1", "AC-001", "adult_of_concern"), ("A2", "AC-002", "adult_of_concern"),
              ("T1", "TA-001", "trusted_adult"), ("S1", "PR-001", "professional")]
    store.insert_frame("person", pd.DataFrame({
        "person_id": [p[0] for p in people], "pseudonym": [p[1] for p in people],
        "kind": [p[2] for p in people],
        "given_name": [f"Given{i}" for i in range(len(people))],
        "family_name": [f"Family{i}" for i in range(len(people))],
        "source_agency": ["sc"] * len(people), "recorded_date": [d0] * len(people)}))
    links = [("c1", "c2", "peer", "unknown", 0, None), ("c2", "c3", "peer", "unknown", 0, None),
             ("c1", "c3", "peer", "unknown", 0, None), ("c4", "c5", "peer", "unknown", 0, None),
             ("c5", "c6", "peer", "unknown", 0, None), ("c4", "c6", "peer", "unknown", 0, None),
             ("A1", "c1", "relationship_reported", "harmful", 5, "B"),
             ("A1", "c4", "supplies", "harmful", 20, "D"),
             ("A2", "c1", "associate", "harmful", 60, "C"),
             ("T1", "c2", "trusted_adult", "protective", 0, None),
             ("S1", "c1", "professional", "protective", 0, None),
             ("S1", "c6", "professional", "protective", 0, None)]
    store.insert_frame("link", pd.DataFrame({
        "link_id": [f"L{i}" for i in range(len(links))],
        "source_person_id": [x[0] for x in links], "target_person_id": [x[1] for x in links],
        "kind": [x[2] for x in links], "nature": [x[3] for x in links],
        "first_seen": [d0 + timedelta(days=x[4]) for x in links],
        "last_seen": [d0 + timedelta(days=x[4] + 90) for x in links],
        "source_agency": ["police" if x[5] else "sc" for x in links],
        "recorded_date": [d0] * len(links),
        "grading_source": [2 if x[5] else None for x in links],
        "grading_intel": [x[5] for x in links],
        "grading_handling": ["P" if x[5] else None for x in links],
        "verified": [x[5] == "B" for x in links]}))
    t = datetime(2025, 5, 1, 21)
    pres = [("c1", "PL1", "seen_at", 0), ("c5", "PL1", "harmed_at", 30),
            ("A1", "PL1", "seen_at", 0), ("c2", "PL2", "seen_at", 0), ("c3", "PL2", "seen_at", 600)]
    store.insert_frame("presence", pd.DataFrame({
        "presence_id": [f"P{i}" for i in range(len(pres))],
        "person_id": [p[0] for p in pres], "place_id": [p[1] for p in pres],
        "kind": [p[2] for p in pres], "seen_at": [t + timedelta(minutes=p[3]) for p in pres],
        "source_agency": ["police"] * len(pres), "recorded_date": [d0] * len(pres)}))
    store.insert_frame("dataset_meta", pd.DataFrame({
        "key": ["synthetic", "size", "seed", "as_of"],
        "value": ["true", "tiny", "0", AS_OF.isoformat()]}))
    return store
