"""A progress bar for long imports on the command line (rich, which typer ships with)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def bar(name: str, *, shown: bool | None = None) -> Iterator[Callable[[int, int], None]]:
    """A ``step(rows_done, rows_expected)`` callback drawing a bar on standard error while
    a file is checked; ``step(-1, -1)`` says the rows are being written. ``shown`` None
    means: only when standard error is a terminal."""
    visible = sys.stderr.isatty() if shown is None else shown
    console = Console(file=sys.stderr, force_terminal=visible if shown else None)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=not visible,
                  transient=False) as progress:
        task = progress.add_task(f"Checking {name}", total=None)

        def step(done: int, expected: int) -> None:
            if done < 0:
                progress.update(task, description=f"Writing {name} (one transaction)")
                return
            progress.update(task, completed=done, total=max(expected, done))

        yield step
