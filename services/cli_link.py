"""``csmap link``: score the person records of one CSV file for the same person (writes
nothing to any database)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from domain import settings
from domain.errors import CSMapError


def link(
    file: Path = typer.Argument(..., help="CSV with record_id, given_name, family_name, "
                                          "date_of_birth (YYYY-MM-DD), postcode[, address]."),
    threshold: float = typer.Option(None, "--threshold", min=0.0, max=1.0,
                                    help="Lowest match probability to list (default: the "
                                         "linkage_threshold setting, 0.5)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of objects with "
                                                       "record_id_l, record_id_r and "
                                                       "match_probability."),
    encoding: str = typer.Option(None, "--encoding", help="Text encoding (default: detected)."),
    delimiter: str = typer.Option(None, "--delimiter",
                                  help="comma, semicolon, tab or pipe (default: detected)."),
) -> None:
    """List the pairs of records that are probably the same person, best first, with how
    each pair compares (record linkage: docs/import.md). Nothing is written anywhere."""
    from data import importers
    from data.importers import linkage
    from services.cli import fail

    if not file.exists():
        fail(f"no file at {file}")
    limit = threshold if threshold is not None else float(str(settings.get("linkage_threshold")))
    try:
        importers.check_size(file.name, file.stat().st_size)
        records = linkage.records_from_csv(
            file.name, file.read_bytes(), encoding=importers.check_encoding(encoding),
            delimiter=importers.parse_delimiter(delimiter))
        pairs = linkage.score_pairs(records, threshold=float(limit))
    except CSMapError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps([
            {"record_id_l": str(a), "record_id_r": str(b), "match_probability": float(p)}
            for a, b, p in zip(pairs["record_id_l"], pairs["record_id_r"],
                               pairs["match_probability"].astype(float), strict=True)]))
        return
    typer.echo(f"{len(pairs):,} candidate pair(s) at match probability >= {float(limit):g} "
               f"among {len(records):,} records.")
    shown = [c for c in ("given_name", "family_name", "dob", "postcode", "address")
             if c in pairs]
    for r in pairs.itertuples(index=False):
        levels = ", ".join(f"{c.replace('_', ' ')} {getattr(r, c)} "
                           f"({getattr(r, f'weight_{c}'):+.1f})" for c in shown)
        typer.echo(f"{r.record_id_l} ~ {r.record_id_r}  {r.match_probability:.4f}  {levels}")


def register(app: typer.Typer) -> None:
    """Add ``csmap link`` to the command line."""
    app.command("link")(link)
