"""``csmap audit verify``, ``csmap backup`` and ``csmap restore``: the audit trail checked,
and a database backed up and restored together with its audit store (docs/security.md).

    csmap audit verify --db PATH
    csmap backup --db PATH DEST
    csmap restore SRC --db PATH [--force]

Each opens the database itself, so each refuses while another process (a running dashboard)
holds it: DuckDB allows one process per file.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from domain import settings
from domain.errors import CSMapError

DB_HELP = "DuckDB file (default: the CSMAP_DB_PATH setting)."

audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit trail.")


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@audit_app.command("verify")
def verify(db: Path = typer.Option(None, help=DB_HELP)) -> None:
    """Check every audit event (sequence, chain, hash, HMAC), the head and the checkpoints.
    Exits 1 naming the first bad sequence number when anything was altered, removed or cut."""
    from data.audit_log import verify_database

    path = db or settings.db_path()
    if not Path(path).exists():
        _fail(f"no database at {path}")
    try:
        result = verify_database(path)
    except CSMapError as exc:
        _fail(str(exc))
    typer.echo(result.summary())
    if not result.ok:
        raise typer.Exit(1)


def backup(dest: Path = typer.Argument(..., help="New folder to write the backup into."),
           db: Path = typer.Option(None, help=DB_HELP)) -> None:
    """Back up the database and its audit store (with its head and checkpoints) into a new
    folder, with a manifest of row counts and content hashes. The audit key is not copied."""
    from data import backup as backups

    try:
        manifest = backups.backup(db or settings.db_path(), dest)
    except CSMapError as exc:
        _fail(str(exc))
    typer.echo(f"backed up to {dest}: {manifest.summary()}")
    for problem in manifest.problems:
        typer.echo(f"warning: {problem}", err=True)


def restore(src: Path = typer.Argument(..., help="A backup folder written by `csmap backup`."),
            db: Path = typer.Option(None, help=DB_HELP),
            force: bool = typer.Option(False, help="Replace an existing database.")) -> None:
    """Check a backup against its manifest and restore it as the database (with its audit
    store); the restored copy is checked again before this says it is done."""
    from data import backup as backups

    try:
        report = backups.restore(src, db or settings.db_path(), force=force)
    except CSMapError as exc:
        _fail(str(exc))
    typer.echo(report.summary())
    if not report.verification.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``audit``, ``backup`` and ``restore`` to the ``csmap`` app."""
    app.add_typer(audit_app, name="audit")
    app.command(name="backup")(backup)
    app.command(name="restore")(restore)
