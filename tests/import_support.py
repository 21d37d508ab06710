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
