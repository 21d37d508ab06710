"""A tiny hand-made town for panel and child tests: three real wards, a few children,
an adult of concern, a hotel where incidents are rising, a peer group. Names are made up.

``C1`` has a planted escalation: more frequent missing episodes, a first overdose and a new
adult of concern (``A1``) shortly before ``AS_OF``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import geopandas as gpd
import pandas as pd

from data.store import Store

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 6, 30)
WARDS = ROOT / "data" / "reference" / "cheshire_east_wards_E06000049.geojson"


def _d(days_before: int) -> date:
    return AS_OF - timedelta(days=days_before)


def _t(days_before: int, hour: int = 20) -> datetime:
    d = _d(days_before)
    return datetime(d.year, d.month, d.day, hour)


def build(store: Store) -> None:
    """Fill an empty store with the tiny town."""
    wards = gpd.read_file(WARDS).head(3)
    ins = store.insert_frame
    ins("agency", pd.DataFrame([
        ("pol", "Cheshire Police", "police"), ("sc", "Children's Social Care", "social_care"),
        ("edu", "Crewe High School", "education"), ("hlth", "Leighton Hospital", "health"),
        ("vol", "Youth Project", "voluntary"),
    ], columns=["agency_id", "name", "sector"]))
    ins("ward", pd.DataFrame({
        "ward_code": wards["WD13CD"], "name": wards["WD13NM"],
        "child_population": [900, 1200, 700],
        "geometry_wkb": [g.wkb for g in wards.geometry],
    }))
    cents = [g.representative_point() for g in wards.geometry]
    w = list(wards["WD13CD"])
    places = [
        ("H1", "hotel", "Station Hotel", w[0], cents[0].x, cents[0].y, None),
        ("P1", "park", "Queens Park", w[1], cents[1].x, cents[1].y, None),
        ("S1", "school", "Crewe High", w[2], cents[2].x, cents[2].y, None),
        ("HOME1", "home", "12 Secret Road", w[1], cents[1].x + .001, cents[1].y, None),
        ("O1", "online", "Group chat 'squad'", None, None, None, "Snapchat"),
    ]
    ins("place", pd.DataFrame([
        {"place_id": p, "kind": k, "name": n, "ward_code": wc, "lon": x, "lat": y,
         "platform": pf, "source_agency": "pol", "recorded_date": _d(400)}
        for p, k, n, wc, x, y, pf in places]))
    people = [
        ("C1", "CH-0001", "child", "Amelia", "Stone", 14, True, "HOME1"),
        ("C2", "CH-0002", "child", "Bella", "Crane", 15, False, None),
        ("C3", "CH-0003", "child", "Cody", "Marsh", 13, False, None),
        ("A1", "AC-0001", "adult_of_concern", "Darren", "Pike", 31, False, None),
        ("T1", "TA-0001", "trusted_adult", "Erin", "Wood", 40, False, None),
    ]
    ins("person", pd.DataFrame([
        {"person_id": i, "pseudonym": ps, "kind": k, "given_name": g, "family_name": f,
         "date_of_birth": date(2025 - a, 3, 1), "age_years": a, "sex": "F",
         "looked_after": la, "additional_needs": False,
         "school_place_id": "S1" if k == "child" else None, "home_place_id": h,
         "source_agency": "sc", "recorded_date": _d(500)}
        for i, ps, k, g, f, a, la, h in people]))
    ins("peer_group", pd.DataFrame([{"group_id": "G1", "name": "Park group",
                                     "source_agency": "pol", "recorded_date": _d(300)}]))
    ins("group_membership", pd.DataFrame([
        {"group_id": "G1", "person_id": c, "start_date": _d(300), "end_date": None,
         "source_agency": "pol", "recorded_date": _d(300)} for c in ("C1", "C2")]))
    links = [
        ("L1", "C1", "C2", "peer", "unknown", 300, False, None),
        ("L2", "A1", "C1", "relationship_reported", "harmful", 20, False, (3, "C", "P")),
        ("L3", "T1", "C1", "trusted_adult", "protective", 200, True, None),
        ("L4", "A1", "C2", "supplies", "harmful", 15, False, (2, "B", "P")),
    ]
    ins("link", pd.DataFrame([
        {"link_id": lid, "source_person_id": s, "target_person_id": t, "kind": k,
         "nature": n, "first_seen": _d(fs), "last_seen": _d(max(fs - 5, 0)),
         "source_agency": "pol", "recorded_date": _d(fs), "verified": v,
         "grading_source": g[0] if g else None, "grading_intel": g[1] if g else None,
         "grading_handling": g[2] if g else None, "evidence": []}
        for lid, s, t, k, n, fs, v, g in links]))
    ins("presence", pd.DataFrame([
        {"presence_id": f"PR{k}", "person_id": p, "place_id": pl, "kind": kind,
         "seen_at": _t(days), "source_agency": "pol", "recorded_date": _d(days),
         "incident_id": None}
        for k, (p, pl, kind, days) in enumerate([
            ("C1", "H1", "found_at_after_missing", 10), ("C2", "H1", "seen_at", 10),
            ("A1", "H1", "seen_at", 10), ("C1", "P1", "frequents", 100),
            ("C3", "P1", "seen_at", 100), ("C1", "HOME1", "lives_at", 400)])]))
    incidents = [
        # id, days before, kind, context, place, agency, indicators, child words, people
        ("I1", 250, "domestic_abuse_at_home", "intra_familial", "HOME1", "pol", ["emotional"],
         None, ["C1"]),
        ("I2", 230, "missing_episode", "extra_familial", None, "pol", ["behavioural"], None,
         ["C1"]),
        ("I3", 60, "missing_episode", "extra_familial", "H1", "pol", ["behavioural"], None,
         ["C1"]),
        ("I4", 35, "missing_episode", "extra_familial", "H1", "pol", ["behavioural"], None,
         ["C1", "C2"]),
        ("I5", 12, "missing_episode", "extra_familial", "H1", "pol", ["behavioural"], None,
         ["C1"]),
        ("I6", 11, "rhi_disclosure", "extra_familial", "H1", "sc", ["emotional", "material"],
         "He buys me stuff and says I owe him.", ["C1"]),
        ("I7", 8, "overdose", "self", None, "hlth", ["physical"], None, ["C1"]),
        ("I8", 150, "exclusion", "unknown", "S1", "edu", ["behavioural"], None, ["C2"]),
        ("I9", 5, "seen_in_car_with_unknown_adult", "extra_familial", "H1", "pol",
         ["behavioural"], None, ["C2"]),
    ]
    ins("incident", pd.DataFrame([
        {"incident_id": i, "occurred_at": _t(days), "kind": k, "harm_context": c,
         "place_id": pl, "agency_id": a, "indicators": ind,
         "narrative": f"Narrative for {i} mentioning Amelia Stone.", "child_words": words,
         "recorded_date": _d(days), "grading_source": None, "grading_intel": None,
         "grading_handling": None}
        for i, days, k, c, pl, a, ind, words, _ in incidents]))
    ins("incident_person", pd.DataFrame([
        {"incident_id": i, "person_id": p, "role": "victim"}
        for i, *_, people_ in incidents for p in people_]))
    ins("concern", pd.DataFrame([
        {"concern_id": "K1", "person_id": "C1", "category": "cse", "role": "victim",
         "opened_on": _d(9), "closed_on": None, "review_date": AS_OF + timedelta(days=60),
         "retention_until": AS_OF + timedelta(days=3000), "source_agency": "sc",
         "recorded_date": _d(9)},
        {"concern_id": "K2", "person_id": "C2", "category": "cce", "role": "at_risk",
         "opened_on": _d(200), "closed_on": None, "review_date": AS_OF + timedelta(days=10),
         "retention_until": AS_OF + timedelta(days=3000), "source_agency": "pol",
         "recorded_date": _d(200)},
    ]))
    ins("strength", pd.DataFrame([
        {"strength_id": "S-1", "person_id": "C1", "kind": "trusted_adult",
         "description": "Close to her aunt", "source_agency": "sc", "recorded_date": _d(200)},
        {"strength_id": "S-2", "person_id": "C1", "kind": "positive_activity",
         "description": "Plays football on Saturdays", "source_agency": "vol",
         "recorded_date": _d(100)},
    ]))
    ins("vulnerability", pd.DataFrame([
        {"vulnerability_id": "V-1", "person_id": "C1", "kind": "looked_after",
         "since": _d(600), "source_agency": "sc", "recorded_date": _d(600)},
    ]))
    ins("dataset_meta", pd.DataFrame([("synthetic", "true"), ("size", "tiny"), ("seed", "0"),
                                      ("as_of", AS_OF.isoformat())], columns=["key", "value"]))


def make(path: Path) -> Path:
    """Write the tiny town to ``path`` and return it."""
    with Store.open(path, create=True) as store:
        build(store)
    return path
