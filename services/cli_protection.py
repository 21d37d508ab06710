"""``csmap subject-access``: everything held about one person, as one CSV, audited as a
disclosure with its purpose and recipients. ``csmap erase``: a person erased everywhere and the
database rewritten so no byte of them remains."""

from __future__ import annotations

from pathlib import Path

import typer

from domain import settings
from domain.errors import CSMapError


def subject_access(
    pseudonym: str = typer.Argument(..., help="The person's pseudonym (or person id)."),
    out: Path = typer.Option(..., "--out", help="CSV file to write."),
    purpose: str = typer.Option(..., "--purpose",
                                help="Why (recorded in the audit trail with the export)."),
    recipients: str = typer.Option(..., "--recipients",
                                   help="Who will receive the report, comma separated "
                                        "(recorded in the audit trail with the export)."),
    db: Path = typer.Option(None, help="DuckDB file (default: the CSMAP_DB_PATH setting)."),
    actor: str = typer.Option("csmap-cli", help="Who is exporting (recorded in the audit)."),
) -> None:
    """Write a subject access report (pseudonymised; one CSV with a section column)."""
    from data.store import Store
    from domain import audit
    from domain.access import Role, Viewer
    from services import protection

    try:
        with Store.open(db or settings.db_path()) as store:
            viewer = Viewer(actor, Role.ADMIN, purpose)
            person_id = protection.find_person(store, viewer, pseudonym)
            report = protection.subject_access(store, viewer, person_id)
            data = protection.export_subject_access(
                store, viewer, report, purpose=purpose,
                recipients=audit.parse_recipients(recipients))
    except CSMapError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    counts = ", ".join(f"{k} {n}" for k, n in report.counts().items() if n)
    typer.echo(f"{report.pseudonym}: {report.total_rows} rows ({counts}) written to {out}; "
               "disclosure recorded in the audit trail with its recipients.")


def erase(
    pseudonym: str = typer.Argument(..., help="The person's pseudonym (or person id)."),
    reason: str = typer.Option(..., "--reason",
                               help="Why (recorded in the audit trail; the person's names are "
                                    "redacted from it)."),
    db: Path = typer.Option(None, help="DuckDB file (default: the CSMAP_DB_PATH setting)."),
    actor: str = typer.Option("csmap-cli", help="Who is erasing (recorded in the audit)."),
) -> None:
    """Erase a person everywhere (records, links, incidents only they are in, agency records
    awaiting merge review and quarantined rows that identify them), then rewrite the
    database into a fresh file so no byte of them remains. Running it again finishes an
    interrupted erasure. Stop the dashboard first: the database must not be open."""
    from data.store import Store
    from domain.access import Role, Viewer
    from services import protection

    try:
        with Store.open(db or settings.db_path()) as store:
            viewer = Viewer(actor, Role.ADMIN, "erasure of a person's data")
            done, resumed = protection.erase_named(store, viewer, pseudonym, purpose=reason)
    except CSMapError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    rows = ", ".join(f"{table} {n}" for table, n in sorted(done.counts.items()))
    typer.echo(f"{done.pseudonym} erased{' (interrupted erasure finished)' if resumed else ''}:"
               f" {done.total} rows ({rows}); database rewritten into a fresh file. The audit "
               "trail keeps the erasure with ids and counts only.")


def register(app: typer.Typer) -> None:
    """Add the ``subject-access`` and ``erase`` commands to the ``csmap`` app."""
    app.command(name="subject-access")(subject_access)
    app.command(name="erase")(erase)
