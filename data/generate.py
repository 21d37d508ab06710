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
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from data.audit_log import AuditPaths
from data.demo_vocabulary import (
    ADULT_INCIDENT_KINDS,
    AGENCIES,
    CHILD_ONLY_KINDS,
    CHILD_WORDS,
    ETHNICITY,
    ETHNICITY_P,
    FAMILY,
    FAMILY_VARIANTS,
    GIVEN_F,
    GIVEN_M,
    GIVEN_VARIANTS,
    GUARDIANSHIP,
    HARM_CONTEXT,
    HUB_KINDS,
    INCIDENT_AGENCY,
    INDICATORS,
    NARRATIVE,
    PLACE_NAMES,
    PLACE_SOURCE,
    PLATFORMS,
    PROFESSIONAL_TITLES,
    PUBLIC_KIND_P,
    STREETS,
    STRENGTHS,
    TRUSTED_TITLES,
)
from data.store import Store, refuse_if_open
from domain import vocabulary
from domain.errors import ValidationError

AS_OF = date(2026, 9, 30)
WINDOW_DAYS = 730
GENERATOR_VERSION = "1"

WARDS_FILE = "cheshire_east_wards_E06000049.geojson"
CHILD_POP_FILE = "ward_child_population.csv"


@dataclass(frozen=True)
class Scale:
    """How many of each thing one block of the town has (and how many blocks)."""

    children: int
    adults_of_concern: int      # facilitators, hub adults, ordinary, lone and escalation adults
    trusted_adults: int
    professionals: int
    public_places: int          # not homes (homes: 0.85 per child) nor online spaces
    online_spaces: int
    incidents: int              # about; return home interviews come on top
    hubs: int                   # planted hub places
    facilitators: int           # planted brokers between peer groups
    hub_adults: int             # planted high-degree adults who broker nothing
    escalations: int            # planted escalating children
    mundane: int                # children with no concerns, incidents or harmful links
    professional_links_per_child: float
    blocks: int = 1             # national: 20 county-sized blocks, built one at a time


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
SIZES["national"] = replace(SIZES["county"], blocks=20)


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
            f"{c.get('place', 0) - c.get('homes', 0):,} places and online spaces, "
            f"{c.get('homes', 0):,} homes, {c.get('incident', 0):,} incidents, "
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
    if target.is_dir():
        raise ValidationError(
            f"{target} is a folder: give the database file to write, e.g. "
            f"{target / 'csmap_demo.duckdb'}."
        )
    if target.exists() and not force:
        raise ValidationError(
            f"{target} already exists. Pass --force (force=True) to replace it, or choose "
            "another --out path."
        )
    refuse_if_open(target, doing="replace")  # a running server would lose all later writes
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
                    elif table == "place":
                        homes = int((frame["kind"] == "home").sum())
                        counts["homes"] = counts.get("homes", 0) + homes
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
        refuse_if_open(target, doing="replace")  # opened while the town was being built?
        _remove(target)
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise
    finally:
        _remove_audit(tmp)
    return GenerationReport(
        path=target, size=size, seed=seed, as_of=AS_OF, counts=counts, planted=planted,
        seconds=time.perf_counter() - started, blocks=scale.blocks,
    )


def _remove(p: Path) -> None:
    for q in (p, p.with_name(p.name + ".wal")):
        if q.exists():
            q.unlink()


def _remove_audit(p: Path) -> None:
    """Remove the audit files of the temporary database (the generator audits nothing). The
    target's own audit trail is kept: a database generated over it carries on its chain."""
    store = AuditPaths.beside(p).store
    for q in (*AuditPaths.beside(p).files(), store.with_name(store.name + ".wal")):
        q.unlink(missing_ok=True)


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


def _links(prefix: str, source: np.ndarray, target: np.ndarray, kind: str, nature: Any,
           first: np.ndarray, last: np.ndarray, agency: Any, recorded: np.ndarray,
           grading: Mapping[str, object], verified: Any) -> pd.DataFrame:
    """One block of generated links with no evidence: ``first``, ``last`` and ``recorded``
    are day offsets; ``nature``, ``agency`` and ``verified`` one value or one per link."""
    n = len(source)
    return pd.DataFrame({
        "link_id": _ids(prefix, n), "source_person_id": source, "target_person_id": target,
        "kind": kind, "nature": nature, "first_seen": _date(first), "last_seen": _date(last),
        "source_agency": agency, "recorded_date": _date(recorded), **grading,
        "verified": verified, "evidence": [[] for _ in range(n)]})


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
    return _Block(rng, s, wards, pfx).build()


class _Block:
    """One block of the town, built stage by stage; each stage reads what earlier ones made.

    Index conventions: children, adults of concern, trusted adults and professionals are
    numbered from 0 within their kind; places are rows of ``self.place`` (public places,
    then homes, then online spaces).
    """

    def __init__(self, rng: np.random.Generator, s: Scale, wards: pd.DataFrame, pfx: str):
        self.rng, self.s, self.wards, self.pfx = rng, s, wards, pfx
        self.nw = len(wards)
        self.wpop = wards["child_population"].to_numpy(dtype=float)
        self.wp = self.wpop / self.wpop.sum()
        self.planted: list[tuple[str, str, str]] = []

    def build(self) -> dict[str, pd.DataFrame]:
        """Run every stage in a fixed order (the order fixes the random stream)."""
        self._places()
        self._children()
        self._people()
        self._harmful_network()
        self._incidents()
        self._incident_people()
        self._links()
        self._presences()
        self._groups()
        self._concerns()
        self._needs_and_strengths()
        self._records()
        self._planted_places_and_groups()
        return {
            "place": self.place, "person": self.person, "person_record": self.person_record,
            "peer_group": self.peer_group, "group_membership": self.group_membership,
            "link": self.link, "incident": self.incident,
            "incident_person": self.incident_person, "presence": self.presence,
            "concern": self.concern, "strength": self.strength,
            "vulnerability": self.vulnerability,
            "planted_truth": pd.DataFrame(self.planted, columns=["kind", "object_id", "detail"]),
        }

    # ---- places -----------------------------------------------------------------------
    def _places(self) -> None:
        """Public places (hubs first), homes and online spaces, at points in their wards."""
        rng, s, pfx, nw = self.rng, self.s, self.pfx, self.nw
        kinds = list(PUBLIC_KIND_P)
        pk = rng.choice(len(kinds), s.public_places, p=np.array(list(PUBLIC_KIND_P.values())))
        # the hubs first: hub i has kind HUB_KINDS[i % 4] in a busy (high-population) ward
        pk[: s.hubs] = [kinds.index(HUB_KINDS[i % len(HUB_KINDS)]) for i in range(s.hubs)]
        pkind = np.array(kinds, dtype=object)[pk]
        busy = np.argsort(-self.wpop)[: max(6, nw // 4)]
        pward = rng.choice(nw, s.public_places, p=self.wp)
        pward[: s.hubs] = rng.choice(busy, s.hubs)
        street = rng.choice(STREETS, s.public_places)
        base = np.array([PLACE_NAMES[k][i % len(PLACE_NAMES[k])] for k, i in
                         zip(pkind, rng.integers(0, 100, s.public_places), strict=True)],
                        dtype=object)
        pname = base + " (" + street + ")"
        n_homes = int(s.children * 0.85)
        hward = rng.choice(nw, n_homes, p=self.wp)
        all_ward = np.concatenate([pward, hward])
        lon, lat = _points(rng, self.wards, all_ward)
        place_ids = _ids(f"{pfx}PL", s.public_places)
        home_ids = _ids(f"{pfx}H", n_homes)
        online_ids = _ids(f"{pfx}ON", s.online_spaces)
        plat = [PLATFORMS[i % len(PLATFORMS)] for i in range(s.online_spaces)]
        ward_codes = self.wards["ward_code"].to_numpy(dtype=object)
        n_on = s.online_spaces
        self.place = pd.DataFrame({
            "place_id": np.concatenate([place_ids, home_ids, online_ids]),
            "kind": np.concatenate([pkind, np.full(n_homes, "home", dtype=object),
                                    np.full(n_on, "online", dtype=object)]),
            "name": np.concatenate([
                pname, np.array([f"Home address {h}" for h in home_ids], dtype=object),
                np.array([f"{p} {what} #{i + 1}" for i, (p, what) in enumerate(plat)],
                         dtype=object)]),
            "ward_code": np.concatenate([ward_codes[all_ward], np.full(n_on, None, dtype=object)]),
            "lon": np.concatenate([lon, np.full(n_on, np.nan)]),
            "lat": np.concatenate([lat, np.full(n_on, np.nan)]),
            "platform": np.concatenate([np.full(s.public_places + n_homes, None, dtype=object),
                                        np.array([p for p, _ in plat], dtype=object)]),
            "guardianship": np.concatenate([
                np.array([GUARDIANSHIP[k] for k in pkind], dtype=object),
                np.full(n_homes + n_on, None, dtype=object)]),
            "source_agency": np.concatenate([
                np.array([PLACE_SOURCE[k] for k in pkind], dtype=object),
                np.full(n_homes, "CSC", dtype=object), np.full(n_on, "POL", dtype=object)]),
            "recorded_date": _date(rng.integers(0, 200, s.public_places + n_homes + n_on)),
        })
        self.pkind, self.place_ids, self.home_ids = pkind, place_ids, home_ids
        self.pward = pward
        self.n_homes, self.hward = n_homes, hward
        self.home_base = s.public_places               # row of home 0 in self.place
        self.online_base = s.public_places + n_homes   # row of online space 0
        self.hubs = np.arange(s.hubs)
        ordinary = np.arange(s.hubs, s.public_places)
        schools = ordinary[pkind[ordinary] == "school"]
        self.schools = schools if len(schools) else ordinary[:1]
        self.youth_clubs = ordinary[pkind[ordinary] == "youth_club"]
        self.aoc_places = ordinary[pkind[ordinary] == "address_of_concern"]
        self.social = ordinary[~np.isin(pkind[ordinary], ["school", "address_of_concern"])]

    # ---- children -----------------------------------------------------------------------
    def _children(self) -> None:
        """Children's attributes, peer groups, homes, siblings."""
        rng, s, nc = self.rng, self.s, self.s.children
        self.nc = nc
        self.cid = _ids(f"{self.pfx}C", nc)
        self.sex = rng.choice(np.array(["F", "M", "U"], dtype=object), nc, p=[0.53, 0.46, 0.01])
        self.age = rng.choice(np.arange(10, 18), nc,
                              p=np.array([3, 4, 6, 9, 12, 14, 14, 12]) / 74)
        self.dob = (np.datetime64(AS_OF, "D")
                    - (self.age * 365.25).astype(np.int64).astype("timedelta64[D]")
                    - rng.integers(1, 365, nc).astype("timedelta64[D]"))
        self.given = np.where(self.sex == "F", rng.choice(GIVEN_F, nc),
                              rng.choice(GIVEN_M, nc)).astype(object)
        self.family = rng.choice(FAMILY, nc).astype(object)
        # the last `mundane` children have no concerns, incidents or harmful links
        self.mundane = np.zeros(nc, dtype=bool)
        self.mundane[nc - s.mundane:] = True
        # peer groups: ~65% of the others, sizes 4-9
        self.group_of = np.full(nc, -1, dtype=np.int64)
        cand = rng.permutation(np.flatnonzero(~self.mundane))
        n_grouped = int(len(cand) * 0.65)
        self.group_sizes = _group_sizes(rng, n_grouped)
        self.ng = len(self.group_sizes)
        self.gmembers = np.split(cand[:n_grouped], np.cumsum(self.group_sizes)[:-1])
        for g, mem in enumerate(self.gmembers):
            self.group_of[mem] = g
        self.gward = rng.choice(self.nw, self.ng, p=self.wp)
        # homes: grouped children mostly live in their group's ward
        home_of = rng.integers(0, self.n_homes, nc)
        in_ward = {int(w): np.flatnonzero(self.hward == w) for w in np.unique(self.gward)}
        for g, mem in enumerate(self.gmembers):
            hw = in_ward[int(self.gward[g])]
            if len(hw):
                local = rng.random(len(mem)) < 0.6
                home_of[mem[local]] = rng.choice(hw, int(local.sum()))
        # siblings: some ungrouped, non-mundane children share a home with another child
        ungrouped = np.flatnonzero((self.group_of < 0) & ~self.mundane)
        sib = ungrouped[rng.random(len(ungrouped)) < 0.2]
        sib_of = rng.choice(np.flatnonzero(~np.isin(np.arange(nc), sib)), len(sib))
        home_of[sib] = home_of[sib_of]
        self.home_of, self.sib, self.sib_of = home_of, sib, sib_of
        # children free for lone adults: in no group, no sibling link
        self.lone = np.setdiff1d(ungrouped, np.concatenate([sib, sib_of]))
        self.looked_after = rng.random(nc) < 0.12
        self.needs = rng.random(nc) < 0.2
        self.school_of = rng.choice(self.schools, nc)

    # ---- people -------------------------------------------------------------------------
    def _people(self) -> None:
        """The person table: children, adults of concern, trusted adults, professionals."""
        rng, s, pfx, nc = self.rng, self.s, self.pfx, self.nc
        na = s.adults_of_concern
        self.aid = _ids(f"{pfx}A", na)
        a_sex = rng.choice(np.array(["M", "F"], dtype=object), na, p=[0.85, 0.15])
        a_age = rng.integers(18, 56, na)
        nt, npro = s.trusted_adults, s.professionals
        self.tid = _ids(f"{pfx}T", nt)
        self.prid = _ids(f"{pfx}P", npro)
        pro_title = [PROFESSIONAL_TITLES[i % len(PROFESSIONAL_TITLES)] for i in range(npro)]
        self.pro_agency = np.array([a for _, a in pro_title], dtype=object)

        def people(ids: np.ndarray, kind: str, sx: np.ndarray, ages: np.ndarray, src: object,
                   **extra: object) -> pd.DataFrame:
            n = len(ids)
            gv = np.where(sx == "F", rng.choice(GIVEN_F, n), rng.choice(GIVEN_M, n))
            return pd.DataFrame({
                "person_id": ids, "pseudonym": ids, "kind": kind, "given_name": gv.astype(object),
                "family_name": rng.choice(FAMILY, n).astype(object),
                "date_of_birth": None, "age_years": ages.astype(np.int64),
                "sex": sx, "source_agency": src,
                "recorded_date": _date(rng.integers(0, 400, n)), **extra,
            })

        person = pd.concat([
            pd.DataFrame({
                "person_id": self.cid,
                "pseudonym": np.array([f"YP-{pfx}{i:05d}" for i in range(nc)], dtype=object),
                "kind": "child", "given_name": self.given, "family_name": self.family,
                "date_of_birth": self.dob.astype("datetime64[s]"),
                "age_years": self.age.astype(np.int64), "sex": self.sex,
                "ethnicity": rng.choice(np.array(ETHNICITY, dtype=object), nc, p=ETHNICITY_P),
                "looked_after": self.looked_after, "additional_needs": self.needs,
                "school_place_id": self.place_ids[self.school_of],
                "home_place_id": self.home_ids[self.home_of],
                "source_agency": "CSC", "recorded_date": _date(rng.integers(0, 300, nc)),
            }),
            people(self.aid, "adult_of_concern", a_sex, a_age, "POL",
                   ethnicity=rng.choice(np.array(ETHNICITY, dtype=object), na, p=ETHNICITY_P)),
            people(self.tid, "trusted_adult", rng.choice(np.array(["F", "M"], dtype=object), nt),
                   rng.integers(22, 75, nt), "VOL",
                   role_title=rng.choice(TRUSTED_TITLES, nt).astype(object)),
            people(self.prid, "professional",
                   rng.choice(np.array(["F", "M"], dtype=object), npro),
                   rng.integers(24, 63, npro), self.pro_agency,
                   role_title=np.array([t for t, _ in pro_title], dtype=object)),
        ], ignore_index=True)
        for kind, code, n in [("adult_of_concern", "AoC", na), ("trusted_adult", "TA", nt),
                              ("professional", "PR", npro)]:
            person.loc[person["kind"] == kind, "pseudonym"] = [
                f"{code}-{pfx}{i:05d}" for i in range(n)]
        person.loc[person["kind"] != "child", "date_of_birth"] = None
        for col in ("looked_after", "additional_needs"):
            person[col] = person[col].fillna(False).astype(bool)
        self.person = person

    # ---- the harmful network --------------------------------------------------------------
    def _harmful_network(self) -> None:
        """Adult-child harmful links (``self.hl``) and adult-adult links (``self.adult_adult``).

        Adult roles by index: facilitators first, then hub adults, then ordinary adults tied
        to one group, then lone adults tied to ungrouped children, then one reserved adult
        per escalation case.
        """
        rng, s, pfx = self.rng, self.s, self.pfx
        cid, aid, gmembers = self.cid, self.aid, self.gmembers
        na, nf, nh = s.adults_of_concern, s.facilitators, s.hub_adults
        src_l: list[np.ndarray] = []   # adult index
        tgt_l: list[np.ndarray] = []   # child index
        first_l: list[np.ndarray] = []
        kind_l: list[str] = []
        prio_l: list[np.ndarray] = []  # 0 for planted introductions, which win over duplicates

        def add(a: int, children: np.ndarray, first: np.ndarray, kinds: list[str],
                prio: int = 1) -> None:
            src_l.append(np.full(len(children), a))
            tgt_l.append(children)
            first_l.append(first)
            kind_l.extend(kinds)
            prio_l.append(np.full(len(children), prio))

        def harm_kinds(n: int) -> list[str]:
            return [str(k) for k in rng.choice(
                ["associate", "relationship_reported", "supplies"], n)]

        by_size = np.argsort(-self.group_sizes, kind="stable")
        # hub adults: every member of one of the biggest groups, plus a few children in no
        # group linked to nobody else, so their degree is the highest but they bridge nothing
        hub_groups = by_size[:nh]
        adult_group = np.full(na, -1, dtype=np.int64)
        lone_pool = list(rng.permutation(self.lone))
        for h in range(nh):
            a = nf + h
            g = int(hub_groups[h % len(hub_groups)])
            adult_group[a] = g
            sat = [lone_pool.pop() for _ in range(min(4, len(lone_pool)))]
            mem = np.concatenate([gmembers[g], np.array(sat, dtype=np.int64)])
            add(a, mem, rng.integers(30, 500, len(mem)), ["associate"] * len(mem))
            self.planted.append((
                "hub_adult", aid[a], f"linked to {len(mem)} children: peer group "
                f"{pfx}G{g:06d} and {len(sat)} children in no group; high degree but not a "
                "broker"))
        # ordinary adults: each tied to one group; 75% of the other groups get 1-3 adults
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
            add(a, rng.choice(mem, k, replace=False), rng.integers(0, 650, k), harm_kinds(k))
        # lone adults: one or two ungrouped children each, never shared
        lone_idx = np.arange(nf + nh + n_ord, na - s.escalations)
        reserved = np.arange(na - s.escalations, na)  # the escalation cases' new adults
        for a in lone_idx.tolist():
            k = int(rng.integers(1, 3))
            take = [lone_pool.pop() for _ in range(min(k, len(lone_pool)))]
            if not take:
                break
            add(a, np.array(take), rng.integers(0, 650, len(take)), harm_kinds(len(take)))
        # facilitators: 2 children in each of 2-3 groups that have ordinary adults. In each
        # group one child meets the facilitator first and an ordinary adult of the group later
        # (temporal brokerage); the facilitator knows that adult.
        adult_adult: list[tuple[int, int, int, str]] = []  # (a, b, first_day, nature)
        fac_groups_pool = rng.permutation(with_adults)
        gi = 0
        introduced: set[int] = set()
        for f in range(nf):
            k = int(rng.integers(2, 4))
            gs = [int(fac_groups_pool[(gi + j) % len(fac_groups_pool)]) for j in range(k)]
            gi += k - 1  # neighbouring facilitators share one group, as in real networks
            adult_group[f] = -2
            intro: list[str] = []
            for g in gs:
                mem = gmembers[g]
                m = min(len(mem), 2)
                chosen = rng.choice(mem, m, replace=False)
                t1 = rng.integers(0, 450, m)
                add(f, chosen, t1, harm_kinds(m), prio=0)
                ords = ord_idx[adult_group[ord_idx] == g]
                fresh = [j for j in range(m) if int(chosen[j]) not in introduced]
                if len(ords) and fresh:
                    c0, t1c = int(chosen[fresh[0]]), int(t1[fresh[0]])
                    introduced.add(c0)
                    b = int(rng.choice(ords))
                    t2 = int(t1c + rng.integers(20, 150))
                    add(b, np.array([c0]), np.array([t2]), ["associate"], prio=0)
                    adult_adult.append((f, b, max(0, t1c - int(rng.integers(0, 60))), "harmful"))
                    intro.append(f"{cid[c0]} linked to {aid[f]} from {_iso(t1c)}, "
                                 f"then to {aid[b]} from {_iso(t2)}")
            self.planted.append((
                "facilitator", aid[f], "links peer groups "
                + ", ".join(f"{pfx}G{g:06d}" for g in gs) + "; introductions: "
                + "; ".join(intro)))
        # adults of one group know each other
        for g in np.unique(adult_group[adult_group >= 0]):
            ads = np.flatnonzero(adult_group == g)
            for i in range(len(ads) - 1):
                adult_adult.append((int(ads[i]), int(ads[i + 1]), int(rng.integers(0, 500)),
                                    "harmful" if rng.random() < 0.6 else "unknown"))

        hl = pd.DataFrame({"a": np.concatenate(src_l), "c": np.concatenate(tgt_l),
                           "first": np.concatenate(first_l), "kind": kind_l,
                           "prio": np.concatenate(prio_l)})
        hl = (hl.sort_values("prio", kind="stable").drop_duplicates(["a", "c"], keep="first")
              .sort_index().drop(columns="prio").reset_index(drop=True))
        # escalation: grouped children with an ordinary adult (and no facilitator or hub
        # adult) get a new adult of concern late on
        fac_children = set(hl.loc[hl["a"] < nf + nh, "c"].tolist())
        esc_cands = np.array(sorted(set(hl.loc[hl["a"].isin(ord_idx), "c"].tolist())
                                    - fac_children), dtype=np.int64)
        escal = (rng.choice(esc_cands, min(s.escalations, len(esc_cands)), replace=False)
                 if len(esc_cands) else np.array([], dtype=np.int64))
        for i, c in enumerate(escal):
            a = int(reserved[i])
            adult_group[a] = int(self.group_of[c])
            new_row = pd.DataFrame({"a": [a], "c": [int(c)],
                                    "first": [WINDOW_DAYS - int(rng.integers(15, 60))],
                                    "kind": ["relationship_reported"]})
            hl = pd.concat([hl, new_row], ignore_index=True)
        hl["last"] = np.minimum(hl["first"] + rng.integers(30, 420, len(hl)), WINDOW_DAYS - 1)
        hl.loc[hl["first"] > WINDOW_DAYS - 60, "last"] = WINDOW_DAYS - 1
        hl["first"] = np.minimum(hl["first"], hl["last"])
        hl["link_id"] = _ids(f"{pfx}LH", len(hl))
        self.hl, self.adult_adult, self.escal, self.reserved = hl, adult_adult, escal, reserved

    # ---- incidents ------------------------------------------------------------------------
    def _place_for(self, kinds: np.ndarray, child: np.ndarray,
                   adult: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Where each incident happened (row of ``self.place``) and its time pattern.

        Intra-familial harm at the child's home, exclusions at school (daytime), online
        contact in the group's chat (or another online space); otherwise the hub the child
        visits (evening/weekend), the address of concern the adult uses (when an adult is
        involved), or the child's group's usual place.
        """
        rng = self.rng
        n = len(kinds)
        pidx = np.full(n, -1, dtype=np.int64)
        pattern = np.zeros(n, dtype=np.int64)
        home = np.isin(kinds, ["domestic_abuse_at_home", "parental_substance_misuse",
                               "was_not_brought"]) | ((kinds == "self_harm")
                                                      & (rng.random(n) < 0.8))
        pidx[home] = self.home_base + self.home_of[child[home]]
        school = kinds == "exclusion"
        pidx[school] = self.school_of[child[school]]
        pattern[school] = 2
        online = kinds == "online_contact"
        chat = self.chat_of_group[np.maximum(self.group_of[child], 0)]
        chat = np.where(self.group_of[child] >= 0, chat, -1)
        chat = np.where(chat >= 0, chat, rng.integers(0, self.s.online_spaces, n))
        pidx[online] = self.online_base + chat[online]
        rest = pidx < 0
        hub = self.hub_of_child[child]
        use_hub = rest & (hub >= 0) & (rng.random(n) < 0.55)
        pidx[use_hub] = hub[use_hub]
        pattern[use_hub] = 1
        if adult is not None and len(self.aoc_places):
            at_aoc = rest & ~use_hub & (adult >= 0) & (rng.random(n) < 0.3)
            pidx[at_aoc] = self.adult_base[adult[at_aoc]]
        other = pidx < 0
        n_other = int(other.sum())
        pidx[other] = np.where(rng.random(n_other) < 0.7, self.child_usual[child[other]],
                               rng.choice(self.social, n_other))
        pattern[other] = np.where(rng.random(n_other) < 0.5, 1, 0)
        return pidx, pattern

    def _incidents(self) -> None:
        """Child-only incidents, link-driven incidents, the planted escalations, RHIs."""
        rng, s, nc, hl = self.rng, self.s, self.nc, self.hl
        T = WINDOW_DAYS
        escal = self.escal
        at_risk = np.flatnonzero(~self.mundane)
        n_a = int(s.incidents * 0.3)
        n_b = int(s.incidents * 0.55)
        # stream B: the child's own history
        b_child = rng.choice(at_risk, n_b)
        bk = np.array(list(CHILD_ONLY_KINDS), dtype=object)
        b_kind = bk[rng.choice(len(bk), n_b, p=np.array(list(CHILD_ONLY_KINDS.values())))]
        is_esc = np.isin(b_child, escal)
        b_kind = np.where(is_esc & ((b_kind == "overdose") | (b_kind == "missing_episode")),
                          "self_harm", b_kind)  # escalation children's are planted below
        # children who visit hubs: several groups per hub, 3-6 members each
        self.hub_of_child = np.full(nc, -1, dtype=np.int64)
        self.hub_visits: list[tuple[np.ndarray, np.ndarray]] = []
        # hubs draw groups from nearby wards more than from far ones (about 10 km scale)
        groups_per_hub = min(self.ng, max(6, min(int(self.ng * 0.4), 25)))
        cent = shapely.centroid(np.asarray(self.wards["geometry"].to_numpy()))
        cx, cy = shapely.get_x(cent), shapely.get_y(cent)
        for h in self.hubs.tolist():
            hw = self.pward[h]
            dist = np.hypot((cx[self.gward] - cx[hw]) * 0.6, cy[self.gward] - cy[hw])
            near = np.exp(-dist / 0.09)
            hub_gs = rng.choice(self.ng, groups_per_hub, replace=False, p=near / near.sum())
            for g in hub_gs.tolist():
                mem = self.gmembers[g]
                m = min(len(mem), int(rng.integers(3, 7)))
                chosen = rng.choice(mem, m, replace=False)
                self.hub_visits.append((np.full(m, h), chosen))
                self.hub_of_child[chosen] = h
        # two usual places per group, spread so that no ordinary place serves many groups
        spread = np.resize(rng.permutation(self.social), 2 * self.ng)
        self.usual = rng.permutation(spread).reshape(self.ng, 2)
        # half the groups share a group chat (an online space), spread across the spaces
        spread = np.resize(rng.permutation(max(1, self.s.online_spaces)), self.ng)
        self.chat_of_group = np.where(rng.random(self.ng) < 0.5, rng.permutation(spread), -1)
        if not self.s.online_spaces:
            self.chat_of_group[:] = -1
        # each adult of concern uses an address of concern
        self.adult_base = (rng.choice(self.aoc_places, s.adults_of_concern)
                           if len(self.aoc_places) else np.full(s.adults_of_concern, -1))
        self.child_usual = np.where(self.group_of >= 0,
                                    self.usual[np.maximum(self.group_of, 0), 0],
                                    rng.choice(self.social, nc))
        b_pidx, b_pat = self._place_for(b_kind, b_child)
        b_day = _trend_days(rng, n_b)
        b_ts = _times(rng, b_day - 3, b_day + 3, b_pat)
        # stream A: incidents involving an adult of concern, within the link's dates
        a_link = rng.integers(0, len(hl), n_a)
        ak = np.array(list(ADULT_INCIDENT_KINDS), dtype=object)
        a_kind = ak[rng.choice(len(ak), n_a, p=np.array(list(ADULT_INCIDENT_KINDS.values())))]
        a_child = hl["c"].to_numpy()[a_link]
        a_adult = hl["a"].to_numpy()[a_link]
        a_kind = np.where(np.isin(a_child, escal) & (a_kind == "missing_episode"),
                          "seen_in_car_with_unknown_adult", a_kind)
        a_pidx, a_pat = self._place_for(a_kind, a_child, a_adult)
        a_ts = _times(rng, hl["first"].to_numpy()[a_link], hl["last"].to_numpy()[a_link], a_pat)
        # a car sighting often cannot name the adult; then it is no evidence for the link
        unnamed = (a_kind == "seen_in_car_with_unknown_adult") & (rng.random(n_a) < 0.6)
        a_adult = np.where(unnamed, -1, a_adult)
        a_evidence = np.where(unnamed, -1, a_link)
        # the planted escalations
        e_child_l: list[int] = []
        e_kind_l: list[str] = []
        e_day_l: list[int] = []
        for i, c in enumerate(escal):
            early = rng.integers(0, T - 120, 3)      # about one every eight months
            late = rng.integers(T - 90, T - 1, int(rng.integers(5, 8)))
            od = int(rng.integers(T - 45, T - 1))
            for d in [*early, *late]:
                e_child_l.append(int(c))
                e_kind_l.append("missing_episode")
                e_day_l.append(int(d))
            e_child_l.append(int(c))
            e_kind_l.append("overdose")
            e_day_l.append(od)
            new_a = hl[(hl["c"] == c) & (hl["a"] == self.reserved[i])].iloc[0]
            self.planted.append((
                "escalation", self.cid[c],
                f"missing episodes: 3 in the first 20 months, {len(late)} in the last 3 months; "
                f"new adult of concern link {self.aid[int(new_a['a'])]} first seen "
                f"{_iso(int(new_a['first']))}; first overdose {_iso(od)}"))
        e_child = np.array(e_child_l, dtype=np.int64)
        e_kind = np.array(e_kind_l, dtype=object)
        e_pidx, _ = self._place_for(e_kind, e_child)
        e_day = np.array(e_day_l, dtype=np.int64)
        e_ts = _times(rng, e_day, e_day, np.ones(len(e_day), dtype=np.int64))

        inc_child = np.concatenate([b_child, a_child, e_child])
        inc_kind = np.concatenate([b_kind, a_kind, e_kind])
        inc_pidx = np.concatenate([b_pidx, a_pidx, e_pidx])
        inc_ts = np.concatenate([b_ts, a_ts, e_ts])
        inc_adult = np.concatenate([np.full(n_b, -1), a_adult, np.full(len(e_child), -1)])
        inc_link = np.concatenate([np.full(n_b, -1), a_evidence, np.full(len(e_child), -1)])
        # return home interviews follow 60% of missing episodes by 1-3 days, at home; when
        # an adult of concern was involved the child's account names them
        miss = np.flatnonzero(inc_kind == "missing_episode")
        rhi = miss[rng.random(len(miss)) < 0.6]
        rhi_ts = inc_ts[rhi] + (rng.integers(1, 4, len(rhi)) * 86400).astype("timedelta64[s]")
        keep = rhi_ts < np.datetime64(AS_OF, "s")
        rhi = rhi[keep]
        inc_child = np.concatenate([inc_child, inc_child[rhi]])
        inc_kind = np.concatenate([inc_kind, np.full(len(rhi), "rhi_disclosure", dtype=object)])
        inc_pidx = np.concatenate([inc_pidx, self.home_base + self.home_of[inc_child[rhi]]])
        inc_ts = np.concatenate([inc_ts, rhi_ts[keep]])
        inc_adult = np.concatenate([inc_adult, inc_adult[rhi]])
        inc_link = np.concatenate([inc_link, inc_link[rhi]])  # the child names the adult
        # ids run in time order
        order = np.argsort(inc_ts, kind="stable")
        self.inc_child, self.inc_kind, self.inc_pidx = (inc_child[order], inc_kind[order],
                                                        inc_pidx[order])
        self.inc_ts, self.inc_adult, self.inc_link = (inc_ts[order], inc_adult[order],
                                                      inc_link[order])
        self._incident_table()

    def _incident_table(self) -> None:
        """The incident rows: agency, indicators, narrative, grading, harm context."""
        rng, kinds = self.rng, self.inc_kind
        ni = len(self.inc_ts)
        self.iid = _ids(f"{self.pfx}I", ni)
        self.all_place_ids = self.place["place_id"].to_numpy(dtype=object)
        place_names = self.place["name"].to_numpy(dtype=object)
        self.inc_place_kind = self.place["kind"].to_numpy(dtype=object)[self.inc_pidx]
        pk_all = self.inc_place_kind
        agency = np.array([INCIDENT_AGENCY[k] for k in kinds], dtype=object)
        agency = np.where((pk_all == "transport_hub") & (rng.random(ni) < 0.6)
                          & np.isin(kinds, ["intelligence_report", "arrest",
                                            "seen_in_car_with_unknown_adult"]), "BTP", agency)
        agency = np.where(np.isin(pk_all, ["hotel", "licensed_premises"])
                          & (kinds == "intelligence_report") & (rng.random(ni) < 0.4),
                          "LIC", agency)
        agency = np.where((kinds == "rhi_disclosure") & (rng.random(ni) < 0.3), "VOL", agency)
        agency = np.where((kinds == "exchange_gifts_money") & (rng.random(ni) < 0.4),
                          "POL", agency)
        agency = np.where((kinds == "arrest") & (rng.random(ni) < 0.2), "YJS", agency)
        extra = np.array(vocabulary.INDICATOR_CATEGORIES.codes, dtype=object)
        add = rng.random(ni) < 0.3
        add_which = extra[rng.integers(0, 4, ni)]
        indicators = [sorted(set(INDICATORS[k]) | ({x} if a else set()))
                      for k, a, x in zip(kinds, add, add_which, strict=True)]
        narrative = [NARRATIVE[k].replace("{place}", p)
                     for k, p in zip(kinds, place_names[self.inc_pidx], strict=True)]
        graded = np.isin(kinds, ["intelligence_report", "seen_in_car_with_unknown_adult",
                                 "exchange_gifts_money", "arrest"])
        gr = _grading(rng, ni, low=0.25)
        harm = np.array([HARM_CONTEXT.get(k, "extra_familial") for k in kinds], dtype=object)
        self.harm = np.where((kinds == "missing_episode") & (rng.random(ni) < 0.1), "unknown",
                             harm)
        self.inc_day = _days(self.inc_ts)
        nones = np.full(ni, None, dtype=object)
        incident = pd.DataFrame({
            "incident_id": self.iid, "occurred_at": self.inc_ts, "kind": kinds,
            "harm_context": self.harm, "place_id": self.all_place_ids[self.inc_pidx],
            "agency_id": agency, "indicators": indicators, "narrative": narrative,
            "child_words": np.where(kinds == "rhi_disclosure",
                                    rng.choice(np.array(CHILD_WORDS, dtype=object), ni), nones),
            "recorded_date": _date(np.minimum(self.inc_day + rng.integers(0, 10, ni),
                                              WINDOW_DAYS)),
            "grading_source": pd.array(np.where(graded, gr["grading_source"], 0),
                                       dtype="Int64"),
            "grading_intel": np.where(graded, gr["grading_intel"], nones),
            "grading_handling": np.where(graded, gr["grading_handling"], nones),
        })
        incident.loc[~graded, "grading_source"] = pd.NA
        self.incident = incident

    def _incident_people(self) -> None:
        """The child (victim / at risk), the adult (person of concern / subject), witnesses."""
        rng, kinds, iid, cid = self.rng, self.inc_kind, self.iid, self.cid
        victim_kinds = ["sexual_assault", "physical_assault", "domestic_abuse_at_home",
                        "exchange_gifts_money", "online_contact", "rhi_disclosure"]
        c_role = np.where(np.isin(kinds, victim_kinds), "victim", "at_risk")
        ip = [pd.DataFrame({"incident_id": iid, "person_id": cid[self.inc_child],
                            "role": c_role})]
        has_a = self.inc_adult >= 0
        ip.append(pd.DataFrame({
            "incident_id": iid[has_a], "person_id": self.aid[self.inc_adult[has_a]],
            "role": np.where(kinds[has_a] == "arrest", "subject", "person_of_concern"),
        }))
        # a peer from the child's group as witness to 40% of assaults, arrests, car sightings
        # and gifts
        gstart = np.concatenate([[0], np.cumsum(self.group_sizes)[:-1]])
        self.flat_members = np.concatenate(self.gmembers)
        ni = len(iid)
        witnessed = np.isin(kinds, ["physical_assault", "sexual_assault", "arrest",
                                    "exchange_gifts_money", "seen_in_car_with_unknown_adult"])
        ext = witnessed & (self.group_of[self.inc_child] >= 0) & (rng.random(ni) < 0.4)
        g_of = self.group_of[self.inc_child[ext]]
        w = self.flat_members[_pick_within(rng, gstart[g_of], self.group_sizes[g_of])]
        ok = w != self.inc_child[ext]
        ip.append(pd.DataFrame({"incident_id": iid[ext][ok], "person_id": cid[w[ok]],
                                "role": "witness"}))
        self.incident_person = pd.concat(ip, ignore_index=True)

    # ---- links ----------------------------------------------------------------------------
    def _links(self) -> None:
        """Harmful, adult-adult, peer, family, trusted-adult and professional links."""
        rng, s, pfx, nc, hl = self.rng, self.s, self.pfx, self.nc, self.hl
        cid, aid, T = self.cid, self.aid, WINDOW_DAYS
        ev = pd.DataFrame({"link": self.inc_link, "iid": self.iid})
        evidence_of = ev[ev["link"] >= 0].groupby("link")["iid"].agg(list)
        nhl = len(hl)
        hg = _grading(rng, nhl, low=0.25)
        parts = [pd.DataFrame({
            "link_id": hl["link_id"].to_numpy(), "source_person_id": aid[hl["a"].to_numpy()],
            "target_person_id": cid[hl["c"].to_numpy()],
            "kind": hl["kind"].to_numpy(dtype=object), "nature": "harmful",
            "first_seen": _date(hl["first"].to_numpy()), "last_seen": _date(hl["last"].to_numpy()),
            "source_agency": rng.choice(np.array(["POL", "POL", "POL", "CSC", "BTP"],
                                                 dtype=object), nhl),
            "recorded_date": _date(np.minimum(hl["first"].to_numpy() + rng.integers(0, 20, nhl),
                                              T)),
            **hg, "verified": rng.random(nhl) < 0.45,
            "evidence": [evidence_of.get(i, []) for i in range(nhl)],
        })]
        if self.adult_adult:
            aa = np.array([(a, b, d) for a, b, d, _ in self.adult_adult], dtype=np.int64)
            naa = len(aa)
            last = np.minimum(aa[:, 2] + rng.integers(30, 400, naa), T - 1)
            parts.append(_links(
                f"{pfx}LA", aid[aa[:, 0]], aid[aa[:, 1]], "associate",
                np.array([n for *_, n in self.adult_adult], dtype=object),
                aa[:, 2], last, "POL", aa[:, 2], _grading(rng, naa, low=0.3),
                rng.random(naa) < 0.3))
        # peer links inside groups
        ps, pt = [], []
        for mem in self.gmembers:
            iu, ju = np.triu_indices(len(mem), 1)
            keep = rng.random(len(iu)) < 0.55
            ps.append(mem[iu[keep]])
            pt.append(mem[ju[keep]])
        p_s, p_t = np.concatenate(ps), np.concatenate(pt)
        npl = len(p_s)
        pf = rng.integers(0, 500, npl)
        parts.append(_links(
            f"{pfx}LP", cid[p_s], cid[p_t], "peer",
            np.where(rng.random(npl) < 0.1, "harmful", "unknown").astype(object),
            pf, np.minimum(pf + rng.integers(60, 700, npl), T - 1),
            rng.choice(np.array(["EDU", "CSC", "POL", "VOL"], dtype=object), npl),
            pf + 5, _no_grading(npl), rng.random(npl) < 0.6))
        # family links between siblings sharing a home
        nsib = len(self.sib)
        parts.append(_links(
            f"{pfx}LF", cid[self.sib], cid[self.sib_of], "family",
            np.where(rng.random(nsib) < 0.7, "protective", "unknown").astype(object),
            np.zeros(nsib), np.full(nsib, T - 1), "CSC", rng.integers(0, 200, nsib),
            _no_grading(nsib), True))
        # trusted adults: each linked to 1-3 children
        nt = s.trusted_adults
        t_src = np.repeat(np.arange(nt), rng.integers(1, 4, nt))
        tdf = pd.DataFrame({"s": t_src, "t": rng.choice(nc, len(t_src))}).drop_duplicates()
        ntl = len(tdf)
        tf = rng.integers(0, 600, ntl)
        parts.append(_links(
            f"{pfx}LT", self.tid[tdf["s"].to_numpy()], cid[tdf["t"].to_numpy()],
            "trusted_adult", "protective", tf, np.full(ntl, T - 1),
            rng.choice(np.array(["VOL", "CSC", "EDU"], dtype=object), ntl), tf + 3,
            _no_grading(ntl), rng.random(ntl) < 0.9))
        self.trusted_children = np.unique(tdf["t"].to_numpy())
        # professionals: every child has one or more
        pr_tgt = np.repeat(np.arange(nc), rng.poisson(s.professional_links_per_child, nc) + 1)
        pr_src = rng.integers(0, s.professionals, len(pr_tgt))
        pdf_ = pd.DataFrame({"s": pr_src, "t": pr_tgt}).drop_duplicates()
        nprl = len(pdf_)
        prf = rng.integers(0, 650, nprl)
        parts.append(_links(
            f"{pfx}LR", self.prid[pdf_["s"].to_numpy()], cid[pdf_["t"].to_numpy()],
            "professional", "protective", prf,
            np.minimum(prf + rng.integers(60, 700, nprl), T - 1),
            self.pro_agency[pdf_["s"].to_numpy()], prf, _no_grading(nprl), True))
        self.link = pd.concat(parts, ignore_index=True)

    # ---- presences ------------------------------------------------------------------------
    def _presences(self) -> None:
        """Homes, hub visits (evenings/weekends), usual places, youth clubs, found/harmed at."""
        rng, nc, cid, T = self.rng, self.nc, self.cid, WINDOW_DAYS
        pres: list[pd.DataFrame] = []  # person ids, not indexes

        def add(person_ids: np.ndarray, pidx: np.ndarray, kind: str, ts: np.ndarray,
                src: object, graded: bool = False, incident_ids: object = None) -> None:
            n = len(person_ids)
            g = _grading(rng, n, low=0.2) if graded else _no_grading(n)
            pres.append(pd.DataFrame({
                "person_id": person_ids, "place_id": self.all_place_ids[pidx], "kind": kind,
                "seen_at": ts, "source_agency": src,
                "recorded_date": _date(np.minimum(_days(ts) + rng.integers(0, 7, n), T)),
                **g, "incident_id": incident_ids,
            }))

        def anytime(n: int, pattern: int | np.ndarray) -> np.ndarray:
            pat = np.broadcast_to(np.asarray(pattern, dtype=np.int64), (n,))
            return _times(rng, np.zeros(n), np.full(n, T - 1), pat)

        add(cid, self.home_base + self.home_of, "lives_at",
            _times(rng, np.zeros(nc), np.zeros(nc), np.zeros(nc, dtype=np.int64)), "CSC")
        # hub visits: groups go out together, mostly on the hub's busy evenings, where they
        # meet other groups and the adults of concern who know them
        hv = pd.DataFrame({"place": np.concatenate([h for h, _ in self.hub_visits]),
                           "person": cid[np.concatenate([c for _, c in self.hub_visits])]})
        hv["group"] = self.group_of[np.concatenate([c for _, c in self.hub_visits])]
        rows = self.hl[self.hl["a"] < self.s.facilitators + self.s.hub_adults]
        hac = rows["c"].to_numpy()
        at_hub = self.hub_of_child[hac] >= 0
        hub_adults = pd.DataFrame({"place": self.hub_of_child[hac[at_hub]],
                                   "group": self.group_of[hac[at_hub]],
                                   "person": self.aid[rows["a"].to_numpy()[at_hub]]})
        nights = {h: _days(_times(rng, np.zeros(12), np.full(12, T - 1), np.ones(12, np.int64)))
                  for h in self.hubs.tolist()}
        seen = self._outings(hv, hub_adults, outings=(3, 7), attend=0.7, adult_attend=0.35,
                             nights=nights)
        add(seen["person"].to_numpy(dtype=object), seen["place"].to_numpy(), "seen_at",
            seen["ts"].to_numpy(),
            rng.choice(np.array(["POL", "VOL", "BTP", "LIC"], dtype=object), len(seen)), True)
        # groups at their two usual places, together
        gc = np.flatnonzero(self.group_of >= 0)
        gg = self.group_of[gc]
        usual = pd.DataFrame({"place": np.concatenate([self.usual[gg, 0], self.usual[gg, 1]]),
                              "group": np.concatenate([gg, gg]),
                              "person": np.concatenate([cid[gc], cid[gc]])})
        seen = self._outings(usual, None, outings=(1, 4), attend=0.6)
        add(seen["person"].to_numpy(dtype=object), seen["place"].to_numpy(), "seen_at",
            seen["ts"].to_numpy(),
            rng.choice(np.array(["POL", "VOL", "EDU"], dtype=object), len(seen)), True)
        # half the groups share a group chat (an online space); facilitators linked to the
        # group's children are in it too
        if self.s.online_spaces:
            chats = self.chat_of_group
            in_chat = gc[chats[gg] >= 0]
            fac = self.hl[self.hl["a"] < self.s.facilitators]
            fc = fac["c"].to_numpy()
            fac_chat = chats[np.maximum(self.group_of[fc], 0)]
            ok = (self.group_of[fc] >= 0) & (fac_chat >= 0)
            who = np.concatenate([cid[in_chat], self.aid[fac["a"].to_numpy()[ok]]])
            where = self.online_base + np.concatenate([chats[self.group_of[in_chat]],
                                                       fac_chat[ok]])
            chat_rows = pd.DataFrame({"who": who, "where": where}).drop_duplicates()
            n_chat = len(chat_rows)
            add(chat_rows["who"].to_numpy(dtype=object), chat_rows["where"].to_numpy(),
                "frequents", anytime(n_chat, 0),
                rng.choice(np.array(["POL", "EDU"], dtype=object), n_chat), True)
        # ungrouped children here and there; youth club regulars (protective)
        uc = np.flatnonzero(self.group_of < 0)
        uc = uc[rng.random(len(uc)) < 0.5]
        add(cid[uc], rng.choice(self.social, len(uc)), "seen_at", anytime(len(uc), 0), "VOL")
        self.youth_club_children = np.array([], dtype=np.int64)
        if len(self.youth_clubs):
            yc = np.flatnonzero(rng.random(nc) < 0.2)
            add(cid[yc], rng.choice(self.youth_clubs, len(yc)), "frequents",
                anytime(len(yc), 0), "VOL")
            self.youth_club_children = yc
        # found at after missing; harmed at after assaults away from home
        k, ch, pi, ts, iid = self.inc_kind, self.inc_child, self.inc_pidx, self.inc_ts, self.iid
        fm = np.flatnonzero(k == "missing_episode")
        add(cid[ch[fm]], pi[fm], "found_at_after_missing", ts[fm], "POL", incident_ids=iid[fm])
        ha = np.flatnonzero(np.isin(k, ["sexual_assault", "physical_assault"])
                            & ~np.isin(self.inc_place_kind, ["home", "online"]))
        add(cid[ch[ha]], pi[ha], "harmed_at", ts[ha], "POL", incident_ids=iid[ha])
        presence = pd.concat(pres, ignore_index=True)
        presence.insert(0, "presence_id", _ids(f"{self.pfx}PR", len(presence)))
        self.presence = presence

    def _outings(self, visitors: pd.DataFrame, adults: pd.DataFrame | None, *,
                 outings: tuple[int, int], attend: float, adult_attend: float = 0.0,
                 nights: dict[int, np.ndarray] | None = None) -> pd.DataFrame:
        """Sightings of group members seen together at a place.

        ``visitors`` (place, group, person) are who may come on a (place, group) outing;
        each (place, group) pair has ``outings`` (low, high) outings, each member attends
        with probability ``attend`` and is seen within half an hour of the outing's time.
        ``adults`` (place, group, person) attend with ``adult_attend``. With ``nights``
        (busy evening day offsets per place), 60% of outings fall on those evenings, so
        groups meet each other there. Returns (person, place, ts).
        """
        rng, T = self.rng, WINDOW_DAYS
        pairs = visitors[["place", "group"]].drop_duplicates().reset_index(drop=True)
        k = rng.integers(outings[0], outings[1] + 1, len(pairs))
        out = pairs.loc[np.repeat(pairs.index.to_numpy(), k)].reset_index(drop=True)
        n = len(out)
        evening = nights is not None
        pattern = (np.ones(n, dtype=np.int64) if evening
                   else rng.choice([0, 1], n).astype(np.int64))
        day = np.floor(rng.random(n) * T).astype(np.int64)
        if nights is not None:
            busy = rng.random(n) < 0.6
            pick = rng.integers(0, 1 << 30, n)
            for h, nd in nights.items():
                here = busy & (out["place"].to_numpy() == h)
                day[here] = nd[pick[here] % len(nd)]
            day = np.where(busy, day, -1)
        lo = np.where(day >= 0, day, 0)
        hi = np.where(day >= 0, day, T - 1)
        out["ts"] = _times(rng, lo, hi, pattern)
        people = [visitors.assign(p=attend)]
        if adults is not None and len(adults):
            people.append(adults.assign(p=adult_attend))
        seen = out.merge(pd.concat(people, ignore_index=True), on=["place", "group"])
        seen = seen[rng.random(len(seen)) < seen["p"].to_numpy()].reset_index(drop=True)
        jitter = rng.integers(-1800, 1800, len(seen)).astype("timedelta64[s]")
        ts = seen["ts"].to_numpy().astype("datetime64[s]") + jitter
        seen["ts"] = np.minimum(ts, np.datetime64(AS_OF, "s") - np.timedelta64(1, "s"))
        return seen.drop_duplicates(["person", "place", "ts"])[["person", "place", "ts"]]

    # ---- groups ---------------------------------------------------------------------------
    def _groups(self) -> None:
        """Peer groups and memberships (5% ended)."""
        rng, ng = self.rng, self.ng
        self.gid = _ids(f"{self.pfx}G", ng)
        names = self.wards["name"].to_numpy(dtype=object)
        self.peer_group = pd.DataFrame({
            "group_id": self.gid,
            "name": [f"Peer group {i + 1} ({names[int(w)]})" for i, w in enumerate(self.gward)],
            "source_agency": rng.choice(np.array(["POL", "CSC", "EDU", "VOL"], dtype=object), ng),
            "recorded_date": _date(rng.integers(0, 300, ng)),
        })
        gm_c = self.flat_members
        gm_g = np.repeat(np.arange(ng), self.group_sizes)
        start = rng.integers(0, 400, len(gm_c))
        ended = rng.random(len(gm_c)) < 0.05
        self.group_membership = pd.DataFrame({
            "group_id": self.gid[gm_g], "person_id": self.cid[gm_c], "start_date": _date(start),
            "end_date": np.where(ended, _date(np.minimum(start + 200, WINDOW_DAYS - 1)),
                                 np.datetime64("NaT", "s")),
            "source_agency": self.peer_group["source_agency"].to_numpy()[gm_g],
            "recorded_date": _date(start + 3),
        })

    # ---- concerns -------------------------------------------------------------------------
    def _concerns(self) -> None:
        """Concerns for children (victim / at risk) and adults of concern (person of concern)."""
        rng, nc, hl, T = self.rng, self.nc, self.hl, WINDOW_DAYS
        first_inc = pd.Series(self.inc_day).groupby(self.inc_child).min()
        harmed = np.zeros(nc, dtype=bool)
        harmed[hl["c"].to_numpy()] = True
        with_inc = np.zeros(nc, dtype=bool)
        with_inc[first_inc.index.to_numpy()] = True
        conc_c = np.flatnonzero(harmed | (with_inc & (rng.random(nc) < 0.5)))
        first_link = pd.Series(hl["first"].to_numpy()).groupby(hl["c"].to_numpy()).min()
        opened = np.full(nc, T - 30, dtype=np.int64)
        opened[first_inc.index.to_numpy()] = first_inc.to_numpy()
        li = first_link.index.to_numpy()
        opened[li] = np.minimum(opened[li], first_link.to_numpy())
        oc = opened[conc_c]
        n_cc = len(conc_c)
        closed = (rng.random(n_cc) < 0.2) & ~np.isin(conc_c, self.escal) & (oc < T - 120)
        closed_day = np.minimum(oc + rng.integers(90, 400, n_cc), T - 1)
        review = np.where(closed, closed_day, T + rng.integers(-20, 90, n_cc))
        cat = np.where(harmed[conc_c],
                       rng.choice(np.array(["cse", "cce", "county_lines"], dtype=object), n_cc),
                       rng.choice(np.array(["peer_abuse", "online_harm", "other"], dtype=object),
                                  n_cc)).astype(object)
        aoc_with = np.unique(hl["a"].to_numpy())
        na_c = len(aoc_with)
        a_open = pd.Series(hl["first"].to_numpy()).groupby(hl["a"].to_numpy()).min().to_numpy()
        concern = pd.concat([
            pd.DataFrame({
                "person_id": self.cid[conc_c], "category": cat,
                "role": np.where(harmed[conc_c] & (rng.random(n_cc) < 0.7), "victim", "at_risk"),
                "opened_on": _date(oc),
                "closed_on": np.where(closed, _date(closed_day), np.datetime64("NaT", "s")),
                "review_date": _date_after(review, 0), "retention_until": _date_after(oc, 6),
                "source_agency": rng.choice(np.array(["CSC", "POL", "EDU"], dtype=object), n_cc),
                "recorded_date": _date(oc),
            }),
            pd.DataFrame({
                "person_id": self.aid[aoc_with],
                "category": rng.choice(np.array(["cse", "cce", "county_lines"], dtype=object),
                                       na_c),
                "role": "person_of_concern", "opened_on": _date(a_open),
                "closed_on": np.datetime64("NaT", "s"),
                "review_date": _date_after(T + rng.integers(-10, 90, na_c), 0),
                "retention_until": _date_after(a_open, 6), "source_agency": "POL",
                "recorded_date": _date(a_open),
            }),
        ], ignore_index=True)
        concern.insert(0, "concern_id", _ids(f"{self.pfx}CN", len(concern)))
        self.concern = concern

    def _needs_and_strengths(self) -> None:
        """Vulnerabilities and strengths of children."""
        rng, nc, cid, pfx = self.rng, self.nc, self.cid, self.pfx
        excl = np.unique(self.inc_child[self.inc_kind == "exclusion"])
        vul_parts = [(np.flatnonzero(self.looked_after), "looked_after", "CSC"),
                     (np.flatnonzero(self.needs), "additional_needs", "EDU"),
                     (excl, "excluded", "EDU")]
        for kind, share, src in [("substance_use", 0.08, "HLT"), ("earlier_abuse", 0.12, "CSC"),
                                 ("young_carer", 0.05, "EDU"), ("mental_health", 0.12, "HLT")]:
            vul_parts.append((np.flatnonzero(~self.mundane & (rng.random(nc) < share)), kind,
                              src))
        vulnerability = pd.concat([
            pd.DataFrame({"person_id": cid[c], "kind": k,
                          "since": _date(rng.integers(0, 600, len(c))), "source_agency": src,
                          "recorded_date": _date(rng.integers(0, 650, len(c)))})
            for c, k, src in vul_parts], ignore_index=True)
        vulnerability.insert(0, "vulnerability_id", _ids(f"{pfx}V", len(vulnerability)))
        st_parts = [(self.trusted_children, "trusted_adult", "VOL"),
                    (np.flatnonzero(rng.random(nc) < 0.5), "school", "EDU"),
                    (self.youth_club_children, "youth_worker", "VOL"),
                    (np.flatnonzero(rng.random(nc) < 0.3), "positive_activity", "VOL"),
                    (np.flatnonzero(rng.random(nc) < 0.25), "family_support", "CSC")]
        strength = pd.concat([
            pd.DataFrame({"person_id": cid[c], "kind": k, "description": STRENGTHS[k],
                          "source_agency": src,
                          "recorded_date": _date(rng.integers(0, 650, len(c)))})
            for c, k, src in st_parts], ignore_index=True)
        strength.insert(0, "strength_id", _ids(f"{pfx}S", len(strength)))
        self.vulnerability, self.strength = vulnerability, strength

    # ---- agency records -------------------------------------------------------------------
    def _records(self) -> None:
        """Every child's social care record; 30% also held by 1-2 other agencies, misspelt."""
        rng, nc, cid, pfx, n_homes = self.rng, self.nc, self.cid, self.pfx, self.n_homes
        letters = list("ABDEFGHJLNPQRSTUWXY")
        postcode_of_home = np.array(
            [f"{a}{d} {n}{x}{y}" for a, d, n, x, y in zip(
                rng.choice(["CW", "SK", "ST"], n_homes), rng.integers(1, 12, n_homes),
                rng.integers(1, 10, n_homes), rng.choice(letters, n_homes),
                rng.choice(letters, n_homes), strict=True)], dtype=object)
        base = pd.DataFrame({
            "record_id": _ids(f"{pfx}RCSC", nc), "person_id": cid, "agency_id": "CSC",
            "local_ref": np.array([f"{pfx}CSC{i:07d}" for i in range(nc)], dtype=object),
            "given_name": self.given, "family_name": self.family,
            "date_of_birth": self.dob.astype("datetime64[s]"),
            "postcode": postcode_of_home[self.home_of],
            "recorded_date": _date(rng.integers(0, 300, nc)),
            "kind": "child", "sex": self.sex,
        })
        dup = np.flatnonzero(rng.random(nc) < 0.3)
        rows = []
        detail: dict[int, list[str]] = {}
        for j, c in enumerate(dup.tolist()):
            agencies = rng.choice(["POL", "EDU", "HLT"], int(rng.integers(1, 3)), replace=False)
            for ag in agencies.tolist():
                how = str(rng.choice(["given", "family", "dob_swap", "given+family"]))
                g_, f_ = str(self.given[c]), str(self.family[c])
                d_ = pd.Timestamp(self.dob[c])
                if "given" in how:
                    g_ = _variant(g_, GIVEN_VARIANTS)
                if "family" in how:
                    f_ = _variant(f_, FAMILY_VARIANTS)
                if how == "dob_swap":
                    d_ = (d_.replace(day=d_.month, month=d_.day)
                          if d_.day <= 12 and d_.day != d_.month else d_ + pd.Timedelta(days=1))
                rid = f"{pfx}R{ag}{j:06d}"
                confirmed = rng.random() < 0.5
                rows.append((rid, cid[c] if confirmed else None, str(ag), f"{pfx}{ag}-{j:06d}",
                             g_, f_, d_.to_datetime64().astype("datetime64[s]"),
                             postcode_of_home[self.home_of[c]],
                             _date(rng.integers(0, 650, 1))[0], "child", self.sex[c]))
                detail.setdefault(c, []).append(f"{rid} ({ag}, {how})")
        parts = [base]
        if rows:
            parts.append(pd.DataFrame(rows, columns=list(base.columns)))
        self.person_record = pd.concat(parts, ignore_index=True)
        for c, recs in detail.items():
            self.planted.append(("duplicate_record", cid[c],
                                 f"same child as {pfx}RCSC{c:06d}: " + ", ".join(recs)))

    def _planted_places_and_groups(self) -> None:
        """Hub places (with how many children and groups were seen there) and group members."""
        for h in self.hubs.tolist():
            vis = np.unique(np.concatenate([c for p, c in self.hub_visits if p[0] == h]))
            n_groups = len(np.unique(self.group_of[vis]))
            self.planted.append((
                "hub_place", self.place_ids[h],
                f"{self.pkind[h]}: {len(vis)} children from {n_groups} peer groups seen here, "
                "mostly evenings and weekends"))
        for g, mem in enumerate(self.gmembers):
            for c in mem.tolist():
                self.planted.append(("peer_group_member", self.cid[c], self.gid[g]))


def _group_sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Peer-group sizes of 4-9 (the last one 3-11) that add up to ``n``."""
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(4, 10)))
    if not sizes:
        return np.array([], dtype=np.int64)
    sizes[-1] -= sum(sizes) - n
    if sizes[-1] < 3 and len(sizes) > 1:  # fold a tiny last group into the one before
        tiny = sizes.pop()
        sizes[-1] += tiny
    return np.array(sizes, dtype=np.int64)


def _trend_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Day offsets with a gentle rise over the two years (+40%) and a summer peak."""
    d = np.arange(WINDOW_DAYS)
    doy = (d + int((_START - _START.astype("datetime64[Y]")).astype(np.int64))) % 365
    weight = (1 + 0.4 * d / WINDOW_DAYS) * (1 + 0.2 * np.cos(2 * np.pi * (doy - 210) / 365))
    cdf = np.cumsum(weight) / weight.sum()
    return np.minimum(np.searchsorted(cdf, rng.random(n)), WINDOW_DAYS - 1).astype(np.int64)


def _date_after(day: np.ndarray, years: int) -> np.ndarray:
    """Dates ``years`` after day offsets (may lie beyond as_of: reviews, retention)."""
    return (_START + np.asarray(day, dtype=np.int64).astype("timedelta64[D]")
            + np.timedelta64(365 * years + years // 4, "D")).astype("datetime64[s]")
