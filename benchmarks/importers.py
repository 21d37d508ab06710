"""Benchmark imports and record linkage on the demo town.

Builds a demo town (``--size small`` by default), writes a presences CSV of ``--rows`` rows
(5% deliberately bad) and person records of every child, then times: checking the file,
committing it (one transaction), and record linkage over all person records.

    python benchmarks/importers.py                      # small town, 100,000 presence rows
    python benchmarks/importers.py --size county --rows 200000
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data import generate, importers  # noqa: E402
from data.importers import linkage  # noqa: E402
from data.store import Store  # noqa: E402
from domain.access import Mode, Role, Viewer  # noqa: E402


def presences_csv(store: Store, rows: int, *, seed: int = 1) -> bytes:
    """A presences file over the town's people and places; one row in 20 is bad."""
    rng = random.Random(seed)
    viewer = Viewer("bench", Role.ANALYST, "benchmark")
    people = store.frame("network.people", viewer, limit=10_000_000)["person_id"].tolist()
    place_rows = store.frame("network.places", viewer, limit=10_000_000)
    places = place_rows.loc[place_rows["kind"] != "online", "place_id"].tolist()
    out = io.StringIO()
    out.write("presence_id,person_id,place_id,kind,seen_at,source_agency,grading_source\n")
    for i in range(rows):
        bad = rng.random() < 0.05
        out.write(f"BENCH-{i},{rng.choice(people)},{rng.choice(places)},"
                  f"{'seen_at' if not bad else 'hanging_about'},"
                  f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
                  f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d},POL,{rng.randint(1, 3)}\n")
    return out.getvalue().encode()


def main() -> None:
    """Run the benchmark and print one line per step."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="small")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    analyst = Viewer("bench", Role.ANALYST, "benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t = time.perf_counter()
        generate.generate(path, size=args.size, seed=7)
        print(f"generate {args.size}: {time.perf_counter() - t:.1f} s")
        store = Store.open(path)
        data = presences_csv(store, args.rows)
        t = time.perf_counter()
        plan = importers.check_file(store, analyst, kind="presences", file_name="bench.csv",
                                    data=data)
        checked = time.perf_counter() - t
        t = time.perf_counter()
        rep = importers.commit(store, analyst, plan)
        committed = time.perf_counter() - t
        print(f"presences {rep.total:,} rows ({len(data) / 1e6:.1f} MB): check {checked:.1f} s, "
              f"commit {committed:.1f} s; {rep.accepted:,} accepted, {rep.rejected:,} rejected")
        records = store.frame("import.person_records", analyst.with_mode(Mode.NAMED),
                              limit=10**9)
        t = time.perf_counter()
        pairs = linkage.score_pairs(records)
        print(f"linkage over {len(records):,} person records: {time.perf_counter() - t:.1f} s, "
              f"{len(pairs):,} candidate pairs")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:,.0f} MB")
        store.close()


if __name__ == "__main__":
    main()
