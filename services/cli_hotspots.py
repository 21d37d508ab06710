"""``csmap hotspots``: Getis-Ord Gi* and local Moran for any polygon file (analysts).

    csmap hotspots AREAS.geojson --value COLUMN [--id COLUMN] [--permutations 999]
                   [--seed 0] [--json]

Queen contiguity, row-standardised weights, seeded permutation tests
(:func:`analytics.places.hotspot_statistics`). ``--json`` prints
``{"moran_i", "moran_p", "areas": [{"id", "value", "gi_z", "gi_p", "lisa"}]}``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import NoReturn

import typer

from domain.errors import CSMapError


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _read_areas(path: Path) -> object:
    import geopandas as gpd
    import pyogrio.errors

    if not path.exists():
        _fail(f"no file at {path}")
    if path.is_dir():
        _fail(f"{path} is a folder; give a polygon file such as a .geojson or .gpkg")
    try:
        return gpd.read_file(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        _fail(f"cannot read {path} as a map layer (GeoJSON, GeoPackage, shapefile): "
              f"{str(exc).splitlines()[0]}")


def hotspots(
    areas: Path = typer.Argument(..., help="Polygon file (GeoJSON, GeoPackage, shapefile)."),
    value: str = typer.Option(..., "--value", help="Numeric column to test, e.g. a rate."),
    id_column: str = typer.Option(None, "--id", help="Column naming each area (default: row)."),
    permutations: int = typer.Option(999, help="Permutations for the pseudo p-values."),
    seed: int = typer.Option(0, help="Random seed; the same seed gives the same p-values."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Hot and cold spots of a value over polygons (queen contiguity, row-standardised)."""
    from analytics import places

    frame = _read_areas(areas)
    try:
        res = places.hotspot_statistics(frame, value, id_column=id_column,  # type: ignore[arg-type]
                                        permutations=permutations, seed=seed)
    except CSMapError as exc:
        _fail(str(exc))
    if as_json:
        out = res.to_dict()
        for a in out["areas"]:  # JSON has no NaN: a value the statistic could not give is null
            for k in ("gi_z", "gi_p"):
                if isinstance(a[k], float) and not math.isfinite(a[k]):
                    a[k] = None
        typer.echo(json.dumps(out, allow_nan=False))
        return
    n = len(res.areas)
    typer.echo(f"{n} areas, queen contiguity, {permutations} permutations, seed {seed}")
    typer.echo(f"Moran's I = {res.moran_i:.4f} (expected {res.moran_expected:.4f}), "
               f"pseudo p = {res.moran_p:.4f}")
    sig = res.significant()
    if sig.empty:
        typer.echo(f"No area is a significant hot or cold spot at p < {res.alpha}.")
        return
    typer.echo(f"{'id':<24} {'value':>10} {'Gi* z':>8} {'p':>7}  spot  LISA")
    for r in sig.to_dict("records"):
        typer.echo(f"{str(r['id'])[:24]:<24} {r['value']:>10.3f} {r['gi_z']:>8.3f} "
                   f"{r['gi_p']:>7.3f}  {r['hotspot']:<4}  {r['lisa']}")


def register(app: typer.Typer) -> None:
    """Add the ``hotspots`` command to the ``csmap`` app."""
    app.command(name="hotspots")(hotspots)
