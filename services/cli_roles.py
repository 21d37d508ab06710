"""``csmap roles``: facilitators, hubs and groups of any edge list (i2, Gephi exports)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from domain.errors import CSMapError


def roles(
    edges: Path = typer.Argument(
        ..., help="Edge list CSV with source,target[,weight,kind,first_seen]."),
    nodes: Path | None = typer.Option(None, "--nodes", help="Node list CSV with id,kind."),
    top: int = typer.Option(10, "--top", min=1, help="How many facilitators and hubs to list."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Rank the adults of an edge list as possible facilitators (leads to check, not findings).

    Without --nodes every node is treated as an adult of concern (a warning says so): give
    --nodes whenever the list may hold children, so that children are never ranked.
    """
    from analytics import edgelist

    try:
        rows = edgelist.parse_edges(edgelist.read_text(edges), name=str(edges))
        kinds = (edgelist.parse_nodes(edgelist.read_text(nodes), name=str(nodes))
                 if nodes is not None else None)
        graph = edgelist.build_graph(rows, kinds)
        result = edgelist.roles(graph, top=top)
    except CSMapError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if nodes is None:
        typer.echo("warning: no --nodes file, so every node is treated as an adult of concern "
                   "and may be ranked. If the edge list holds children, give --nodes NODES.csv "
                   "(id,kind) so that children are never ranked.", err=True)
    if as_json:
        typer.echo(json.dumps(result))
    else:
        typer.echo(edgelist.format_table(result))


def register(app: typer.Typer) -> None:
    """Add the ``roles`` command to the ``csmap`` app."""
    app.command(name="roles")(roles)
