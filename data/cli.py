"""The ``csmap`` command: generate a demo town, serve the dashboard, analyst tools."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from data import settings
from data.errors import CSMapError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="CSMap: contextual safeguarding mapping dashboard.",
)

APP_PATH = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"

STREAMLIT_FLAGS = [
    "--server.address=127.0.0.1",
    "--server.headless=true",
    "--browser.gatherUsageStats=false",
    "--client.showErrorDetails=none",
    "--client.toolbarMode=minimal",
    "--server.enableXsrfProtection=true",
    "--server.enableCORS=true",
    "--server.fileWatcherType=none",
    "--global.developmentMode=false",
]


def fail(message: str) -> None:
    """Print a one-line error and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command()
def generate(
    size: str = typer.Option("small", help="small (~300 children), county (~10k), national (20x)"),
    seed: int = typer.Option(7, help="Random seed; the same seed gives the same database."),
    out: Path = typer.Option(Path("demo/csmap_demo.duckdb"), help="DuckDB file to write."),
    force: bool = typer.Option(False, help="Replace the file if it exists."),
) -> None:
    """Build a seeded synthetic demo town on the real Cheshire East ward boundaries."""
    from data import generate as gen

    try:
        report = gen.generate(out, size=size, seed=seed, force=force)
    except CSMapError as exc:
        fail(str(exc))
    typer.echo(report.summary())


def _serve(db: Path, port: int) -> None:
    env = dict(os.environ)
    env[settings.SETTINGS["db_path"].env] = str(db.resolve())
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP_PATH), f"--server.port={port}",
           *STREAMLIT_FLAGS]
    typer.echo(f"CSMap on http://127.0.0.1:{port} (database {db}); Ctrl+C stops it.")
    if os.name == "posix":  # become the server, so stopping this process stops Streamlit
        sys.stdout.flush()
        os.execve(sys.executable, cmd, env)
    try:
        raise typer.Exit(subprocess.call(cmd, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


@app.command()
def serve(
    db: Path = typer.Option(None, help="DuckDB file (default: the CSMAP_DB_PATH setting)."),
    port: int = typer.Option(8501, help="Port on 127.0.0.1."),
) -> None:
    """Serve the dashboard on 127.0.0.1."""
    path = db or settings.db_path()
    if not path.exists():
        fail(f"no database at {path}: run `csmap generate --out {path}` first")
    _serve(path, port)


@app.command()
def demo(
    port: int = typer.Option(8501, help="Port on 127.0.0.1."),
    db: Path = typer.Option(Path("demo/csmap_demo.duckdb"), help="Demo database file."),
) -> None:
    """Build the small demo town if missing, then serve the dashboard on it."""
    if not db.exists():
        generate(size="small", seed=7, out=db, force=False)
    _serve(db, port)


from data import cli_hotspots  # noqa: E402

cli_hotspots.register(app)


def main() -> None:
    """Entry point."""
    app()


if __name__ == "__main__":
    main()
