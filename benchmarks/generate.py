"""Benchmark the demo-town generator: seconds, peak memory and row counts for each size.

Each size runs in its own subprocess so that its peak resident memory (``ru_maxrss``) is its
own. Targets (issue 2): small <= 5 s, county <= 60 s, peak memory <= 4 GB.

    python benchmarks/generate.py              # small and county
    python benchmarks/generate.py --national   # also national (20 county-sized blocks)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = {"small": 5.0, "county": 60.0, "national": None}
TARGET_PEAK_MB = 4096.0

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from data import generate
t = time.perf_counter()
report = generate.generate({out!r}, size={size!r}, seed=7, force=True)
wall = time.perf_counter() - t
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": wall, "peak_mb": peak_mb, "counts": report.counts}}))
"""


def run_size(size: str, folder: Path) -> dict[str, object]:
    """Generate one size in a fresh interpreter; its time, peak RSS and counts."""
    out = folder / f"{size}.duckdb"
    code = _CHILD.format(root=str(ROOT), out=str(out), size=size)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{size}: generator failed\n{proc.stderr}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["file_mb"] = out.stat().st_size / 2**20
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one block per size; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true", help="also run the national size")
    parser.add_argument("--sizes", nargs="*", help="run only these sizes")
    args = parser.parse_args(argv)
    sizes = args.sizes or (["small", "county"] + (["national"] if args.national else []))
    missed = False
    with tempfile.TemporaryDirectory(prefix="csmap-bench-") as tmp:
        for size in sizes:
            r = run_size(size, Path(tmp))
            secs, peak = float(r["seconds"]), float(r["peak_mb"])  # type: ignore[arg-type]
            counts: dict[str, int] = r["counts"]  # type: ignore[assignment]
            limit = TARGET_SECONDS.get(size)
            ok = (limit is None or secs <= limit) and peak <= TARGET_PEAK_MB
            missed |= not ok
            print(f"{size:9s} {secs:8.1f} s   peak {peak:8.0f} MB   file {r['file_mb']:.0f} MB"
                  f"   target {'-' if limit is None else f'<= {limit:.0f} s'}, "
                  f"<= {TARGET_PEAK_MB:.0f} MB: {'ok' if ok else 'MISSED'}")
            keys = ["children", "adults", "place", "incident", "incident_person", "link",
                    "presence", "concern", "person_record", "planted_truth"]
            print("          " + ", ".join(f"{k} {counts.get(k, 0):,}" for k in keys))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
