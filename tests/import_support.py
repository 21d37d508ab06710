"""A tiny synthetic reference set the sample import files (data/reference/samples) refer to."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from shapely.geometry import box

from data.store import Store

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "reference" / "samples"
TODAY = date(2025, 7, 1)


def sample(name: str) -> bytes:
    """The bytes of a sample file."""
    return (SAMPLES / name).read_bytes()


def seed_reference(store: Store) -> None:
    """Agencies, one ward, three places and six people (all synthetic)."""
    d = date(2025, 1, 1)
    store.insert_frame("agency", pd.DataFrame({
        "agency_id": ["police", "social_care", "education"],
        "name": ["Police (synthetic)", "Children's social care (synthetic)",
                 "Education (synthetic)"],
        "sector": ["police", "social_care", "education"],
    }))
    store.insert_frame("ward", pd.DataFrame({
        "ward_code": ["E05008610"], "name": ["Alderley Edge"], "child_population": [900],
        "geometry_wkb": [box(-2.25, 53.29, -2.22, 53.31).wkb],
    }))
    store.insert_frame("place", pd.DataFrame({
        "place_id": ["PL-TAKEAWAY-1", "PL-PARK-1", "PL-HOTEL-1"],
        "kind": ["takeaway", "park", "hotel"],
        "name": ["Sample takeaway", "Sample park", "Sample hotel"],
        "ward_code": ["E05008610"] * 3,
        "lon": [-2.24, -2.235, -2.23], "lat": [53.30, 53.301, 53.302],
        "source_agency": ["police"] * 3, "recorded_date": [d] * 3,
    }))
    store.insert_frame("person", pd.DataFrame({
        "person_id": ["P-C001", "P-C002", "P-C003", "P-C004", "P-A001", "P-T001"],
        "pseudonym": ["CHILD-0001", "CHILD-0002", "CHILD-0003", "CHILD-0004", "ADULT-0001",
                      "TRUSTED-0001"],
        "kind": ["child"] * 4 + ["adult_of_concern", "trusted_adult"],
        "source_agency": ["police"] * 6, "recorded_date": [d] * 6,
    }))


GIVEN = ("Olivia", "Amelia", "Isla", "Ava", "Mia", "Jack", "Noah", "Leo", "Oscar", "Charlie",
         "Harry", "Lily", "Sophie", "Grace", "Ella", "Jacob", "Thomas", "Ethan", "Freya", "Chloe")
FAMILY = ("Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
          "Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "Hughes", "Edwards",
          "Green", "Hall", "Wood")


def synthetic_records(people: int, *, seed: int) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """Person records of ``people`` made-up children, 1-3 records each with spelling slips,
    swapped day/month and missing postcodes; and the true pairs (same child)."""
    import random

    rng = random.Random(seed)

    def slip(s: str) -> str:
        i = rng.randrange(len(s))
        op = rng.choice("dsr")
        if op == "d":
            return s[:i] + s[i + 1:]
        if op == "s" and i < len(s) - 1:
            return s[:i] + s[i + 1] + s[i] + s[i + 2:]
        return s[:i] + rng.choice("aeiouy") + s[i + 1:]

    rows: list[dict[str, object]] = []
    truth: set[tuple[str, str]] = set()
    for p in range(people):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        dob = date(2008, 1, 1) + pd.Timedelta(days=rng.randrange(3000)).to_pytimedelta()
        pc = f"CW{rng.randint(1, 12)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLN')}"
        ids = []
        for k in range(rng.choice([1, 1, 2, 2, 3])):
            g, f, d, c = given, family, dob, pc
            if k:
                r = rng.random()
                if r < 0.3:
                    g = slip(given)
                elif r < 0.5:
                    f = slip(family)
                elif r < 0.7 and dob.day <= 12:
                    d = date(dob.year, dob.day, dob.month)
                elif r < 0.8:
                    c = None
            rid = f"R{p:04d}-{k}"
            ids.append(rid)
            rows.append({"record_id": rid, "agency_id": ("police", "social_care", "education")[k],
                         "local_ref": rid, "given_name": g, "family_name": f,
                         "date_of_birth": d, "postcode": c, "recorded_date": date(2025, 1, 1)})
        truth |= {(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]}
    return pd.DataFrame(rows), truth
