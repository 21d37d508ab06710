"""The synthetic demo town: a seeded, deterministic CSMap database on real ward boundaries.

Everything about people is made up (names from small built-in lists, pseudonyms, dates).
Places are fictional points inside the 52 real Cheshire East ward polygons. The generator
plants a known structure and records it in ``planted_truth`` so tests can check that the
analytics recover it (see ``docs/data-model.md``):

* hub places (a takeaway, a hotel, a park, a bus station...) where many children from
  several peer groups are seen, mostly on evenings and weekends;
* facilitators: adults of concern who are linked to children in two or more otherwise
  separate peer groups and who introduce children to other adults over time;
* hub adults: high-degree adults of concern who stay within one group (not brokers), so
  degree and betweenness disagree;
* peer-group membership, duplicate agency records with spelling variations, and escalation
  cases (missing episodes more frequent lately, a new adult link, a first overdose).

The same code path builds every size; ``national`` is built as 20 county-sized blocks, one
at a time, so memory stays bounded. Same seed, same database contents (the only wall-clock
value is the ``schema_version.applied_at`` the store writes itself).
"""

from __future__ import annotations

import csv
import os
import time
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from data.errors import ValidationError
from data.store import Store

AS_OF = date(2026, 9, 30)
WINDOW_DAYS = 730
GENERATOR_VERSION = "1"

WARDS_FILE = "cheshire_east_wards_E06000049.geojson"
CHILD_POP_FILE = "ward_child_population.csv"


@dataclass(frozen=True)
class Scale:
    """How many of each thing one block of the town has (and how many blocks)."""

    children: int
    adults_of_concern: int
    trusted_adults: int
    professionals: int
    public_places: int
    online_spaces: int
    incidents: int
    hubs: int
    facilitators: int
    hub_adults: int
    escalations: int
    mundane: int
    professional_links_per_child: float
    blocks: int = 1


SIZES: dict[str, Scale] = {
    "small": Scale(
        children=300, adults_of_concern=90, trusted_adults=40, professionals=20,
        public_places=140, online_spaces=8, incidents=2_700, hubs=4, facilitators=4,
        hub_adults=3, escalations=3, mundane=36, professional_links_per_child=1.5,
    ),
    "county": Scale(
        children=10_000, adults_of_concern=3_000, trusted_adults=1_300, professionals=700,
        public_places=1_900, online_spaces=100, incidents=200_000, hubs=24, facilitators=40,
        hub_adults=40, escalations=60, mundane=1_000, professional_links_per_child=7.0,
    ),
}
SIZES["national"] = Scale(**{**SIZES["county"].__dict__, "blocks": 20})

AGENCIES = [
    ("POL", "Demo Constabulary", "police"),
    ("CSC", "Demo Council Children's Social Care", "social_care"),
    ("EDU", "Demo Council Education and Schools", "education"),
    ("HLT", "Demo NHS Trust (Emergency Department)", "health"),
    ("YJS", "Demo Youth Justice Service", "youth_justice"),
    ("VOL", "Demo Youth Project (voluntary sector)", "voluntary"),
    ("BTP", "British Transport Police (demo)", "police"),
    ("LIC", "Demo Council Licensing", "licensing"),
]

GIVEN_F = ["Amelia", "Olivia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Sophie", "Grace", "Freya",
           "Ella", "Evie", "Chloe", "Ruby", "Poppy", "Jessica", "Katie", "Leah", "Megan",
           "Aaliyah", "Zara", "Amira", "Maya", "Niamh", "Caitlin", "Holly", "Millie", "Keira",
           "Lacey", "Shannon"]
GIVEN_M = ["Jayden", "Oliver", "Harry", "Jack", "Noah", "Leo", "Charlie", "Alfie", "George",
           "Oscar", "Jacob", "Thomas", "Riley", "Kai", "Tyler", "Callum", "Connor", "Ryan",
           "Liam", "Mason", "Aiden", "Ethan", "Kieran", "Reece", "Bradley", "Adam", "Ibrahim",
           "Yusuf", "Tomasz", "Kacper"]
FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
          "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
          "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Hughes", "Edwards", "Lewis",
          "Harris", "Martin", "Cooper", "Ward", "Morris", "Moore", "Baker", "Kowalski", "Nowak",
          "Begum", "Hussain", "Mensah", "Okafor", "Campbell", "Reid"]
GIVEN_VARIANTS = {"Jayden": "Jaydon", "Katie": "Katy", "Aiden": "Aidan", "Leah": "Lea",
                  "Megan": "Meghan", "Callum": "Calum", "Connor": "Conor", "Kieran": "Keiran",
                  "Millie": "Milly", "Sophie": "Sophia", "Zara": "Zarah", "Lacey": "Lacie",
                  "Tomasz": "Tomas", "Ibrahim": "Ebrahim", "Yusuf": "Yousef",
                  "Aaliyah": "Aliyah", "Caitlin": "Kaitlyn", "Reece": "Rees", "Isla": "Isla-Mae",
                  "Riley": "Rylee", "Kacper": "Casper", "Holly": "Hollie", "Mia": "Miah"}
FAMILY_VARIANTS = {"Smith": "Smyth", "Davies": "Davis", "Clarke": "Clark", "Thompson": "Thomson",
                   "Hussain": "Hussein", "Begum": "Begam", "Kowalski": "Kowalsky",
                   "Mensah": "Mensa", "Reid": "Reed", "Jones": "Jone", "Okafor": "Okafur",
                   "Harris": "Harriss", "Walker": "Walkerr", "Patel": "Pattel", "Khan": "Kahn"}
ETHNICITY = ["White British", "White Other", "Mixed", "Asian or Asian British",
             "Black or Black British", "Other"]
ETHNICITY_P = [0.84, 0.05, 0.04, 0.04, 0.02, 0.01]
STREETS = ["Market Street", "Mill Lane", "Station Road", "Canal Street", "Church Walk",
           "High Street", "Victoria Road", "Park Lane", "Brook Street", "Union Street",
           "Chapel Row", "Meadow Way", "Bridge Street", "Wharf Road", "Queens Parade",
           "Albion Street", "Foundry Lane", "Silk Road", "Hollow Lane", "Orchard Close"]
PLACE_NAMES = {
    "takeaway": ["Golden Fry", "Chicken Stop", "Pizza Corner", "Star Kebab", "Happy Wok",
                 "Lucky Chippy", "Crispy Bites", "Royal Grill"],
    "hotel": ["Station Lodge", "Riverside Hotel", "Parkway Inn", "Crossroads Motel",
              "Canal View Hotel", "Old Mill Hotel"],
    "park": ["Recreation Ground", "Memorial Park", "Playing Fields", "Skate Park",
             "Country Park car park"],
    "transport_hub": ["Bus Station", "Railway Station", "Bus Interchange", "Train Halt"],
    "shopping_centre": ["Shopping Centre", "Retail Park", "Arcade"],
    "licensed_premises": ["The Red Lion", "The Plough", "The Crown", "Vine Bar",
                          "The Railway Tavern", "Off-licence"],
    "address_of_concern": ["Flat", "House", "Bedsit", "Garage"],
    "school": ["Academy", "High School", "Community School", "Pupil Referral Unit"],
    "youth_club": ["Youth Club", "Boxing Club", "Youth Hub", "Football Club"],
    "other": ["Amusement Arcade", "Car Park", "Canal Towpath", "Leisure Centre", "Gym"],
}
PUBLIC_KIND_P = {
    "takeaway": 0.15, "hotel": 0.05, "park": 0.14, "transport_hub": 0.07,
    "shopping_centre": 0.04, "licensed_premises": 0.13, "address_of_concern": 0.10,
    "school": 0.12, "youth_club": 0.08, "other": 0.12,
}
GUARDIANSHIP = {
    "takeaway": "staff", "hotel": "reception staff, CCTV", "park": "community, dog walkers",
    "transport_hub": "CCTV, staff", "shopping_centre": "security staff, CCTV",
    "licensed_premises": "door staff", "address_of_concern": "none known",
    "school": "school staff", "youth_club": "youth workers", "other": "community",
}
PLACE_SOURCE = {
    "takeaway": "LIC", "hotel": "LIC", "park": "POL", "transport_hub": "BTP",
    "shopping_centre": "POL", "licensed_premises": "LIC", "address_of_concern": "POL",
    "school": "EDU", "youth_club": "VOL", "other": "POL",
}
HUB_KINDS = ["takeaway", "hotel", "park", "transport_hub"]
PLATFORMS = [("Snapchat", "group chat"), ("Instagram", "direct messages"),
             ("WhatsApp", "group chat"), ("TikTok", "live stream comments"),
             ("Discord", "gaming server"), ("Telegram", "channel")]
TRUSTED_TITLES = ["grandparent", "aunt", "uncle", "older sibling", "football coach",
                  "family friend", "neighbour", "faith leader"]
PROFESSIONAL_TITLES = [
    ("social worker", "CSC"), ("designated safeguarding lead", "EDU"), ("school nurse", "HLT"),
    ("youth worker", "VOL"), ("police community support officer", "POL"),
    ("youth justice worker", "YJS"), ("teacher", "EDU"), ("family support worker", "CSC"),
]
CHILD_WORDS = [
    "They bought us food and said we owed them.",
    "I didn't know where I was, it was a hotel room.",
    "He said he was my friend and he'd look after me.",
    "They told me not to tell anyone or my mum would get hurt.",
    "I was scared to go home.",
    "Someone picked us up from the bus station in a car.",
    "They gave me a phone and kept messaging me.",
    "I stayed at a flat, there were older men there.",
    "I just wanted to be with my friends.",
    "I don't want to talk about it.",
]
STRENGTHS = {
    "trusted_adult": "Has a trusted adult they talk to.",
    "school": "Attends school regularly and gets on with a named teacher.",
    "youth_worker": "Builds a good relationship with a youth worker.",
    "positive_activity": "Plays for a local sports team most weekends.",
    "family_support": "A family member is supportive and engaged with the plan.",
}

# Incidents: the kinds a child's own history has (stream B) with relative weights.
CHILD_ONLY_KINDS = {
    "missing_episode": 0.30, "domestic_abuse_at_home": 0.13, "parental_substance_misuse": 0.05,
    "self_harm": 0.10, "overdose": 0.03, "was_not_brought": 0.12, "exclusion": 0.07,
    "online_contact": 0.08, "physical_assault": 0.07, "intelligence_report": 0.05,
}
# Kinds that involve an adult of concern (stream A) with relative weights.
LINK_KINDS = {
    "intelligence_report": 0.30, "seen_in_car_with_unknown_adult": 0.16,
    "exchange_gifts_money": 0.14, "sexual_assault": 0.07, "physical_assault": 0.06,
    "online_contact": 0.12, "arrest": 0.05, "missing_episode": 0.10,
}
HARM_CONTEXT = {
    "domestic_abuse_at_home": "intra_familial", "parental_substance_misuse": "intra_familial",
    "was_not_brought": "intra_familial", "self_harm": "self", "overdose": "self",
    "exclusion": "unknown",
}
INCIDENT_AGENCY = {
    "missing_episode": "POL", "rhi_disclosure": "CSC", "sexual_assault": "POL",
    "physical_assault": "POL", "domestic_abuse_at_home": "POL",
    "parental_substance_misuse": "CSC", "self_harm": "HLT", "overdose": "HLT",
    "exchange_gifts_money": "EDU", "seen_in_car_with_unknown_adult": "POL", "arrest": "POL",
    "intelligence_report": "POL", "exclusion": "EDU", "was_not_brought": "HLT",
    "online_contact": "EDU",
}
INDICATORS = {
    "missing_episode": ("behavioural",), "rhi_disclosure": ("emotional", "behavioural"),
    "sexual_assault": ("physical", "emotional"), "physical_assault": ("physical",),
    "domestic_abuse_at_home": ("emotional",), "parental_substance_misuse": ("emotional",),
    "self_harm": ("physical", "emotional"), "overdose": ("physical", "behavioural"),
    "exchange_gifts_money": ("material",), "seen_in_car_with_unknown_adult": ("behavioural",),
    "arrest": (), "intelligence_report": ("behavioural",), "exclusion": ("behavioural",),
    "was_not_brought": ("physical",), "online_contact": ("emotional",),
}
NARRATIVE = {
    "missing_episode": "Reported missing; found by police at {place}.",
    "rhi_disclosure": "Return home interview after a missing episode; the child described "
                      "adults who may be grooming them.",
    "sexual_assault": "The child was sexually abused at {place}; strategy discussion held.",
    "physical_assault": "The child was assaulted at {place}.",
    "domestic_abuse_at_home": "Police attended a domestic abuse incident at the child's home; "
                              "the child was present.",
    "parental_substance_misuse": "Referral about a parent's substance misuse at home.",
    "self_harm": "Attended the emergency department after self-harm.",
    "overdose": "Attended the emergency department after an overdose; found at {place}.",
    "exchange_gifts_money": "Staff noticed new clothes, phone and money with no explanation; "
                            "an adult may be giving gifts to gain control.",
    "seen_in_car_with_unknown_adult": "The child was seen getting into a car with an unknown "
                                      "adult near {place}.",
    "arrest": "An adult of concern was arrested at {place}; a child was present.",
    "intelligence_report": "Intelligence that adults are contacting children at {place}.",
    "exclusion": "Fixed-term exclusion from school.",
    "was_not_brought": "The child was not brought to a health appointment.",
    "online_contact": "An adult has been contacting the child online ({place}).",
}

IncidentFrames = dict[str, pd.DataFrame]


@dataclass
class GenerationReport:
    """What :func:`generate` built: where, which size and seed, row counts and time taken."""

    path: Path
    size: str
    seed: int
    as_of: date
    counts: dict[str, int] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    blocks: int = 1

    def summary(self) -> str:
        """One paragraph for the command line."""
        c = self.counts
        planted = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sorted(self.planted.items()))
        return (
            f"Built the {self.size} synthetic demo town (seed {self.seed}, as of "
            f"{self.as_of.isoformat()}) at {self.path} in {self.seconds:.1f} s: "
            f"{c.get('children', 0):,} children, {c.get('adults', 0):,} adults, "
            f"{c.get('place', 0):,} places and online spaces, {c.get('incident', 0):,} incidents, "
            f"{c.get('link', 0):,} links, {c.get('presence', 0):,} presences across "
            f"{c.get('ward', 0)} wards. Planted truth: {planted}. All people are synthetic."
        )


# -- entry point ----------------------------------------------------------------------------
def generate(
    path: str | Path, *, size: str = "small", seed: int = 7, force: bool = False
) -> GenerationReport:
    """Build the synthetic demo town of ``size`` with ``seed`` at ``path``.

    Writes to a temporary file beside ``path`` and renames it at the end, so a failure never
    leaves a half-written database. Raises :class:`ValidationError` for an unknown size or
    when ``path`` exists and ``force`` is false.
    """
    if size not in SIZES:
        raise ValidationError(
            f"Unknown size {size!r}: choose one of {', '.join(SIZES)}."
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValidationError(f"The seed must be a whole number 0 or more, not {seed!r}.")
    target = Path(path)
    if target.exists() and not force:
        raise ValidationError(
            f"{target} already exists. Pass --force (force=True) to replace it, or choose "
            "another --out path."
        )
    scale = SIZES[size]
    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    _remove(tmp)
    counts: dict[str, int] = {}
    planted: dict[str, int] = {}
    try:
        store = Store.open(tmp, create=True)
        try:
            wards = _load_wards()
            _add(store, "agency", pd.DataFrame(AGENCIES, columns=["agency_id", "name", "sector"]),
                 counts)
            _add(store, "ward", wards[["ward_code", "name", "child_population",
                                       "geometry_wkb"]], counts)
            seeds = np.random.SeedSequence(seed).spawn(scale.blocks)
            for b in range(scale.blocks):
                prefix = f"B{b + 1:02d}-" if scale.blocks > 1 else ""
                frames = _build_block(np.random.default_rng(seeds[b]), scale, wards, prefix)
                for table, frame in frames.items():
                    _add(store, table, frame, counts)
                    if table == "planted_truth":
                        for kind, n in frame["kind"].value_counts().items():
                            planted[str(kind)] = planted.get(str(kind), 0) + int(n)
                    elif table == "person":
                        kids = int((frame["kind"] == "child").sum())
                        counts["children"] = counts.get("children", 0) + kids
                        counts["adults"] = counts.get("adults", 0) + len(frame) - kids
                del frames
            meta = {
                "synthetic": "true", "size": size, "seed": str(seed),
                "as_of": AS_OF.isoformat(),
                "window_start": (AS_OF - pd.Timedelta(days=WINDOW_DAYS)).isoformat()[:10],
                "generator_version": GENERATOR_VERSION, "blocks": str(scale.blocks),
                "wards": "Cheshire East (E06000049), 2013 ward boundaries",
            }
            _add(store, "dataset_meta",
                 pd.DataFrame(sorted(meta.items()), columns=["key", "value"]), counts)
            store.cursor.execute("CHECKPOINT")
        finally:
            store.close()
        _remove(target)
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise
    return GenerationReport(
        path=target, size=size, seed=seed, as_of=AS_OF, counts=counts, planted=planted,
        seconds=time.perf_counter() - started, blocks=scale.blocks,
    )


def _remove(p: Path) -> None:
    for q in (p, p.with_name(p.name + ".wal")):
        if q.exists():
            q.unlink()


def _add(store: Store, table: str, frame: pd.DataFrame, counts: dict[str, int]) -> None:
    counts[table] = counts.get(table, 0) + store.insert_frame(table, frame)


def _load_wards() -> pd.DataFrame:
    """The shipped ward polygons with their (synthetic) child population estimates."""
    import geopandas as gpd

    ref = resources.files("data") / "reference"
    with resources.as_file(ref / WARDS_FILE) as wf:
        gdf = gpd.read_file(wf)
    rows = csv.DictReader((ref / CHILD_POP_FILE).read_text(encoding="utf-8").splitlines())
    pop = {r["ward_code"]: int(r["child_population"]) for r in rows}
    gdf = gdf.sort_values("WD13CD").reset_index(drop=True)
    missing = set(gdf["WD13CD"]) - set(pop)
    if missing:
        raise ValidationError(f"{CHILD_POP_FILE} lacks wards: {', '.join(sorted(missing))}")
    geoms = np.asarray(gdf.geometry.values)
    return pd.DataFrame({
        "ward_code": gdf["WD13CD"].astype(str).to_numpy(),
        "name": gdf["WD13NM"].astype(str).to_numpy(),
        "child_population": [pop[c] for c in gdf["WD13CD"]],
        "geometry_wkb": [bytes(shapely.to_wkb(g)) for g in geoms],
        "geometry": list(geoms),
    })


# -- helpers ---------------------------------------------------------------------------------
def _ids(prefix: str, n: int, start: int = 0) -> np.ndarray:
    return np.array([f"{prefix}{i:06d}" for i in range(start, start + n)], dtype=object)


def _points(rng: np.random.Generator, wards: pd.DataFrame, ward_idx: np.ndarray) -> tuple[
        np.ndarray, np.ndarray]:
    """Uniform random points (lon, lat) inside the polygon of each place's ward."""
    lon = np.empty(len(ward_idx))
    lat = np.empty(len(ward_idx))
    for w in np.unique(ward_idx):
        where = np.flatnonzero(ward_idx == w)
        geom = wards["geometry"].iat[int(w)]
        shapely.prepare(geom)
        x0, y0, x1, y1 = (float(v) for v in shapely.bounds(geom))
        got_x: list[np.ndarray] = []
        got_y: list[np.ndarray] = []
        need = len(where)
        while need > 0:
            k = max(32, need * 4)
            xs = rng.uniform(x0, x1, k)
            ys = rng.uniform(y0, y1, k)
            inside = shapely.contains_xy(geom, xs, ys)
            got_x.append(xs[inside][:need])
            got_y.append(ys[inside][:need])
            need -= int(min(inside.sum(), need))
        lon[where] = np.concatenate(got_x)
        lat[where] = np.concatenate(got_y)
    return np.round(lon, 6), np.round(lat, 6)


_START = np.datetime64(AS_OF, "D") - np.timedelta64(WINDOW_DAYS, "D")
_START_WEEKDAY = int((_START.astype("datetime64[D]").astype(np.int64) - 4) % 7)  # Mon=0


def _times(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, pattern: np.ndarray
           ) -> np.ndarray:
    """Timestamps between day offsets ``lo`` and ``hi`` (from the window start).

    ``pattern``: 0 any time (skewed to afternoon/evening), 1 evenings and weekends (hubs),
    2 school day daytime.
    """
    n = len(lo)
    lo = np.clip(lo, 0, WINDOW_DAYS - 1).astype(float)
    hi = np.clip(np.maximum(hi, lo), 0, WINDOW_DAYS - 1).astype(float)
    day = np.floor(lo + rng.random(n) * (hi - lo + 1)).astype(np.int64)
    wd = (day + _START_WEEKDAY) % 7
    ev = pattern == 1
    to_weekend = ev & (rng.random(n) < 0.6)
    target = rng.choice([4, 5, 6], n)
    day = np.where(to_weekend, day + target - wd, day)
    sch = (pattern == 2) & (wd >= 5)
    day = np.where(sch, day - (wd - 4), day)  # weekend -> Friday
    day = np.clip(day, lo.astype(np.int64), hi.astype(np.int64))
    hour = np.where(
        ev, np.clip(rng.normal(20.5, 2.0, n), 16, 23.9),
        np.where(pattern == 2, rng.uniform(8.5, 15.5, n), np.clip(rng.normal(15, 4.5, n), 0, 23.9)),
    )
    secs = (hour * 3600).astype(np.int64)
    return (_START + day.astype("timedelta64[D]")).astype("datetime64[s]") + secs.astype(
        "timedelta64[s]")


def _days(ts: np.ndarray) -> np.ndarray:
    """Day offsets from the window start of timestamps."""
    return (ts.astype("datetime64[D]") - _START).astype(np.int64)


def _date(day: np.ndarray) -> np.ndarray:
    """Dates from day offsets (clipped to the window, never after as_of)."""
    d = np.clip(np.asarray(day, dtype=np.int64), 0, WINDOW_DAYS)
    return (_START + d.astype("timedelta64[D]")).astype("datetime64[s]")


def _iso(day: int) -> str:
    """ISO date of a day offset from the window start."""
    return str(_START + np.timedelta64(int(day), "D"))


def _grading(rng: np.random.Generator, n: int, *, low: float = 0.2) -> dict[str, np.ndarray]:
    """3x5x2 grades: mostly 2/B-C/P, a share ``low`` graded 3/D-E (weak intelligence)."""
    weak = rng.random(n) < low
    src = np.where(weak, 3, rng.choice([1, 2, 2, 2, 3], n))
    intel = np.where(weak, rng.choice(["D", "E"], n), rng.choice(["A", "B", "B", "C", "C"], n))
    handling = np.where(rng.random(n) < 0.85, "P", "C")
    return {"grading_source": src.astype(np.int64), "grading_intel": intel.astype(object),
            "grading_handling": handling.astype(object)}


def _no_grading(n: int) -> dict[str, object]:
    return {"grading_source": pd.array([None] * n, dtype="Int64"),
            "grading_intel": np.full(n, None, dtype=object),
            "grading_handling": np.full(n, None, dtype=object)}


def _pick_within(rng: np.random.Generator, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """For each (start, size) pick one index start + U{0..size-1}."""
    return starts + np.floor(rng.random(len(starts)) * sizes).astype(np.int64)


def _variant(name: str, table: dict[str, str]) -> str:
    if name in table:
        return table[name]
    return name[:2] + name[1:] if len(name) > 3 else name + "e"


# -- one block of the town -----------------------------------------------------------------
def _build_block(rng: np.random.Generator, s: Scale, wards: pd.DataFrame, pfx: str
                 ) -> dict[str, pd.DataFrame]:
    """All rows of one county-sized (or small) block; ids carry the block prefix."""
    nw = len(wards)
    wpop = wards["child_population"].to_numpy(dtype=float)
    wp = wpop / wpop.sum()
    asof_day = WINDOW_DAYS

    # ---- places -------------------------------------------------------------------------
    kinds = list(PUBLIC_KIND_P)
    pk = rng.choice(len(kinds), s.public_places, p=np.array(list(PUBLIC_KIND_P.values())))
    # the hubs first: hub i has kind HUB_KINDS[i % 4] in a busy (high-population) ward
    hub_kind = np.array([kinds.index(HUB_KINDS[i % len(HUB_KINDS)]) for i in range(s.hubs)])
    pk[: s.hubs] = hub_kind
    pkind = np.array(kinds, dtype=object)[pk]
    busy = np.argsort(-wpop)[: max(6, nw // 4)]
    pward = rng.choice(nw, s.public_places, p=wp)
    pward[: s.hubs] = rng.choice(busy, s.hubs)
    street = rng.choice(STREETS, s.public_places)
    base = np.array([PLACE_NAMES[k][i % len(PLACE_NAMES[k])]
                     for k, i in zip(pkind, rng.integers(0, 100, s.public_places), strict=True)],
                    dtype=object)
    pname = base + " (" + street + ")"
    n_homes = int(s.children * 0.85)
    hward = rng.choice(nw, n_homes, p=wp)
    all_ward = np.concatenate([pward, hward])
    lon, lat = _points(rng, wards, all_ward)
    place_ids = _ids(f"{pfx}PL", s.public_places)
    home_ids = _ids(f"{pfx}H", n_homes)
    online_ids = _ids(f"{pfx}ON", s.online_spaces)
    plat = [PLATFORMS[i % len(PLATFORMS)] for i in range(s.online_spaces)]
    ward_codes = wards["ward_code"].to_numpy(dtype=object)
    place = pd.DataFrame({
        "place_id": np.concatenate([place_ids, home_ids, online_ids]),
        "kind": np.concatenate([pkind, np.full(n_homes, "home", dtype=object),
                                np.full(s.online_spaces, "online", dtype=object)]),
        "name": np.concatenate([
            pname, np.array([f"Home address {h}" for h in home_ids], dtype=object),
            np.array([f"{p} {what} #{i + 1}" for i, (p, what) in enumerate(plat)], dtype=object)]),
        "ward_code": np.concatenate([ward_codes[all_ward],
                                     np.full(s.online_spaces, None, dtype=object)]),
        "lon": np.concatenate([lon, np.full(s.online_spaces, np.nan)]),
        "lat": np.concatenate([lat, np.full(s.online_spaces, np.nan)]),
        "platform": np.concatenate([np.full(s.public_places + n_homes, None, dtype=object),
                                    np.array([p for p, _ in plat], dtype=object)]),
        "guardianship": np.concatenate([
            np.array([GUARDIANSHIP[k] for k in pkind], dtype=object),
            np.full(n_homes + s.online_spaces, None, dtype=object)]),
        "source_agency": np.concatenate([
            np.array([PLACE_SOURCE[k] for k in pkind], dtype=object),
            np.full(n_homes, "CSC", dtype=object), np.full(s.online_spaces, "POL", dtype=object)]),
        "recorded_date": _date(rng.integers(0, 200, s.public_places + n_homes + s.online_spaces)),
    })
    hubs = np.arange(s.hubs)
    ordinary = np.arange(s.hubs, s.public_places)
    schools = ordinary[pkind[ordinary] == "school"]
    if len(schools) == 0:
        schools = ordinary[:1]
    youth_clubs = ordinary[pkind[ordinary] == "youth_club"]
    aoc_places = ordinary[pkind[ordinary] == "address_of_concern"]
    social = ordinary[~np.isin(pkind[ordinary], ["school", "address_of_concern"])]

    # ---- children -----------------------------------------------------------------------
    nc = s.children
    cid = _ids(f"{pfx}C", nc)
    sex = rng.choice(np.array(["F", "M", "U"], dtype=object), nc, p=[0.53, 0.46, 0.01])
    age = rng.choice(np.arange(10, 18), nc, p=np.array([3, 4, 6, 9, 12, 14, 14, 12]) / 74)
    dob = (np.datetime64(AS_OF, "D") - (age * 365.25).astype(np.int64).astype("timedelta64[D]")
           - rng.integers(1, 365, nc).astype("timedelta64[D]"))
    given = np.where(sex == "F", rng.choice(GIVEN_F, nc), rng.choice(GIVEN_M, nc)).astype(object)
    family = rng.choice(FAMILY, nc).astype(object)
    # child 0.. order: mundane children last
    mundane = np.zeros(nc, dtype=bool)
    mundane[nc - s.mundane:] = True
    # peer groups: ~65% of the others, sizes 4-9
    group_of = np.full(nc, -1, dtype=np.int64)
    cand = rng.permutation(np.flatnonzero(~mundane))
    n_grouped = int(len(cand) * 0.65)
    sizes: list[int] = []
    while sum(sizes) < n_grouped:
        sizes.append(int(rng.integers(4, 10)))
    sizes[-1] -= sum(sizes) - n_grouped
    if sizes[-1] < 3:  # fold a tiny last group into the one before
        tiny = sizes.pop()
        sizes[-1] += tiny
    ng = len(sizes)
    gmembers = np.split(cand[:n_grouped], np.cumsum(sizes)[:-1])
    for g, mem in enumerate(gmembers):
        group_of[mem] = g
    gward = rng.choice(nw, ng, p=wp)
    # homes: grouped children mostly live in their group's ward
    home_of = rng.integers(0, n_homes, nc)
    in_ward: dict[int, np.ndarray] = {}
    for w in np.unique(gward):
        in_ward[int(w)] = np.flatnonzero(hward == w)
    for g, mem in enumerate(gmembers):
        hw = in_ward[int(gward[g])]
        if len(hw):
            local = rng.random(len(mem)) < 0.6
            home_of[mem[local]] = rng.choice(hw, int(local.sum()))
    # siblings: some ungrouped, non-mundane children share a home with another child
    ungrouped = np.flatnonzero((group_of < 0) & ~mundane)
    sib = ungrouped[rng.random(len(ungrouped)) < 0.2]
    sib_of = rng.choice(np.flatnonzero(~np.isin(np.arange(nc), sib)), len(sib))
    home_of[sib] = home_of[sib_of]
    lone = np.setdiff1d(ungrouped, np.concatenate([sib, sib_of]))  # free for lone adults
    looked_after = rng.random(nc) < 0.12
    needs = rng.random(nc) < 0.2
    school_of = rng.choice(schools, nc)

    # ---- adults -------------------------------------------------------------------------
    na = s.adults_of_concern
    aid = _ids(f"{pfx}A", na)
    a_sex = rng.choice(np.array(["M", "F"], dtype=object), na, p=[0.85, 0.15])
    a_age = rng.integers(18, 56, na)
    nt, npro = s.trusted_adults, s.professionals
    tid = _ids(f"{pfx}T", nt)
    prid = _ids(f"{pfx}P", npro)
    pro_title = [PROFESSIONAL_TITLES[i % len(PROFESSIONAL_TITLES)] for i in range(npro)]

    def people(ids: np.ndarray, kind: str, sx: np.ndarray, ages: np.ndarray, src: object,
               **extra: object) -> pd.DataFrame:
        n = len(ids)
        gv = np.where(sx == "F", rng.choice(GIVEN_F, n), rng.choice(GIVEN_M, n)).astype(object)
        return pd.DataFrame({
            "person_id": ids, "pseudonym": ids, "kind": kind, "given_name": gv,
            "family_name": rng.choice(FAMILY, n).astype(object),
            "date_of_birth": extra.pop("dob", None), "age_years": ages.astype(np.int64),
            "sex": sx, "source_agency": src,
            "recorded_date": _date(rng.integers(0, 400, n)), **extra,
        })

    person = pd.concat([
        pd.DataFrame({
            "person_id": cid, "pseudonym": np.array([f"YP-{pfx}{i:05d}" for i in range(nc)],
                                                    dtype=object),
            "kind": "child", "given_name": given, "family_name": family,
            "date_of_birth": dob.astype("datetime64[s]"), "age_years": age.astype(np.int64),
            "sex": sex, "ethnicity": rng.choice(np.array(ETHNICITY, dtype=object), nc,
                                                p=ETHNICITY_P),
            "looked_after": looked_after, "additional_needs": needs,
            "school_place_id": place_ids[school_of], "home_place_id": home_ids[home_of],
            "source_agency": "CSC", "recorded_date": _date(rng.integers(0, 300, nc)),
        }),
        people(aid, "adult_of_concern", a_sex, a_age, "POL",
               ethnicity=rng.choice(np.array(ETHNICITY, dtype=object), na, p=ETHNICITY_P)),
        people(tid, "trusted_adult", rng.choice(np.array(["F", "M"], dtype=object), nt),
               rng.integers(22, 75, nt), "VOL",
               role_title=rng.choice(TRUSTED_TITLES, nt).astype(object)),
        people(prid, "professional", rng.choice(np.array(["F", "M"], dtype=object), npro),
               rng.integers(24, 63, npro), np.array([a for _, a in pro_title], dtype=object),
               role_title=np.array([t for t, _ in pro_title], dtype=object)),
    ], ignore_index=True)
    person.loc[person["kind"] == "adult_of_concern", "pseudonym"] = [
        f"AoC-{pfx}{i:05d}" for i in range(na)]
    person.loc[person["kind"] == "trusted_adult", "pseudonym"] = [
        f"TA-{pfx}{i:05d}" for i in range(nt)]
    person.loc[person["kind"] == "professional", "pseudonym"] = [
        f"PR-{pfx}{i:05d}" for i in range(npro)]
    person.loc[person["kind"] != "child", "date_of_birth"] = None
    for col in ("looked_after", "additional_needs"):
        person[col] = person[col].fillna(False).astype(bool)

    # ---- harmful adult-child links (the planted network) --------------------------------
    # roles: 0..F-1 facilitators, next H hub adults, then ordinary adults tied to one group,
    # then lone adults tied to ungrouped children.
    nf, nh = s.facilitators, s.hub_adults
    src_l: list[np.ndarray] = []   # adult index
    tgt_l: list[np.ndarray] = []   # child index
    first_l: list[np.ndarray] = []
    kind_l: list[str] = []
    prio_l: list[np.ndarray] = []  # 0 for planted introductions, which win over duplicates
    planted: list[tuple[str, str, str]] = []
    group_sizes = np.array(sizes)
    by_size = np.argsort(-group_sizes, kind="stable")
    # hub adults: the biggest groups, linked to every member
    # plus a few ungrouped children linked to nobody else, so their degree is the highest
    hub_groups = by_size[:nh]
    adult_group = np.full(na, -1, dtype=np.int64)
    lone_pool = list(rng.permutation(lone))
    for h in range(nh):
        a = nf + h
        g = int(hub_groups[h % len(hub_groups)])
        adult_group[a] = g
        sat = [lone_pool.pop() for _ in range(min(4, len(lone_pool)))]
        mem = np.concatenate([gmembers[g], np.array(sat, dtype=np.int64)])
        src_l.append(np.full(len(mem), a))
        tgt_l.append(mem)
        first_l.append(rng.integers(30, 500, len(mem)))
        kind_l += ["associate"] * len(mem)
        prio_l.append(np.ones(len(mem)))
        planted.append(("hub_adult", aid[a], f"linked to {len(mem)} children: peer group "
                        f"{pfx}G{g:06d} and {len(sat)} children in no group; high degree but "
                        "not a broker"))
    # ordinary adults: each tied to one group (groups without a hub adult get 1-3 adults)
    n_ord = int((na - nf - nh) * 0.6)
    other_groups = by_size[nh:]
    ord_idx = np.arange(nf + nh, nf + nh + n_ord)
    with_adults = other_groups[: max(1, int(len(other_groups) * 0.75))]
    adult_group[ord_idx] = rng.choice(with_adults, n_ord)
    first_k = min(n_ord, len(with_adults))
    adult_group[ord_idx[:first_k]] = with_adults[:first_k]  # every such group gets one
    for a in ord_idx.tolist():
        mem = gmembers[int(adult_group[a])]
        k = min(len(mem), int(rng.integers(1, 4)))
        chosen = rng.choice(mem, k, replace=False)
        src_l.append(np.full(k, a))
        tgt_l.append(chosen)
        first_l.append(rng.integers(0, 650, k))
        kind_l += list(rng.choice(["associate", "relationship_reported", "supplies"], k))
        prio_l.append(np.ones(k))
    # lone adults: one or two ungrouped children each, never shared
    lone_idx = np.arange(nf + nh + n_ord, na - s.escalations)
    reserved = np.arange(na - s.escalations, na)  # the escalation cases' new adults
    for a in lone_idx.tolist():
        k = int(rng.integers(1, 3))
        take = [lone_pool.pop() for _ in range(min(k, len(lone_pool)))]
        if not take:
            break
        src_l.append(np.full(len(take), a))
        tgt_l.append(np.array(take))
        first_l.append(rng.integers(0, 650, len(take)))
        kind_l += list(rng.choice(["associate", "relationship_reported", "supplies"], len(take)))
        prio_l.append(np.ones(len(take)))
    # facilitators: 2-3 children in each of 2-4 groups that have ordinary adults; they meet a
    # child first and an ordinary adult of that child's group meets the child later.
    adult_adult: list[tuple[int, int, int, str]] = []  # (a, b, first_day, nature)
    fac_groups_pool = rng.permutation(with_adults)
    gi = 0
    introduced: set[int] = set()
    for f in range(nf):
        k = int(rng.integers(2, 5))
        gs = [int(fac_groups_pool[(gi + j) % len(fac_groups_pool)]) for j in range(k)]
        gi += k - 1  # neighbouring facilitators share one group: groups overlap like real networks
        adult_group[f] = -2
        intro: list[str] = []
        for g in gs:
            mem = gmembers[g]
            m = int(min(len(mem), 2))
            chosen = rng.choice(mem, m, replace=False)
            t1 = rng.integers(0, 450, m)
            src_l.append(np.full(m, f))
            tgt_l.append(chosen)
            first_l.append(t1)
            kind_l += list(rng.choice(["associate", "relationship_reported", "supplies"], m))
            prio_l.append(np.zeros(m))
            # introduction: an ordinary adult of group g meets the child after the facilitator
            ords = ord_idx[adult_group[ord_idx] == g]
            fresh = [j for j in range(m) if int(chosen[j]) not in introduced]
            if len(ords) and fresh:
                c0, t1c = int(chosen[fresh[0]]), int(t1[fresh[0]])
                introduced.add(c0)
                b = int(rng.choice(ords))
                t2 = int(t1c + rng.integers(20, 150))
                src_l.append(np.array([b]))
                tgt_l.append(np.array([c0]))
                first_l.append(np.array([t2]))
                kind_l.append("associate")
                prio_l.append(np.zeros(1))
                adult_adult.append((f, b, max(0, t1c - int(rng.integers(0, 60))), "harmful"))
                intro.append(f"{cid[c0]} linked to {aid[f]} from {_iso(t1c)}, "
                             f"then to {aid[b]} from {_iso(t2)}")
        planted.append(("facilitator", aid[f],
                        "links peer groups " + ", ".join(f"{pfx}G{g:06d}" for g in gs)
                        + "; introductions: " + "; ".join(intro)))
    # adults of one group know each other
    for g in np.unique(adult_group[adult_group >= 0]):
        ads = np.flatnonzero(adult_group == g)
        for i in range(len(ads) - 1):
            adult_adult.append((int(ads[i]), int(ads[i + 1]), int(rng.integers(0, 500)),
                                "harmful" if rng.random() < 0.6 else "unknown"))

    # escalation: grouped children with an ordinary adult link get a new adult late on
    hl = pd.DataFrame({"a": np.concatenate(src_l), "c": np.concatenate(tgt_l),
                       "first": np.concatenate(first_l), "kind": kind_l,
                       "prio": np.concatenate(prio_l)})
    hl = (hl.sort_values("prio", kind="stable").drop_duplicates(["a", "c"], keep="first")
          .sort_index().drop(columns="prio").reset_index(drop=True))
    fac_children = set(hl.loc[hl["a"] < nf + nh, "c"].tolist())
    esc_cands = np.array(sorted(set(hl.loc[hl["a"].isin(ord_idx), "c"].tolist()) - fac_children))
    escal = rng.choice(esc_cands, min(s.escalations, len(esc_cands)), replace=False) \
        if len(esc_cands) else np.array([], dtype=np.int64)
    for i, c in enumerate(escal):
        a = int(reserved[i])
        adult_group[a] = int(group_of[c])
        new_row = pd.DataFrame({"a": [a], "c": [int(c)],
                                "first": [asof_day - int(rng.integers(15, 60))],
                                "kind": ["relationship_reported"]})
        hl = pd.concat([hl, new_row], ignore_index=True)
    hl["last"] = np.minimum(hl["first"] + rng.integers(30, 420, len(hl)), asof_day - 1)
    hl.loc[hl["first"] > asof_day - 60, "last"] = asof_day - 1
    hl["first"] = np.minimum(hl["first"], hl["last"])
    hl["link_id"] = _ids(f"{pfx}LH", len(hl))

    # ---- child-only incidents (stream B) -------------------------------------------------
    at_risk = np.flatnonzero(~mundane)
    n_inc = s.incidents
    n_a = int(n_inc * 0.3)
    n_b = int(n_inc * 0.55)
    b_child = rng.choice(at_risk, n_b)
    bk = np.array(list(CHILD_ONLY_KINDS), dtype=object)
    b_kind = bk[rng.choice(len(bk), n_b, p=np.array(list(CHILD_ONLY_KINDS.values())))]
    is_esc = np.isin(b_child, escal)
    b_kind = np.where(is_esc & ((b_kind == "overdose") | (b_kind == "missing_episode")),
                      "self_harm", b_kind)  # escalation children's overdoses/missing are planted
    # hub-biased places for extra-familial child-only incidents
    hub_of_child = np.full(nc, -1, dtype=np.int64)
    # children who visit hubs: several groups per hub, 2-4 members each
    hub_visits: list[tuple[np.ndarray, np.ndarray]] = []
    groups_per_hub = max(6, min(ng, int(ng * 0.4)))
    for h in hubs.tolist():
        hub_gs = rng.choice(ng, min(ng, groups_per_hub), replace=False)
        for g in hub_gs.tolist():
            mem = gmembers[g]
            m = min(len(mem), int(rng.integers(3, 7)))
            chosen = rng.choice(mem, m, replace=False)
            hub_visits.append((np.full(m, h), chosen))
            hub_of_child[chosen] = h
    usual = rng.choice(social, (ng, 2))  # two usual places per group
    child_usual = np.where(group_of >= 0, usual[np.maximum(group_of, 0), 0],
                           rng.choice(social, nc))

    def place_for(kinds_: np.ndarray, child: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(kinds_)
        pidx = np.full(n, -1, dtype=np.int64)  # into place table
        pattern = np.zeros(n, dtype=np.int64)
        home = np.isin(kinds_, ["domestic_abuse_at_home", "parental_substance_misuse",
                                "was_not_brought"]) | ((kinds_ == "self_harm")
                                                       & (rng.random(n) < 0.8))
        pidx[home] = s.public_places + home_of[child[home]]
        school = kinds_ == "exclusion"
        pidx[school] = school_of[child[school]]
        pattern[school] = 2
        online = kinds_ == "online_contact"
        pidx[online] = s.public_places + n_homes + rng.integers(0, s.online_spaces,
                                                                int(online.sum()))
        rest = pidx < 0
        hub = hub_of_child[child]
        use_hub = rest & (hub >= 0) & (rng.random(n) < 0.55)
        pidx[use_hub] = hub[use_hub]
        pattern[use_hub] = 1
        at_aoc = rest & ~use_hub & (rng.random(n) < 0.2) & (len(aoc_places) > 0)
        if len(aoc_places):
            pidx[at_aoc] = rng.choice(aoc_places, int(at_aoc.sum()))
        other = (pidx < 0)
        pidx[other] = np.where(rng.random(int(other.sum())) < 0.7, child_usual[child[other]],
                               rng.choice(social, int(other.sum())))
        pattern[other] = np.where(rng.random(int(other.sum())) < 0.5, 1, 0)
        return pidx, pattern

    b_pidx, b_pat = place_for(b_kind, b_child)
    b_ts = _times(rng, np.zeros(n_b), np.full(n_b, asof_day - 1), b_pat)

    # ---- link-driven incidents (stream A) -----------------------------------------------
    a_link = rng.integers(0, len(hl), n_a)
    ak = np.array(list(LINK_KINDS), dtype=object)
    a_kind = ak[rng.choice(len(ak), n_a, p=np.array(list(LINK_KINDS.values())))]
    a_child = hl["c"].to_numpy()[a_link]
    a_adult = hl["a"].to_numpy()[a_link]
    a_kind = np.where(np.isin(a_child, escal) & (a_kind == "missing_episode"),
                      "seen_in_car_with_unknown_adult", a_kind)
    a_pidx, a_pat = place_for(a_kind, a_child)
    a_ts = _times(rng, hl["first"].to_numpy()[a_link], hl["last"].to_numpy()[a_link], a_pat)

    # ---- planted escalation incidents ----------------------------------------------------
    e_child_l: list[int] = []
    e_kind_l: list[str] = []
    e_day_l: list[int] = []
    for i, c in enumerate(escal):
        early = rng.integers(0, asof_day - 120, 3)      # about one every eight months
        late = rng.integers(asof_day - 90, asof_day - 1, int(rng.integers(5, 8)))
        od = int(rng.integers(asof_day - 45, asof_day - 1))
        for d in [*early, *late]:
            e_child_l.append(int(c))
            e_kind_l.append("missing_episode")
            e_day_l.append(int(d))
        e_child_l.append(int(c))
        e_kind_l.append("overdose")
        e_day_l.append(od)
        new_a = hl[(hl["c"] == c) & (hl["a"] == reserved[i])].iloc[0]
        planted.append(("escalation", cid[c],
                        f"missing episodes: 3 in the first 20 months, {len(late)} in the last 3 "
                        f"months; new adult of concern link {aid[int(new_a['a'])]} first seen "
                        f"{_iso(int(new_a['first']))}; first overdose {_iso(od)}"))
    e_child = np.array(e_child_l, dtype=np.int64)
    e_kind = np.array(e_kind_l, dtype=object)
    e_pidx, e_pat = place_for(e_kind, e_child)
    e_day = np.array(e_day_l, dtype=np.int64)
    e_ts = _times(rng, e_day, e_day, np.ones(len(e_day), dtype=np.int64))

    # ---- assemble incidents ------------------------------------------------------------
    inc_child = np.concatenate([b_child, a_child, e_child])
    inc_kind = np.concatenate([b_kind, a_kind, e_kind])
    inc_pidx = np.concatenate([b_pidx, a_pidx, e_pidx])
    inc_ts = np.concatenate([b_ts, a_ts, e_ts])
    inc_adult = np.concatenate([np.full(n_b, -1), a_adult, np.full(len(e_child), -1)])
    inc_link = np.concatenate([np.full(n_b, -1), a_link, np.full(len(e_child), -1)])
    # return home interviews follow 60% of missing episodes by 1-3 days
    miss = np.flatnonzero(inc_kind == "missing_episode")
    rhi = miss[rng.random(len(miss)) < 0.6]
    rhi_ts = inc_ts[rhi] + (rng.integers(1, 4, len(rhi)) * 86400).astype("timedelta64[s]")
    keep = rhi_ts < np.datetime64(AS_OF, "s")
    rhi = rhi[keep]
    inc_child = np.concatenate([inc_child, inc_child[rhi]])
    inc_kind = np.concatenate([inc_kind, np.full(len(rhi), "rhi_disclosure", dtype=object)])
    inc_pidx = np.concatenate([inc_pidx, s.public_places + home_of[inc_child[rhi]]])
    inc_ts = np.concatenate([inc_ts, rhi_ts[keep]])
    inc_adult = np.concatenate([inc_adult, inc_adult[rhi]])
    inc_link = np.concatenate([inc_link, np.full(len(rhi), -1)])
    # sort by time so ids run in time order
    order = np.argsort(inc_ts, kind="stable")
    inc_child, inc_kind, inc_pidx, inc_ts, inc_adult, inc_link = (
        x[order] for x in (inc_child, inc_kind, inc_pidx, inc_ts, inc_adult, inc_link))
    ni = len(inc_ts)
    iid = _ids(f"{pfx}I", ni)
    all_place_ids = place["place_id"].to_numpy(dtype=object)
    all_place_names = place["name"].to_numpy(dtype=object)
    agency = np.array([INCIDENT_AGENCY[k] for k in inc_kind], dtype=object)
    pk_all = place["kind"].to_numpy(dtype=object)[inc_pidx]
    agency = np.where((pk_all == "transport_hub") & (rng.random(ni) < 0.6)
                      & np.isin(inc_kind, ["intelligence_report", "arrest",
                                           "seen_in_car_with_unknown_adult"]), "BTP", agency)
    agency = np.where(np.isin(pk_all, ["hotel", "licensed_premises"])
                      & (inc_kind == "intelligence_report") & (rng.random(ni) < 0.4), "LIC", agency)
    agency = np.where((inc_kind == "rhi_disclosure") & (rng.random(ni) < 0.3), "VOL", agency)
    agency = np.where((inc_kind == "exchange_gifts_money") & (rng.random(ni) < 0.4), "POL", agency)
    agency = np.where((inc_kind == "arrest") & (rng.random(ni) < 0.2), "YJS", agency)
    extra = np.array(["physical", "emotional", "material", "behavioural"], dtype=object)
    add = rng.random(ni) < 0.3
    add_which = extra[rng.integers(0, 4, ni)]
    indicators = [
        sorted(set(INDICATORS[k]) | ({x} if a else set()))
        for k, a, x in zip(inc_kind, add, add_which, strict=True)
    ]
    narr = np.array([NARRATIVE[k] for k in inc_kind], dtype=object)
    narrative = [n.replace("{place}", p) if "{" in n else n
                 for n, p in zip(narr, all_place_names[inc_pidx], strict=True)]
    graded = np.isin(inc_kind, ["intelligence_report", "seen_in_car_with_unknown_adult",
                                "exchange_gifts_money", "arrest"])
    gr = _grading(rng, ni, low=0.25)
    harm = np.array([HARM_CONTEXT.get(k, "extra_familial") for k in inc_kind], dtype=object)
    harm = np.where((inc_kind == "missing_episode") & (rng.random(ni) < 0.1), "unknown", harm)
    inc_day = _days(inc_ts)
    nones = np.full(ni, None, dtype=object)
    incident = pd.DataFrame({
        "incident_id": iid, "occurred_at": inc_ts, "kind": inc_kind, "harm_context": harm,
        "place_id": all_place_ids[inc_pidx], "agency_id": agency, "indicators": indicators,
        "narrative": narrative,
        "child_words": np.where(inc_kind == "rhi_disclosure",
                                rng.choice(np.array(CHILD_WORDS, dtype=object), ni), nones),
        "recorded_date": _date(np.minimum(inc_day + rng.integers(0, 10, ni), asof_day)),
        "grading_source": pd.array(np.where(graded, gr["grading_source"], 0), dtype="Int64"),
        "grading_intel": np.where(graded, gr["grading_intel"], nones),
        "grading_handling": np.where(graded, gr["grading_handling"], nones),
    })
    incident.loc[~graded, "grading_source"] = pd.NA

    # incident_person: the child (victim / at_risk), the adult (person_of_concern / subject),
    # sometimes a peer as witness
    victim_kinds = ["sexual_assault", "physical_assault", "domestic_abuse_at_home",
                    "exchange_gifts_money", "online_contact", "rhi_disclosure"]
    c_role = np.where(np.isin(inc_kind, victim_kinds), "victim", "at_risk")
    ip = [pd.DataFrame({"incident_id": iid, "person_id": cid[inc_child], "role": c_role})]
    has_a = inc_adult >= 0
    ip.append(pd.DataFrame({
        "incident_id": iid[has_a], "person_id": aid[inc_adult[has_a]],
        "role": np.where(inc_kind[has_a] == "arrest", "subject", "person_of_concern"),
    }))
    gstart = np.concatenate([[0], np.cumsum(group_sizes)[:-1]])
    flat_members = np.concatenate(gmembers)
    ext = (harm == "extra_familial") & (group_of[inc_child] >= 0) & (rng.random(ni) < 0.3)
    g_of = group_of[inc_child[ext]]
    w = flat_members[_pick_within(rng, gstart[g_of], group_sizes[g_of])]
    ok = w != inc_child[ext]
    ip.append(pd.DataFrame({"incident_id": iid[ext][ok], "person_id": cid[w[ok]],
                            "role": "witness"}))
    incident_person = pd.concat(ip, ignore_index=True)

    # ---- links ---------------------------------------------------------------------------
    ev = pd.DataFrame({"link": inc_link, "iid": iid})
    ev = ev[ev["link"] >= 0]
    evidence_of = ev.groupby("link")["iid"].agg(list)
    nhl = len(hl)
    hg = _grading(rng, nhl, low=0.25)
    link_parts = [pd.DataFrame({
        "link_id": hl["link_id"].to_numpy(), "source_person_id": aid[hl["a"].to_numpy()],
        "target_person_id": cid[hl["c"].to_numpy()], "kind": hl["kind"].to_numpy(dtype=object),
        "nature": "harmful", "first_seen": _date(hl["first"].to_numpy()),
        "last_seen": _date(hl["last"].to_numpy()),
        "source_agency": rng.choice(np.array(["POL", "POL", "POL", "CSC", "BTP"], dtype=object),
                                    nhl),
        "recorded_date": _date(np.minimum(hl["first"].to_numpy() + rng.integers(0, 20, nhl),
                                          asof_day)),
        **hg, "verified": rng.random(nhl) < 0.45,
        "evidence": [evidence_of.get(i, []) for i in range(nhl)],
    })]
    # adult-adult associates
    if adult_adult:
        aa = np.array([(a, b, d) for a, b, d, _ in adult_adult], dtype=np.int64)
        naa = len(aa)
        last = np.minimum(aa[:, 2] + rng.integers(30, 400, naa), asof_day - 1)
        link_parts.append(pd.DataFrame({
            "link_id": _ids(f"{pfx}LA", naa), "source_person_id": aid[aa[:, 0]],
            "target_person_id": aid[aa[:, 1]], "kind": "associate",
            "nature": np.array([n for *_, n in adult_adult], dtype=object),
            "first_seen": _date(aa[:, 2]), "last_seen": _date(last), "source_agency": "POL",
            "recorded_date": _date(aa[:, 2]), **_grading(rng, naa, low=0.3),
            "verified": rng.random(naa) < 0.3, "evidence": [[] for _ in range(naa)],
        }))
    # peer links inside groups
    ps, pt = [], []
    for mem in gmembers:
        iu, ju = np.triu_indices(len(mem), 1)
        keep_ = rng.random(len(iu)) < 0.55
        ps.append(mem[iu[keep_]])
        pt.append(mem[ju[keep_]])
    p_s, p_t = np.concatenate(ps), np.concatenate(pt)
    npl = len(p_s)
    pf = rng.integers(0, 500, npl)
    peer_nature = np.where(rng.random(npl) < 0.1, "harmful", "unknown").astype(object)
    link_parts.append(pd.DataFrame({
        "link_id": _ids(f"{pfx}LP", npl), "source_person_id": cid[p_s],
        "target_person_id": cid[p_t], "kind": "peer", "nature": peer_nature,
        "first_seen": _date(pf), "last_seen": _date(np.minimum(pf + rng.integers(60, 700, npl),
                                                               asof_day - 1)),
        "source_agency": rng.choice(np.array(["EDU", "CSC", "POL", "VOL"], dtype=object), npl),
        "recorded_date": _date(pf + 5), **_no_grading(npl), "verified": rng.random(npl) < 0.6,
        "evidence": [[] for _ in range(npl)],
    }))
    # family links between siblings sharing a home
    nsib = len(sib)
    link_parts.append(pd.DataFrame({
        "link_id": _ids(f"{pfx}LF", nsib), "source_person_id": cid[sib],
        "target_person_id": cid[sib_of], "kind": "family",
        "nature": np.where(rng.random(nsib) < 0.7, "protective", "unknown").astype(object),
        "first_seen": _date(np.zeros(nsib)), "last_seen": _date(np.full(nsib, asof_day - 1)),
        "source_agency": "CSC", "recorded_date": _date(rng.integers(0, 200, nsib)),
        **_no_grading(nsib), "verified": True, "evidence": [[] for _ in range(nsib)],
    }))
    # trusted adults: each linked to 1-3 children
    t_k = rng.integers(1, 4, nt)
    t_src = np.repeat(np.arange(nt), t_k)
    t_tgt = rng.choice(nc, len(t_src))
    tdf = pd.DataFrame({"s": t_src, "t": t_tgt}).drop_duplicates()
    ntl = len(tdf)
    tf = rng.integers(0, 600, ntl)
    link_parts.append(pd.DataFrame({
        "link_id": _ids(f"{pfx}LT", ntl), "source_person_id": tid[tdf["s"].to_numpy()],
        "target_person_id": cid[tdf["t"].to_numpy()], "kind": "trusted_adult",
        "nature": "protective", "first_seen": _date(tf), "last_seen": _date(np.full(ntl,
                                                                                  asof_day - 1)),
        "source_agency": rng.choice(np.array(["VOL", "CSC", "EDU"], dtype=object), ntl),
        "recorded_date": _date(tf + 3), **_no_grading(ntl), "verified": rng.random(ntl) < 0.9,
        "evidence": [[] for _ in range(ntl)],
    }))
    # professionals: each child has some
    pr_k = rng.poisson(s.professional_links_per_child, nc) + 1
    pr_tgt = np.repeat(np.arange(nc), pr_k)
    pr_src = rng.integers(0, npro, len(pr_tgt))
    pdf_ = pd.DataFrame({"s": pr_src, "t": pr_tgt}).drop_duplicates()
    nprl = len(pdf_)
    prf = rng.integers(0, 650, nprl)
    pro_agency = np.array([a for _, a in pro_title], dtype=object)
    link_parts.append(pd.DataFrame({
        "link_id": _ids(f"{pfx}LR", nprl), "source_person_id": prid[pdf_["s"].to_numpy()],
        "target_person_id": cid[pdf_["t"].to_numpy()], "kind": "professional",
        "nature": "protective", "first_seen": _date(prf),
        "last_seen": _date(np.minimum(prf + rng.integers(60, 700, nprl), asof_day - 1)),
        "source_agency": pro_agency[pdf_["s"].to_numpy()], "recorded_date": _date(prf),
        **_no_grading(nprl), "verified": True, "evidence": [[] for _ in range(nprl)],
    }))
    link = pd.concat(link_parts, ignore_index=True)

    # ---- presences ---------------------------------------------------------------------
    pres: list[pd.DataFrame] = []

    def add_pres(person_ids: np.ndarray, pidx: np.ndarray, kind: object, ts: np.ndarray,
                 src: object, graded_: bool = False, incident_ids: object = None) -> None:
        n = len(person_ids)
        g = _grading(rng, n, low=0.2) if graded_ else _no_grading(n)
        pres.append(pd.DataFrame({
            "person_id": person_ids, "place_id": all_place_ids[pidx], "kind": kind,
            "seen_at": ts, "source_agency": src,
            "recorded_date": _date(np.minimum(_days(ts) + rng.integers(0, 7, n), asof_day)),
            **g, "incident_id": incident_ids if incident_ids is not None else None,
        }))

    add_pres(cid, s.public_places + home_of, "lives_at",
             _times(rng, np.zeros(nc), np.zeros(nc), np.zeros(nc, dtype=np.int64)), "CSC")
    # hub visits: evenings and weekends, several sightings each
    hv_p = np.concatenate([h for h, _ in hub_visits])
    hv_c = np.concatenate([c for _, c in hub_visits])
    reps = rng.integers(2, 6, len(hv_c))
    hv_p, hv_c = np.repeat(hv_p, reps), np.repeat(hv_c, reps)
    nhv = len(hv_c)
    add_pres(cid[hv_c], hv_p, "seen_at", _times(rng, np.zeros(nhv), np.full(nhv, asof_day - 1),
                                                np.ones(nhv, dtype=np.int64)),
             rng.choice(np.array(["POL", "VOL", "BTP", "LIC"], dtype=object), nhv), True)
    # adults of concern at the hubs their children visit (facilitators and hub adults)
    hub_adult_rows = hl[hl["a"] < nf + nh]
    hac = hub_adult_rows["c"].to_numpy()
    at_hub = hub_of_child[hac] >= 0
    ha_a = hub_adult_rows["a"].to_numpy()[at_hub]
    ha_p = hub_of_child[hac[at_hub]]
    nha = len(ha_a)
    add_pres(aid[ha_a], ha_p, "seen_at",
             _times(rng, np.zeros(nha), np.full(nha, asof_day - 1), np.ones(nha, dtype=np.int64)),
             "POL", True)
    # group members at their usual places
    gc = np.flatnonzero(group_of >= 0)
    reps = rng.integers(1, 4, len(gc))
    gcr = np.repeat(gc, reps)
    which = rng.integers(0, 2, len(gcr))
    ngr = len(gcr)
    add_pres(cid[gcr], usual[group_of[gcr], which], "seen_at",
             _times(rng, np.zeros(ngr), np.full(ngr, asof_day - 1),
                    rng.choice([0, 1], ngr).astype(np.int64)),
             rng.choice(np.array(["POL", "VOL", "EDU"], dtype=object), ngr), True)
    # ungrouped children here and there; youth club regulars (protective)
    uc = np.flatnonzero(group_of < 0)
    uc = uc[rng.random(len(uc)) < 0.5]
    nuc = len(uc)
    add_pres(cid[uc], rng.choice(social, nuc), "seen_at",
             _times(rng, np.zeros(nuc), np.full(nuc, asof_day - 1), np.zeros(nuc, dtype=np.int64)),
             "VOL")
    if len(youth_clubs):
        yc = np.flatnonzero(rng.random(nc) < 0.2)
        nyc = len(yc)
        add_pres(cid[yc], rng.choice(youth_clubs, nyc), "frequents",
                 _times(rng, np.zeros(nyc), np.full(nyc, asof_day - 1),
                        np.zeros(nyc, dtype=np.int64)), "VOL")
    else:
        yc = np.array([], dtype=np.int64)
    # found at after missing; harmed at after assaults
    fm = np.flatnonzero(inc_kind == "missing_episode")
    add_pres(cid[inc_child[fm]], inc_pidx[fm], "found_at_after_missing", inc_ts[fm], "POL",
             incident_ids=iid[fm])
    ha = np.flatnonzero(np.isin(inc_kind, ["sexual_assault", "physical_assault"])
                        & ~np.isin(pk_all, ["home", "online"]))
    add_pres(cid[inc_child[ha]], inc_pidx[ha], "harmed_at", inc_ts[ha], "POL",
             incident_ids=iid[ha])
    presence = pd.concat(pres, ignore_index=True)
    presence.insert(0, "presence_id", _ids(f"{pfx}PR", len(presence)))

    # ---- groups, memberships -----------------------------------------------------------
    gid = _ids(f"{pfx}G", ng)
    peer_group = pd.DataFrame({
        "group_id": gid, "name": [f"Peer group {i + 1} ({wards['name'].iat[int(w)]})"
                                  for i, w in enumerate(gward)],
        "source_agency": rng.choice(np.array(["POL", "CSC", "EDU", "VOL"], dtype=object), ng),
        "recorded_date": _date(rng.integers(0, 300, ng)),
    })
    gm_c = flat_members
    gm_g = np.repeat(np.arange(ng), group_sizes)
    start = rng.integers(0, 400, len(gm_c))
    ended = rng.random(len(gm_c)) < 0.05
    group_membership = pd.DataFrame({
        "group_id": gid[gm_g], "person_id": cid[gm_c], "start_date": _date(start),
        "end_date": np.where(ended, _date(np.minimum(start + 200, asof_day - 1)),
                             np.datetime64("NaT", "s")),
        "source_agency": peer_group["source_agency"].to_numpy()[gm_g],
        "recorded_date": _date(start + 3),
    })

    # ---- concerns ----------------------------------------------------------------------
    first_inc = pd.Series(inc_day).groupby(inc_child).min()
    harmed = np.zeros(nc, dtype=bool)
    harmed[hl["c"].to_numpy()] = True
    with_inc = np.zeros(nc, dtype=bool)
    with_inc[first_inc.index.to_numpy()] = True
    conc_c = np.flatnonzero(harmed | (with_inc & (rng.random(nc) < 0.5)))
    first_link = pd.Series(hl["first"].to_numpy()).groupby(hl["c"].to_numpy()).min()
    opened = np.full(nc, asof_day - 30, dtype=np.int64)
    opened[first_inc.index.to_numpy()] = first_inc.to_numpy()
    li = first_link.index.to_numpy()
    opened[li] = np.minimum(opened[li], first_link.to_numpy())
    oc = opened[conc_c]
    n_cc = len(conc_c)
    closed = (rng.random(n_cc) < 0.2) & ~np.isin(conc_c, escal) & (oc < asof_day - 120)
    closed_day = np.minimum(oc + rng.integers(90, 400, n_cc), asof_day - 1)
    review = np.where(closed, closed_day, asof_day + rng.integers(-20, 90, n_cc))
    cat = np.where(harmed[conc_c], rng.choice(np.array(["cse", "cce", "county_lines"],
                                                       dtype=object), n_cc),
                   rng.choice(np.array(["peer_abuse", "online_harm", "other"], dtype=object),
                              n_cc)).astype(object)
    aoc_with = np.unique(hl["a"].to_numpy())
    na_c = len(aoc_with)
    a_open = pd.Series(hl["first"].to_numpy()).groupby(hl["a"].to_numpy()).min().to_numpy()

    def dates_far(day: np.ndarray, years: int) -> np.ndarray:
        return (_START + np.asarray(day, dtype=np.int64).astype("timedelta64[D]")
                + np.timedelta64(365 * years + years // 4, "D")).astype("datetime64[s]")

    concern = pd.concat([
        pd.DataFrame({
            "person_id": cid[conc_c], "category": cat,
            "role": np.where(harmed[conc_c] & (rng.random(n_cc) < 0.7), "victim", "at_risk"),
            "opened_on": _date(oc),
            "closed_on": np.where(closed, _date(closed_day), np.datetime64("NaT", "s")),
            "review_date": dates_far(review, 0), "retention_until": dates_far(oc, 6),
            "source_agency": rng.choice(np.array(["CSC", "POL", "EDU"], dtype=object), n_cc),
            "recorded_date": _date(oc),
        }),
        pd.DataFrame({
            "person_id": aid[aoc_with],
            "category": rng.choice(np.array(["cse", "cce", "county_lines"], dtype=object), na_c),
            "role": "person_of_concern", "opened_on": _date(a_open),
            "closed_on": np.datetime64("NaT", "s"),
            "review_date": dates_far(asof_day + rng.integers(-10, 90, na_c), 0),
            "retention_until": dates_far(a_open, 6), "source_agency": "POL",
            "recorded_date": _date(a_open),
        }),
    ], ignore_index=True)
    concern.insert(0, "concern_id", _ids(f"{pfx}CN", len(concern)))

    # ---- vulnerabilities and strengths -------------------------------------------------
    excl = np.unique(inc_child[inc_kind == "exclusion"])
    vul_parts = [
        (np.flatnonzero(looked_after), "looked_after", "CSC"),
        (np.flatnonzero(needs), "additional_needs", "EDU"),
        (excl, "excluded", "EDU"),
    ]
    for kind, share, src in [("substance_use", 0.08, "HLT"), ("earlier_abuse", 0.12, "CSC"),
                             ("young_carer", 0.05, "EDU"), ("mental_health", 0.12, "HLT")]:
        vul_parts.append((np.flatnonzero(~mundane & (rng.random(nc) < share)), kind, src))
    vulnerability = pd.concat([
        pd.DataFrame({"person_id": cid[c], "kind": k,
                      "since": _date(rng.integers(0, 600, len(c))), "source_agency": src,
                      "recorded_date": _date(rng.integers(0, 650, len(c)))})
        for c, k, src in vul_parts], ignore_index=True)
    vulnerability.insert(0, "vulnerability_id", _ids(f"{pfx}V", len(vulnerability)))
    t_children = np.unique(tdf["t"].to_numpy())
    st_parts = [(t_children, "trusted_adult", "VOL"),
                (np.flatnonzero(rng.random(nc) < 0.5), "school", "EDU"),
                (np.unique(yc), "youth_worker", "VOL"),
                (np.flatnonzero(rng.random(nc) < 0.3), "positive_activity", "VOL"),
                (np.flatnonzero(rng.random(nc) < 0.25), "family_support", "CSC")]
    strength = pd.concat([
        pd.DataFrame({"person_id": cid[c], "kind": k, "description": STRENGTHS[k],
                      "source_agency": src,
                      "recorded_date": _date(rng.integers(0, 650, len(c)))})
        for c, k, src in st_parts], ignore_index=True)
    strength.insert(0, "strength_id", _ids(f"{pfx}S", len(strength)))

    # ---- agency records with spelling variations ---------------------------------------
    postcode_of_home = np.array(
        [f"{a}{d} {n}{x}{y}" for a, d, n, x, y in zip(
            rng.choice(["CW", "SK", "ST"], n_homes), rng.integers(1, 12, n_homes),
            rng.integers(1, 10, n_homes), rng.choice(list("ABDEFGHJLNPQRSTUWXY"), n_homes),
            rng.choice(list("ABDEFGHJLNPQRSTUWXY"), n_homes), strict=True)], dtype=object)
    dob_s = dob.astype("datetime64[s]")
    rec_parts = [pd.DataFrame({
        "record_id": _ids(f"{pfx}RCSC", nc), "person_id": cid, "agency_id": "CSC",
        "local_ref": np.array([f"{pfx}CSC{i:07d}" for i in range(nc)], dtype=object),
        "given_name": given, "family_name": family, "date_of_birth": dob_s,
        "postcode": postcode_of_home[home_of], "recorded_date": _date(rng.integers(0, 300, nc)),
    })]
    dup = np.flatnonzero(rng.random(nc) < 0.3)
    dup_rows = []
    dup_detail: dict[int, list[str]] = {}
    for j, c in enumerate(dup):
        agencies = rng.choice(["POL", "EDU", "HLT"], int(rng.integers(1, 3)), replace=False)
        for ag in agencies:
            how = str(rng.choice(["given", "family", "dob_swap", "given+family"]))
            g_, f_ = str(given[c]), str(family[c])
            d_ = pd.Timestamp(dob[c])
            if "given" in how:
                g_ = _variant(g_, GIVEN_VARIANTS)
            if "family" in how:
                f_ = _variant(f_, FAMILY_VARIANTS)
            if how == "dob_swap":
                d_ = (d_.replace(day=d_.month, month=d_.day) if d_.day <= 12 and d_.day != d_.month
                      else d_ + pd.Timedelta(days=1))
            rid = f"{pfx}R{ag}{j:06d}"
            confirmed = rng.random() < 0.5
            dup_rows.append((rid, cid[c] if confirmed else None, str(ag), f"{pfx}{ag}-{j:06d}",
                             g_, f_, d_.to_datetime64().astype("datetime64[s]"),
                             postcode_of_home[home_of[c]], _date(rng.integers(0, 650, 1))[0]))
            dup_detail.setdefault(int(c), []).append(f"{rid} ({ag}, {how})")
    if dup_rows:
        rec_parts.append(pd.DataFrame(dup_rows, columns=list(rec_parts[0].columns)))
    person_record = pd.concat(rec_parts, ignore_index=True)
    for c, recs in dup_detail.items():
        planted.append(("duplicate_record", cid[c],
                        f"same child as {pfx}RCSC{c:06d}: " + ", ".join(recs)))

    # ---- planted truth -----------------------------------------------------------------
    for h in hubs.tolist():
        vis = np.unique(np.concatenate([c for p_, c in hub_visits if p_[0] == h]))
        n_groups = len(np.unique(group_of[vis]))
        planted.append(("hub_place", place_ids[h],
                        f"{pkind[h]}: {len(vis)} children from {n_groups} peer groups seen here, "
                        "mostly evenings and weekends"))
    for g, mem in enumerate(gmembers):
        for c in mem:
            planted.append(("peer_group_member", cid[c], gid[g]))
    planted_truth = pd.DataFrame(planted, columns=["kind", "object_id", "detail"])
    planted_truth["object_id"] = planted_truth["object_id"].astype(object)

    return {
        "place": place, "person": person, "person_record": person_record,
        "peer_group": peer_group, "group_membership": group_membership, "link": link,
        "incident": incident, "incident_person": incident_person, "presence": presence,
        "concern": concern, "strength": strength, "vulnerability": vulnerability,
        "planted_truth": planted_truth,
    }
