"""What the county-scale benchmarks share: their command line and a private county town."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def arguments(description: str, argv: list[str] | None, *, repeats: int) -> argparse.Namespace:
    """``--db`` (an existing county database, copied first) and ``--repeats``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", type=Path, help="an existing county database (copied first)")
    parser.add_argument("--repeats", type=int, default=repeats)
    return parser.parse_args(argv)


@contextmanager
def county_town(db: Path | None, prefix: str) -> Iterator[Path]:
    """A private copy of ``db``, or the county town (seed 7) generated anew; removed after."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        path = Path(tmp) / "county.duckdb"
        if db is not None:
            shutil.copyfile(db, path)
        else:
            from data import generate

            generate.generate(path, size="county", seed=7)
        yield path
