"""analytics.places: counts, rates, profiles, density, and spatial statistics.

Published values replicated (data shipped offline with libpysal 4.14):

* St Louis homicide rates 1988-93 (``stl_hom.shp``, ``HR8893``), rook contiguity from the
  polygons: Moran's I = 0.244, E[I] = -1/77, p_norm = 0.000271 (esda ``Moran`` docstring,
  which uses the shipped rook file ``stl.gal``). Tolerance 5e-4 on I, 1e-6 relative on p.
* North Carolina SIDS rates 1974 (``sids2.shp``, ``SIDR74``), rook: I = 0.248,
  p_norm = 0.0001158 (esda docstring "SIDS example replicating OpenGeoda").
* de Smith et al. 10-area example (``desmith.gal``/``desmith.txt``): local Moran quadrants
  [4, 4, 4, 2, 3, 3, 1, 4, 3, 3] (esda ``Moran_Local`` docstring) and the
  first local I = -0.11409 (esda test suite).
* Six points with a 15-unit distance band (esda ``G_Local`` tests): row-standardised Gi*
  z-score of the first point = -0.62488094 (1e-6).
* Analytic: a rook checkerboard has Moran's I = -1 exactly; the sum of esda's local Moran
  values is (n-1) times global I (Anselin 1995, LISA property) to 1e-9.
* Columbus crime (Anselin 1988): queen contiguity derived from the polygons equals the
  shipped queen file ``columbus.gal``, and I = 0.5002 for CRIME either way.
"""

from __future__ import annotations

import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libpysal.weights.distance import DistanceBand
from shapely.geometry import Point, box

from analytics import places as P
from domain.errors import ValidationError

EX = libpysal.examples


def _gal(name: str) -> libpysal.weights.W:
    f = libpysal.io.open(EX.get_path(name))
    try:
        return f.read()
    finally:
        f.close()


def test_stl_homicide_moran_matches_esda_documentation() -> None:
    stl = gpd.read_file(EX.get_path("stl_hom.shp"))
    res = P.hotspot_statistics(stl, "HR8893", contiguity="rook", permutations=99, seed=1)
    assert res.moran_i == pytest.approx(0.244, abs=5e-4)
    assert res.moran_expected == pytest.approx(-0.012987012987012988)
    assert res.moran_p_norm == pytest.approx(0.00027147862770937614, rel=1e-6)


def test_sids_moran_matches_opengeoda_value_in_esda_docs() -> None:
    sids = gpd.read_file(EX.get_path("sids2.shp"))
    res = P.hotspot_statistics(sids, "SIDR74", contiguity="rook", permutations=99)
    assert round(res.moran_i, 3) == 0.248
    assert res.moran_p_norm == pytest.approx(0.0001158330781489969, rel=1e-6)


def test_columbus_queen_weights_equal_the_shipped_queen_file() -> None:
    col = gpd.read_file(EX.get_path("columbus.shp"))
    w = P.contiguity_weights(col, contiguity="queen")
    gal = _gal("columbus.gal")
    for i, gid in enumerate(gal.id_order):
        assert set(w.neighbors[i]) == {int(n) - 1 for n in gal.neighbors[gid]}
    res = P.hotspot_statistics(col, "CRIME", id_column="POLYID", permutations=99)
    assert res.moran_i == pytest.approx(0.5002, abs=1e-4)


def test_local_moran_quadrants_match_desmith_example() -> None:
    w = _gal("desmith.gal")
    f = libpysal.io.open(EX.get_path("desmith.txt"))
    y = np.array(f.by_col["z"])
    f.close()
    res = P.local_statistics(w.id_order, y, w, permutations=99, seed=10, alpha=1.0 - 1e-9)
    # esda's quadrants [4, 4, 4, 2, 3, 3, 1, 4, 3, 3]: 1 HH, 2 LH, 3 LL, 4 HL
    expected = ["HL", "HL", "HL", "LH", "LL", "LL", "HH", "HL", "LL", "LL"]
    assert res.areas["lisa"].tolist() == expected  # alpha ~1: every area labelled
    strict = P.local_statistics(w.id_order, y, w, permutations=99, seed=10, alpha=0.01)
    assert set(strict.areas["lisa"]) <= {"ns", *expected}
    assert (strict.areas["lisa"] == "ns").sum() >= (res.areas["lisa"] == "ns").sum()
    assert res.areas["lisa_i"].iloc[0] == pytest.approx(-0.11409277, abs=1e-7)
    n = len(y)
    assert res.areas["lisa_i"].sum() == pytest.approx((n - 1) * res.moran_i, abs=1e-9)


def test_gi_star_row_standardised_matches_esda_test_value() -> None:
    points = np.array([(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)])
    w = DistanceBand(points, threshold=15, silence_warnings=True)
    res = P.local_statistics(list(range(6)), [2, 3, 3.2, 5, 8, 7], w, permutations=99, seed=10)
    assert res.areas["gi_z"].iloc[0] == pytest.approx(-0.62488094, rel=1e-6)


def _grid(n: int, values: list[float]) -> gpd.GeoDataFrame:
    cells = [box(c, r, c + 1, r + 1) for r in range(n) for c in range(n)]
    return gpd.GeoDataFrame({"v": values, "code": [f"c{i}" for i in range(n * n)]},
                            geometry=cells, crs="EPSG:27700")


def test_checkerboard_has_moran_minus_one_and_is_seed_stable() -> None:
    n = 6
    vals = [float((r + c) % 2) for r in range(n) for c in range(n)]
    grid = _grid(n, vals)
    a = P.hotspot_statistics(grid, "v", id_column="code", contiguity="rook", seed=3)
    b = P.hotspot_statistics(grid, "v", id_column="code", contiguity="rook", seed=3)
    assert a.moran_i == pytest.approx(-1.0, abs=1e-12)
    assert a.moran_p == b.moran_p
    pd.testing.assert_frame_equal(a.areas, b.areas)


def test_a_high_corner_is_a_hot_spot_and_json_has_the_cli_shape() -> None:
    n = 7
    vals = [10.0 if r < 3 and c < 3 else 1.0 for r in range(n) for c in range(n)]
    res = P.hotspot_statistics(_grid(n, vals), "v", id_column="code", seed=0)
    assert res.moran_i > 0.3 and res.moran_p < 0.05
    assert res.areas.set_index("id").loc["c8", "hotspot"] == "hot"  # cell (1,1)
    assert res.areas.set_index("id").loc["c8", "lisa"] == "HH"
    out = res.to_dict()
    assert set(out) == {"moran_i", "moran_p", "areas"}
    assert set(out["areas"][0]) == {"id", "value", "gi_z", "gi_p", "lisa"}
    assert {a["lisa"] for a in out["areas"]} <= {"HH", "LL", "HL", "LH", "ns"}


@pytest.mark.parametrize(
    ("frame_kind", "message"),
    [("points", "need polygons"), ("island", "no neighbours"), ("text", "must be numeric"),
     ("flat", "same value"), ("missing", "no column")],
)
def test_bad_input_gets_a_clear_message(frame_kind: str, message: str) -> None:
    grid = _grid(3, [float(i) for i in range(9)])
    value = "v"
    if frame_kind == "points":
        grid = gpd.GeoDataFrame({"v": [1.0, 2.0, 3.0]},
                                geometry=[Point(0, 0), Point(1, 1), Point(2, 2)])
    elif frame_kind == "island":
        extra = gpd.GeoDataFrame({"v": [5.0], "code": ["far"]}, geometry=[box(50, 50, 51, 51)],
                                 crs=grid.crs)
        grid = pd.concat([grid, extra], ignore_index=True)
    elif frame_kind == "text":
        grid["v"] = grid["v"].astype(object)
        grid.loc[2, "v"] = "lots"
    elif frame_kind == "flat":
        grid["v"] = 4.0
    elif frame_kind == "missing":
        value = "rate"
    with pytest.raises(ValidationError, match=message):
        P.hotspot_statistics(grid, value)


EVENTS = pd.DataFrame({
    "incident_id": ["i1", "i1", "i2", "i3", "i4", "i5"],
    "occurred_at": pd.to_datetime(["2025-01-03 22:10", "2025-01-03 22:10", "2025-01-10 21:00",
                                   "2025-04-02 15:00", "2025-06-30 23:30", "2026-03-01 10:00"]),
    "place_id": ["p1", "p1", "p1", "p2", "p1", "p2"],
    "ward_code": ["W1", "W1", "W1", "W2", "W1", "W2"],
    "child_id": ["c1", "c2", "c1", None, "c3", "c4"],
})


def test_repeat_locations_count_the_busiest_window_and_distinct_children() -> None:
    rep = P.repeat_locations(EVENTS, min_incidents=3, within_days=365)
    assert rep["place_id"].tolist() == ["p1"] and rep["incidents"].iloc[0] == 3
    assert rep["children"].iloc[0] == 3  # c1 twice and c2 on one incident, c3: three
    assert P.repeat_locations(EVENTS, min_incidents=2, within_days=30)["place_id"].tolist() \
        == ["p1"]
    no_children = P.repeat_locations(EVENTS.drop(columns="child_id"), min_incidents=2)
    assert no_children["children"].tolist() == [0, 0]


def test_time_profile_from_counts_is_weekday_by_hour() -> None:
    # 3 and 10 Jan 2025 are Fridays (22:10 and 21:00); dow 0 is Monday
    counts = pd.DataFrame({"dow": [4, 4, 2, 0], "hour": [22, 21, 15, 23],
                           "incidents": [1, 1, 1, 3]})
    prof = P.time_profile_from_counts(counts)
    assert prof.table.shape == (7, 24) and prof.table.to_numpy().sum() == 6
    assert prof.table.loc["Fri", 22] == 1 and prof.table.loc["Fri", 21] == 1
    assert prof.peak_day == "Mon" and prof.peak_hour == 23
    assert prof.describe() == ("6 incidents; busiest on Mons around 23:00; 83% between 18:00 "
                               "and 02:00.")
    assert P.time_profile_from_counts(counts.iloc[0:0]).describe().startswith("No incidents")


def test_fill_months_adds_empty_months_as_zeros() -> None:
    months = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-04-01"]),
                           "incidents": [3, 1], "children": [2, 1]})
    out = P.fill_months(months)
    assert out["month"].dt.month.tolist() == [1, 2, 3, 4]
    assert out["incidents"].tolist() == [3, 0, 0, 1] and out["children"].dtype.kind == "i"
    assert P.fill_months(months.iloc[0:0]).empty


def test_kernel_density_integrates_to_the_weight() -> None:
    pts = pd.DataFrame({"lon": [-2.44, -2.43], "lat": [53.10, 53.10], "n": [3.0, 1.0]})
    kd = P.kernel_density(pts, weight="n", bandwidth_m=500, cell_m=50)
    cells_km2 = (kd.cell_m / 1000) ** 2
    assert kd.grid.sum() * cells_km2 == pytest.approx(4.0, rel=0.01)
    levels = kd.levels()
    assert np.nanmax(levels) == 1.0
    assert np.isnan(levels).any()  # the faint edge is left clear
    south, west, north, east = kd.bounds
    assert south < 53.10 < north and west < -2.44 < -2.43 < east
    # the busier point is where the peak is: its row and column in the grid
    row, col = np.unravel_index(np.argmax(kd.grid), kd.grid.shape)
    assert west + (col + 0.5) * (east - west) / kd.grid.shape[1] == pytest.approx(-2.44,
                                                                              abs=0.001)
    assert north - (row + 0.5) * (north - south) / kd.grid.shape[0] == pytest.approx(53.10,
                                                                                abs=0.001)
    assert P.kernel_density(pts.iloc[0:0]).empty




@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3"]), st.integers(0, 800)),
                min_size=1, max_size=40),
       st.integers(2, 5), st.integers(1, 120))
def test_repeat_locations_match_a_brute_force_count(rows: list[tuple[str, int]], least: int,
                                                    days: int) -> None:
    """The most incidents at a place inside any ``days`` window, counted the slow way."""
    start = pd.Timestamp("2025-01-01")
    events = pd.DataFrame({
        "incident_id": [f"i{n}" for n in range(len(rows))],
        "occurred_at": [start + pd.Timedelta(hours=6 * h) for _, h in rows],
        "place_id": [p for p, _ in rows]})
    expected = {}
    for place, grp in events.groupby("place_id"):
        times = sorted(grp["occurred_at"])
        most = max(sum(t <= u <= t + pd.Timedelta(days=days) for u in times) for t in times)
        if most >= least:
            expected[place] = most
    got = P.repeat_locations(events, min_incidents=least, within_days=days)
    assert dict(zip(got["place_id"], got["incidents"], strict=True)) == expected
