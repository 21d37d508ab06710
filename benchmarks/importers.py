"""Benchmark imports and record linkage on the county demo town, with the targets of issue 15.

Each import runs in a fresh interpreter so its peak resident memory is its own:

- incidents: ``--incidents`` rows (default 1,000,000; one in 20 deliberately bad; 1-3 people
  each; indicators; a short narrative) checked and committed in ONE transaction; target
  <= 30 s and peak memory <= 2 GB for a million rows;
- presences: ``--presences`` rows (default 200,000), checked and committed;
- record linkage: ``--link-records`` person records (default 50,000) across four agencies from
  the realistic linkage test set (:mod:`data.importers.linkage_eval`), scored; target
  <= 60 s; precision and recall against its true pairs; and precision and recall on the
  demo town's planted duplicate records.

The machine's load average is printed with the figures (other work skews them).

    python benchmarks/importers.py                        # county town, all targets
    python benchmarks/importers.py --db county.duckdb     # an existing county town (copied)
    python benchmarks/importers.py --incidents 200000 --presences 0 --link-records 0
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import _county  # noqa: E402  (beside this script)

from data.store import Store  # noqa: E402
from domain.access import Role, Viewer  # noqa: E402

TARGET_IMPORT_SECONDS = 30.0  # a million incident rows, check + commit
TARGET_IMPORT_PEAK_MB = 2048.0
TARGET_LINK_SECONDS = 60.0  # 50,000 person records
BENCH = Viewer("bench", Role.ANALYST, "benchmark")
KINDS = ("missing_episode", "rhi_disclosure", "physical_assault", "self_harm",
         "exchange_gifts_money", "seen_in_car_with_unknown_adult", "arrest",
         "intelligence_report", "was_not_brought", "online_contact")
ROLES = ("victim", "at_risk", "subject", "person_of_concern", "witness")
INDICATORS = ("physical", "emotional", "material", "behavioural")


def town_ids(store: Store) -> tuple[list[str], list[str], list[str]]:
    """Person ids, place ids (not online) and agency ids of the town."""
    people = store.frame("network.people", BENCH, limit=10_000_000)["person_id"].tolist()
    places = store.frame("network.places", BENCH, limit=10_000_000)
    agencies = store.frame("reference.agencies", BENCH)["agency_id"].tolist()
    return people, places.loc[places["kind"] != "online", "place_id"].tolist(), agencies


def incidents_csv(path: Path, store: Store, rows: int, *, seed: int = 1) -> int:
    """An incidents file over the town's people and places; one row in 20 is bad. Bytes."""
    rng = random.Random(seed)
    people, places, agencies = town_ids(store)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("incident_id,occurred_at,kind,harm_context,agency_id,place_id,people,"
                  "indicators,narrative,recorded_date,grading_source,grading_intel,"
                  "grading_handling\n")
        for i in range(rows):
            bad = rng.random() < 0.05
            who = rng.sample(people, rng.randint(1, 3))
            ppl = ";".join(f"{p}:{rng.choice(ROLES)}" for p in who)
            ind = ";".join(rng.sample(INDICATORS, rng.randint(0, 2)))
            kind = "joyriding" if bad else rng.choice(KINDS)
            out.write(f"BINC-{i},2025-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d} "
                      f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d},{kind},"
                      f"extra_familial,{rng.choice(agencies)},{rng.choice(places)},{ppl},"
                      f"{ind},Seen near the place with others (synthetic),"
                      f"2025-07-{rng.randint(1, 28):02d},{rng.randint(1, 3)},"
                      f"{rng.choice('ABCDE')},P\n")
    return path.stat().st_size


def presences_csv(path: Path, store: Store, rows: int, *, seed: int = 1) -> int:
    """A presences file over the town's people and places; one row in 20 is bad. Bytes."""
    rng = random.Random(seed)
    people, places, _ = town_ids(store)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("presence_id,person_id,place_id,kind,seen_at,source_agency,grading_source\n")
        for i in range(rows):
            bad = rng.random() < 0.05
            out.write(f"BENCH-{i},{rng.choice(people)},{rng.choice(places)},"
                      f"{'seen_at' if not bad else 'hanging_about'},"
                      f"2025-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d} "
                      f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d},POL,"
                      f"{rng.randint(1, 3)}\n")
    return path.stat().st_size


_IMPORT = """
import json, resource, sys, time
from datetime import date
sys.path.insert(0, {root!r})
from data import importers
from data.store import Store
from domain.access import Role, Viewer
viewer = Viewer("bench", Role.ANALYST, "benchmark")
store = Store.open({db!r})
data = open({csv!r}, "rb").read()
t, cpu = time.perf_counter(), time.process_time()
plan = importers.check_file(store, viewer, kind={kind!r}, file_name="bench.csv", data=data,
                            today=date(2025, 7, 31))
checked, check_cpu = time.perf_counter() - t, time.process_time() - cpu
check_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t, cpu = time.perf_counter(), time.process_time()
rep = importers.commit(store, viewer, plan)
committed, commit_cpu = time.perf_counter() - t, time.process_time() - cpu
store.close()
print(json.dumps({{"check": checked, "commit": committed, "total": rep.total,
                  "check_cpu": check_cpu, "commit_cpu": commit_cpu, "check_peak_mb": check_peak,
                  "accepted": rep.accepted, "rejected": rep.rejected,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run_import(db: Path, csv_path: Path, kind: str) -> dict[str, float]:
    """Check and commit one file in a fresh interpreter: seconds, counts and peak RSS."""
    env = dict(os.environ, CSMAP_IMPORT_MAX_BYTES=str(2 * csv_path.stat().st_size))
    code = _IMPORT.format(root=str(ROOT), db=str(db), csv=str(csv_path), kind=kind)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} import failed\n{proc.stderr[-3000:]}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def load() -> str:
    """The load average, as uptime shows it."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def bench_import(db: Path, tmp: Path, kind: str, rows: int) -> bool:
    """Print one import's figures; True when within the targets (incidents only)."""
    store = Store.open(db)
    path = tmp / f"{kind}.csv"
    size = (incidents_csv if kind == "incidents" else presences_csv)(path, store, rows)
    store.close()
    print(f"[{load()}]")
    r = run_import(db, path, kind)
    total = r["check"] + r["commit"]
    ok = kind != "incidents" or rows < 1_000_000 or (
        total <= TARGET_IMPORT_SECONDS and r["peak_mb"] <= TARGET_IMPORT_PEAK_MB)
    target = (f"; target <= {TARGET_IMPORT_SECONDS:.0f} s, <= {TARGET_IMPORT_PEAK_MB:.0f} MB: "
              f"{'ok' if ok else 'MISSED'}") if kind == "incidents" and rows >= 1_000_000 else ""
    print(f"{kind} {int(r['total']):,} rows ({size / 1e6:.0f} MB): check {r['check']:.1f} s, "
          f"commit {r['commit']:.1f} s, total {total:.1f} s, peak memory {r['peak_mb']:,.0f} MB; "
          f"{int(r['accepted']):,} accepted, {int(r['rejected']):,} rejected{target}")
    print(f"  CPU time: check {r['check_cpu']:.1f} s, commit {r['commit_cpu']:.1f} s "
          f"(commit runs on DuckDB's threads); peak memory after the check "
          f"{r['check_peak_mb']:,.0f} MB")
    return ok


def bench_linkage(db: Path, records: int) -> bool:
    """Print linkage time, precision and recall on the test set and on the demo duplicates."""
    import time

    from data.importers import linkage, linkage_eval
    from domain.access import Mode

    test = linkage_eval.make_records(records, agencies=4, seed=42)
    print(f"[{load()}]")
    t = time.perf_counter()
    pairs = linkage.score_pairs(test.records)
    secs = time.perf_counter() - t
    precision, recall = linkage.precision_recall(pairs, test.true_pairs)
    ok = secs <= TARGET_LINK_SECONDS or records < 50_000
    print(f"linkage test set: {len(test.records):,} records of {test.people:,} people across 4 "
          f"agencies, {len(test.true_pairs):,} true pairs: {secs:.1f} s, "
          f"{len(pairs):,} pairs at >= 0.5, precision {precision:.3f}, recall {recall:.3f}"
          f"{f'; target <= {TARGET_LINK_SECONDS:.0f} s: ' + ('ok' if ok else 'MISSED')}")
    with Store.open(db) as store:
        demo = store.frame("import.person_records", BENCH.with_mode(Mode.NAMED), limit=10**9)
        truth = linkage_eval.planted_duplicates(store)
    t = time.perf_counter()
    pairs = linkage.score_pairs(demo)
    secs = time.perf_counter() - t
    precision, recall = linkage.precision_recall(pairs, truth)
    print(f"linkage demo town: {len(demo):,} person records, {len(truth):,} planted duplicate "
          f"pairs: {secs:.1f} s, precision {precision:.3f}, recall {recall:.3f}")
    return ok


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print one line per step; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing county database (copied first)")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--presences", type=int, default=200_000)
    parser.add_argument("--link-records", type=int, default=50_000)
    args = parser.parse_args(argv)
    ok = True
    with _county.county_town(args.db, "csmap-import-bench-") as db, \
            tempfile.TemporaryDirectory(prefix="csmap-import-csv-") as tmp:
        if args.incidents:
            ok &= bench_import(db, Path(tmp), "incidents", args.incidents)
        if args.presences:
            ok &= bench_import(db, Path(tmp), "presences", args.presences)
        if args.link_records:
            ok &= bench_linkage(db, args.link_records)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
