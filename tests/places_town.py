"""A tiny hand-made town for the places tests: six real wards, a few places, children, adults.

Names include script payloads (``<img src=x onerror=alert(1)>``, ``${alert(1)}``) so tests
can check that nothing from the data runs on the map.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import geopandas as gpd
import pandas as pd

from data.store import Store

ROOT = Path(__file__).resolve().parent.parent
WARDS_FILE = ROOT / "data" / "reference" / "cheshire_east_wards_E06000049.geojson"
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_TPL = "${alert(1)}"
CHILD_NAMES = {"c1": ("Amelia", "Thornbury"), "c2": ("Bethan", "Oakridge"),
               "c3": ("Callum", "Ravensworth"), "c4": ("Dylan", "Whitcombe")}


def seed_town(store: Store) -> None:
    """Fill an empty store with the tiny town (as_of 2026-03-31)."""
    wards = gpd.read_file(WARDS_FILE).to_crs("EPSG:4326")
    wards = wards.sort_values("WD13CD").reset_index(drop=True)
    ward_rows = pd.DataFrame({
        "ward_code": wards["WD13CD"],
        "name": wards["WD13NM"],
        "child_population": [800 + 37 * i for i in range(len(wards))],
        "geometry_wkb": [g.wkb for g in wards.geometry],
    })
    store.insert_frame("ward", ward_rows)
    store.insert_frame("agency", pd.DataFrame({
        "agency_id": ["pol", "sc", "edu"], "name": ["Police", "Children's social care", "School"],
        "sector": ["police", "social_care", "education"]}))
    w0, w1 = wards.iloc[0], wards.iloc[1]
    c0, c1 = w0.geometry.representative_point(), w1.geometry.representative_point()
    places = pd.DataFrame([
        ("p_park", "park", "Victoria Park", w0.WD13CD, c0.x, c0.y, None, "CCTV at the gate"),
        ("p_take", "takeaway", XSS_IMG, w0.WD13CD, c0.x + 0.002, c0.y, None, None),
        ("p_hotel", "hotel", XSS_TPL, w1.WD13CD, c1.x, c1.y, None, "Night manager"),
        ("p_aoc", "address_of_concern", "14 Example Row", w1.WD13CD, c1.x + 0.003,
         c1.y + 0.001, None, None),
        ("p_home", "home", "3 Sample Close", w1.WD13CD, c1.x - 0.002, c1.y, None, None),
        ("p_chat", "online", "Group chat 'late'", None, None, None, "Snapchat", None),
    ], columns=["place_id", "kind", "name", "ward_code", "lon", "lat", "platform",
                "guardianship"])
    places["source_agency"] = "pol"
    places["recorded_date"] = pd.Timestamp("2024-04-01").date()
    store.insert_frame("place", places)
    people = [("c1", "CH-0001", "child", 14), ("c2", "CH-0002", "child", 15),
              ("c3", "CH-0003", "child", 13), ("c4", "CH-0004", "child", 16),
              ("a1", "AOC-001", "adult_of_concern", 24)]
    store.insert_frame("person", pd.DataFrame({
        "person_id": [p[0] for p in people], "pseudonym": [p[1] for p in people],
        "kind": [p[2] for p in people],
        "given_name": [CHILD_NAMES.get(p[0], ("Marcus", "Hollowell"))[0] for p in people],
        "family_name": [CHILD_NAMES.get(p[0], ("Marcus", "Hollowell"))[1] for p in people],
        "age_years": [p[3] for p in people], "source_agency": "sc",
        "recorded_date": pd.Timestamp("2024-04-01").date()}))
    base = datetime(2025, 1, 3, 22, 0)
    incidents, links = [], []
    plan = [("p_park", "missing_episode", "extra_familial", ["c1", "c2"]),
            ("p_park", "exchange_gifts_money", "extra_familial", ["c1"]),
            ("p_take", "seen_in_car_with_unknown_adult", "extra_familial", ["c3"]),
            ("p_hotel", "sexual_assault", "extra_familial", ["c2"]),
            ("p_home", "domestic_abuse_at_home", "intra_familial", ["c4"]),
            ("p_chat", "online_contact", "extra_familial", ["c1"])]
    for n in range(24):
        place, kind, ctx, kids = plan[n % len(plan)]
        iid = f"i{n:02d}"
        incidents.append({
            "incident_id": iid, "occurred_at": base + timedelta(days=17 * n, hours=n % 5),
            "kind": kind, "harm_context": ctx, "place_id": place,
            "agency_id": ["pol", "sc", "edu"][n % 3],
            "indicators": ["behavioural"] if n % 2 else ["physical", "emotional"],
            "narrative": "restricted text", "recorded_date": (base + timedelta(days=17 * n)).date(),
            "grading_source": 2, "grading_intel": "B", "grading_handling": "P"})
        links += [{"incident_id": iid, "person_id": k, "role": "victim"} for k in kids]
        if place == "p_park" and n % 3 == 0:
            links.append({"incident_id": iid, "person_id": "a1", "role": "person_of_concern"})
    store.insert_frame("incident", pd.DataFrame(incidents))
    store.insert_frame("incident_person", pd.DataFrame(links))
    store.insert_frame("presence", pd.DataFrame([{
        "presence_id": "pr1", "person_id": "a1", "place_id": "p_hotel", "kind": "seen_at",
        "seen_at": datetime(2025, 6, 1, 23, 0), "source_agency": "pol",
        "recorded_date": datetime(2025, 6, 2).date(), "grading_source": 2,
        "grading_intel": "C", "grading_handling": "P"}]))
    store.insert_frame("assessment", pd.DataFrame([{
        "assessment_id": "as1", "subject_kind": "place", "subject_id": "p_park",
        "domain": "guardianship", "body": "Park wardens until 18:00; no lighting on the path.",
        "source_agency": "sc", "assessed_on": datetime(2025, 9, 1).date(),
        "created_by": "test", "language_flags": [[]][0]}]))
    store.insert_frame("dataset_meta", pd.DataFrame({
        "key": ["synthetic", "size", "seed", "as_of"],
        "value": ["true", "tiny", "0", "2026-03-31"]}))


def make_town(path: Path) -> Path:
    """A file store holding the tiny town."""
    with Store.open(path, create=True) as store:
        seed_town(store)
    return path


def ward_geojson_subset(path: Path, codes: list[str]) -> Path:
    """Write a few wards of the reference file to ``path`` (for the CLI tests)."""
    data = json.loads(WARDS_FILE.read_text())
    data["features"] = [f for f in data["features"] if f["properties"]["WD13CD"] in codes]
    path.write_text(json.dumps(data))
    return path
