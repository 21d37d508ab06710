"""The ``csmap`` command: generate a demo town, serve the dashboard, analyst tools."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from domain import settings
from domain.errors import CSMapError

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
    "--client.disableDataExport=true",  # tables offer no unaudited CSV download
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


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="CSV file from an agency (UTF-8)."),
    kind: str = typer.Option(None, "--type",
                             help="person_records, incidents, links or presences "
                                  "(default: guessed from the file name)."),
    agency: str = typer.Option(None, help="Agency id for files without an agency column."),
    db: Path = typer.Option(None, help="DuckDB file (default: the CSMAP_DB_PATH setting)."),
    dry_run: bool = typer.Option(False, help="Check and report only; write nothing."),
    actor: str = typer.Option("csmap-cli", help="Who is importing (recorded in the audit)."),
) -> None:
    """Check an agency file and import it; rejected rows go to quarantine (docs/import.md)."""
    from data import importers
    from data.store import Store
    from domain.access import Role, Viewer

    kind = kind or importers.guess_kind(file.name) or ""
    if not file.exists():
        fail(f"no file at {file}")
    try:
        # refuse a huge file before reading it into memory
        importers.check_size(file.name, file.stat().st_size)
        with Store.open(db or settings.db_path()) as store:
            viewer = Viewer(actor, Role.ANALYST, f"import of {file.name}")
            plan = importers.check_file(store, viewer, kind=kind, file_name=file.name,
                                        data=file.read_bytes(), agency_id=agency)
            report = plan.report if dry_run else importers.commit(store, viewer, plan)
    except CSMapError as exc:
        fail(str(exc))
    for p in report.problems:
        typer.echo(f"row {p.row}, {p.column}: {p.reason}")
    typer.echo(report.summary() + (" (dry run: nothing written)" if dry_run else ""))


from services import cli_roles  # noqa: E402

cli_roles.register(app)

from services import cli_hotspots  # noqa: E402

cli_hotspots.register(app)

from services import cli_protection  # noqa: E402

cli_protection.register(app)


def main() -> None:
    """Entry point."""
    app()


if __name__ == "__main__":
    main()
