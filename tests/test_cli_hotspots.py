"""`csmap hotspots`: the JSON shape, a readable table, clear errors with a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import libpysal
import pytest
from shapely.geometry import Point, box
from typer.testing import CliRunner

from services.cli import app
from tests.places_town import WARDS_FILE

RUN = CliRunner()
COLUMBUS = libpysal.examples.get_path("columbus.shp")


def test_json_shape_and_published_moran_on_columbus() -> None:
    res = RUN.invoke(app, ["hotspots", COLUMBUS, "--value", "CRIME", "--id", "POLYID",
                           "--permutations", "199", "--seed", "4", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) == {"moran_i", "moran_p", "areas"}
    assert out["moran_i"] == pytest.approx(0.5002, abs=1e-4) and out["moran_p"] < 0.01
    assert len(out["areas"]) == 49
    first = out["areas"][0]
    assert set(first) == {"id", "value", "gi_z", "gi_p", "lisa"} and first["id"] == 1
    assert {a["lisa"] for a in out["areas"]} <= {"HH", "LL", "HL", "LH", "ns"}
    assert {a["lisa"] for a in out["areas"]} & {"HH", "LL"}
    again = RUN.invoke(app, ["hotspots", COLUMBUS, "--value", "CRIME", "--id", "POLYID",
                             "--permutations", "199", "--seed", "4", "--json"])
    assert json.loads(again.stdout) == out  # seeded


def test_table_output_lists_significant_areas() -> None:
    res = RUN.invoke(app, ["hotspots", COLUMBUS, "--value", "CRIME", "--id", "POLYID"])
    assert res.exit_code == 0
    assert "Moran's I = 0.5002" in res.stdout and "hot" in res.stdout


def _write(tmp_path: Path, frame: gpd.GeoDataFrame) -> Path:
    path = tmp_path / "areas.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


@pytest.mark.parametrize(("case", "message"), [
    ("missing_file", "no file at"),
    ("not_a_map", "cannot read"),
    ("points", "need polygons"),
    ("no_column", "no column 'rate'"),
    ("text_column", "must be numeric"),
    ("island", "no neighbours"),
    ("bad_id", "no id column"),
    ("few_perms", "permutations must be"),
    ("null_geometry", "have no geometry (null or empty): rows 2"),
])
def test_bad_input_is_a_clear_error_with_non_zero_exit(tmp_path: Path, case: str,
                                                       message: str) -> None:
    grid = gpd.GeoDataFrame({"rate": [1.0, 2, 3, 4, 5, 6], "code": list("abcdef")},
                            geometry=[box(i % 3, i // 3, i % 3 + 1, i // 3 + 1) for i in range(6)],
                            crs="EPSG:27700")
    args = ["--value", "rate"]
    if case == "missing_file":
        path = tmp_path / "nope.geojson"
    elif case == "not_a_map":
        path = tmp_path / "notes.txt"
        path.write_text("hello")
    elif case == "points":
        path = _write(tmp_path, gpd.GeoDataFrame({"rate": [1.0, 2, 3]},
                                                 geometry=[Point(0, 0), Point(1, 0), Point(2, 0)],
                                                 crs="EPSG:27700"))
    elif case == "no_column":
        path = _write(tmp_path, grid.drop(columns="rate").assign(other=1.0))
    elif case == "text_column":
        path = _write(tmp_path, grid.assign(rate=["1", "2", "x", "4", "5", "6"]))
    elif case == "island":
        wards = gpd.read_file(WARDS_FILE).assign(rate=1.0)
        wards.loc[0, "rate"] = 5.0
        far = wards.iloc[[0]].copy()
        far["geometry"] = far.geometry.translate(1.0, 1.0)
        far["WD13CD"] = "FAR"
        path = _write(tmp_path, gpd.GeoDataFrame(
            __import__("pandas").concat([wards, far], ignore_index=True), crs=wards.crs))
    elif case == "null_geometry":  # a feature with "geometry": null (a traceback before)
        path = _write(tmp_path, grid)
        data = json.loads(path.read_text())
        data["features"][2]["geometry"] = None
        path.write_text(json.dumps(data))
    elif case == "bad_id":
        path = _write(tmp_path, grid)
        args += ["--id", "ward"]
    else:
        path = _write(tmp_path, grid)
        args += ["--permutations", "5"]
    res = RUN.invoke(app, ["hotspots", str(path), *args])
    assert res.exit_code == 2
    assert message in res.stderr
    assert "Traceback" not in res.output
