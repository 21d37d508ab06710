"""data/queries/places.py on the tiny hand-made town: access, masking, filters, no identifiers
in aggregates."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from analytics import places as place_stats
from data import queries
from data.queries.places import FILTER_PARAMS
from data.store import Store
from domain.access import Access, Viewer
from domain.errors import AccessDeniedError
from tests.places_town import seed_town

WINDOW = {"start": date(2024, 4, 1), "end": date(2026, 4, 1), "kinds": [], "agencies": [],
          "indicators": [], "contexts": []}
IDENTIFYING = {"person_id", "pseudonym", "full_name", "label", "given_name", "family_name",
               "place_id", "name", "address", "lon", "lat", "child_id"}


@pytest.fixture
def town(empty_store: Store) -> Store:
    seed_town(empty_store)
    return empty_store


def test_aggregate_queries_return_no_identifiers_or_points(town: Store,
                                                           commissioner: Viewer) -> None:
    specs = [s for s in queries.all_specs() if s.name.startswith("places.agg_")]
    assert len(specs) >= 3
    for spec in specs:
        assert spec.access is Access.AGGREGATE
        params = {p: WINDOW.get(p, []) for p in spec.params}  # list filters: all
        frame = town.frame(spec.name, commissioner, params)
        assert not IDENTIFYING & set(frame.columns), spec.name
    cells = town.frame("places.agg_cells", commissioner,
                       {"start": WINDOW["start"], "end": WINDOW["end"]})
    assert cells["incidents"].sum() == 20  # 24 incidents minus 4 in the online space
    assert set(cells["quarter"]).issuperset({"2025-Q1", "2025-Q2"})


def test_commissioner_cannot_read_the_map_or_profiles(town: Store, commissioner: Viewer) -> None:
    for name in ["places.map_places", "places.map_homes", "places.profile_children"]:
        spec = queries.get(name)
        params = {p: WINDOW.get(p, "place" if p == "scope" else "p_park") for p in spec.params}
        with pytest.raises(AccessDeniedError):
            town.run(name, commissioner, params)


def test_map_places_counts_and_masks_addresses(town: Store, panel: Viewer,
                                               analyst_named: Viewer) -> None:
    frame = town.frame("places.map_places", panel, WINDOW).set_index("place_id")
    assert "p_home" not in frame.index and "p_chat" not in frame.index
    assert frame.loc["p_park", "incidents"] == 8 and frame.loc["p_park", "children"] == 2
    assert frame.loc["p_aoc", "address"] is None
    assert frame.loc["p_aoc", "name"].startswith("Address of concern, ")
    named = town.frame("places.map_places", analyst_named, WINDOW).set_index("place_id")
    assert named.loc["p_aoc", "address"] == "14 Example Row"


def test_filters_narrow_the_incidents(town: Store, panel: Viewer) -> None:
    only = dict(WINDOW, kinds=["missing_episode"])
    frame = town.frame("places.map_places", panel, only).set_index("place_id")
    assert frame.loc["p_park", "incidents"] == 4 and frame.loc["p_hotel", "incidents"] == 0
    police = town.frame("places.map_places", panel, dict(WINDOW, agencies=["pol"]))
    assert police["incidents"].sum() == 8  # every third incident: park and hotel
    behav = town.frame("places.map_places", panel, dict(WINDOW, indicators=["behavioural"]))
    assert behav["incidents"].sum() == 8  # odd incidents at the park and hotel


def test_homes_with_intra_familial_harm_hide_the_house(town: Store, panel: Viewer,
                                                      analyst_named: Viewer) -> None:
    """Only a ~500 m grid cell and counts leave the database, in either display mode."""
    from data.queries.places import HOME_GRID_LAT, HOME_GRID_LON

    exact = town.cursor.execute("SELECT lon, lat FROM place WHERE place_id = 'p_home'").fetchone()
    assert exact is not None
    for viewer in (panel, analyst_named):
        homes = town.frame("places.map_homes", viewer, WINDOW)
        assert set(homes.columns) == {"lon", "lat", "homes", "incidents", "latest"}
        assert homes["homes"].tolist() == [1] and homes["incidents"].tolist() == [4]
        lon, lat = float(homes["lon"].iloc[0]), float(homes["lat"].iloc[0])
        assert (lon, lat) != pytest.approx(exact, abs=1e-6)
        assert abs(lon - exact[0]) <= HOME_GRID_LON / 2 + 1e-9
        assert abs(lat - exact[1]) <= HOME_GRID_LAT / 2 + 1e-9
        assert lat / HOME_GRID_LAT == pytest.approx(round(lat / HOME_GRID_LAT), abs=1e-6)
    online = town.frame("places.map_online", panel, WINDOW)
    assert online["platform"].tolist() == ["Snapchat"] and online["incidents"].iloc[0] == 4


def test_place_profile_lists_children_adults_and_notes(town: Store, panel: Viewer) -> None:
    scope = {"scope": "place", "id": "p_park"}
    inc = town.frame("places.profile_incidents", panel, {**scope, **WINDOW})
    assert inc["incident_id"].nunique() == 8 == len(inc)
    when = town.frame("places.profile_when", panel, {**scope, **WINDOW})
    assert when["incidents"].sum() == 8 and when["dow"].between(0, 6).all()
    months = town.frame("places.profile_months", panel, {**scope, **WINDOW})
    assert months["incidents"].sum() == 8 and months["children"].max() <= 2
    kinds = town.frame("places.profile_kinds", panel, {**scope, **WINDOW})
    assert set(kinds["kind"]) == {"missing_episode", "exchange_gifts_money"}
    kids = town.frame("places.profile_children", panel, {**scope, **WINDOW})
    assert kids["label"].tolist() == ["CH-0001", "CH-0002"] and kids["full_name"].isna().all()
    adults = town.frame("places.profile_adults", panel,
                        {**scope, "start": WINDOW["start"], "end": WINDOW["end"]})
    assert adults["label"].tolist() == ["AOC-001"]
    notes = town.frame("places.profile_notes", panel, scope)
    assert {"guardianship"} == set(notes["domain"]) and len(notes) == 2
    ward = town.frame("places.profile_incidents", panel,
                      {"scope": "ward", "id": inc["ward_code"].iloc[0], **WINDOW})
    assert ward["incident_id"].nunique() == 12  # park and takeaway share the ward


def test_place_profile_time_and_months_match_the_incidents(town: Store, panel: Viewer) -> None:
    """The page's path (SQL counts, then analytics.places) gives the weekday-by-hour table and
    the months of the park's incidents, counted here from the incidents themselves."""
    scope = {"scope": "place", "id": "p_park", **WINDOW}
    seen = town.cursor.execute(
        "SELECT occurred_at FROM incident WHERE place_id = 'p_park'").fetchall()
    expected = Counter((t.weekday(), t.hour) for (t,) in seen)
    prof = place_stats.time_profile_from_counts(town.frame("places.profile_when", panel, scope))
    assert prof.incidents == len(seen) == 8
    for (dow, hour), n in expected.items():
        assert prof.table.iloc[dow][hour] == n
    busiest_day = Counter(d for d, _ in expected.elements()).most_common(1)[0][0]
    assert prof.peak_day == place_stats.WEEKDAYS[busiest_day]
    months = place_stats.fill_months(town.frame("places.profile_months", panel, scope))
    first, last = min(t for (t,) in seen), max(t for (t,) in seen)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    assert len(months) == span and months["incidents"].sum() == 8
    assert months["children"].max() == 2  # the missing episodes: CH-0001 and CH-0002


def test_filter_param_names_are_shared() -> None:
    for name in ["places.map_places", "places.map_homes", "places.map_online"]:
        assert queries.get(name).params == FILTER_PARAMS


def test_ward_children_follow_the_place_kind_filter(town: Store, commissioner: Viewer) -> None:
    """Beside hotel incidents the commissioners' table counts the children of hotel
    incidents, not every child in the ward."""
    window = {"start": WINDOW["start"], "end": WINDOW["end"]}
    every = town.frame("places.agg_ward_children", commissioner, {**window, "place_kinds": []})
    hotels = town.frame("places.agg_ward_children", commissioner,
                        {**window, "place_kinds": ["hotel"]})
    hotel_ward = town.cursor.execute(
        "SELECT ward_code FROM place WHERE place_id = 'p_hotel'").fetchone()
    assert hotel_ward is not None
    assert hotels.set_index("ward_code")["children"].to_dict() == {hotel_ward[0]: 1}
    assert every.set_index("ward_code").loc[hotel_ward[0], "children"] == 2  # + the home


def test_outreach_counts_evenings_weekends_and_children_by_ward(town: Store,
                                                                commissioner: Viewer) -> None:
    """places.agg_ward_outreach against the same counts worked out in Python from the raw
    rows: evening 18:00-01:59, weekend Saturday-Sunday, harm at home left out."""
    incidents = town.cursor.execute(
        "SELECT i.incident_id, i.occurred_at, i.harm_context, pl.ward_code "
        "FROM incident i JOIN place pl USING (place_id) WHERE pl.ward_code IS NOT NULL"
    ).fetchall()
    kids = town.cursor.execute(
        "SELECT ip.incident_id, ip.person_id FROM incident_person ip "
        "JOIN person p USING (person_id) WHERE p.kind = 'child'").fetchall()
    children_of: dict[str, set[str]] = {}
    for iid, pid in kids:
        children_of.setdefault(iid, set()).add(pid)
    contexts = ["extra_familial", "self", "unknown"]
    expected: dict[str, Counter[str]] = {}
    seen: dict[str, set[str]] = {}
    out_of_hours: dict[str, set[str]] = {}
    for iid, at, ctx, ward in incidents:
        if ctx not in contexts:
            continue
        evening = at.hour >= 18 or at.hour < 2
        weekend = at.weekday() >= 5
        c = expected.setdefault(ward, Counter())
        c.update(incidents=1, evening_incidents=int(evening), weekend_incidents=int(weekend))
        seen.setdefault(ward, set()).update(children_of.get(iid, set()))
        if evening or weekend:
            out_of_hours.setdefault(ward, set()).update(children_of.get(iid, set()))
    got = town.frame("places.agg_ward_outreach", commissioner, {
        "start": WINDOW["start"], "end": WINDOW["end"], "place_kinds": [],
        "contexts": contexts}).set_index("ward_code")
    assert set(got.index) == set(expected)
    for ward, c in expected.items():
        row = got.loc[ward]
        assert (row["incidents"], row["evening_incidents"], row["weekend_incidents"]) == (
            c["incidents"], c["evening_incidents"], c["weekend_incidents"])
        assert row["children"] == len(seen[ward])
        assert row["out_of_hours_children"] == len(out_of_hours.get(ward, set()))
    with_home = town.frame("places.agg_ward_outreach", commissioner, {
        "start": WINDOW["start"], "end": WINDOW["end"], "place_kinds": [], "contexts": []})
    assert with_home["incidents"].sum() > got["incidents"].sum()  # harm at home back in
    coverage = town.frame("places.agg_coverage", commissioner)
    assert set(coverage.columns) == {"agency", "first", "last"}
    assert sorted(coverage["agency"]) == ["Children's social care", "Police", "School"]
