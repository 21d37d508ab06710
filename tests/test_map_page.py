"""AppTest for the Map page and its place / ward profile (tiny hand-made town)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_support import page_app
from tests.places_town import CHILD_NAMES, make_town

PAGE = str(Path(__file__).resolve().parent.parent / "dashboard" / "views" / "map.py")


@pytest.fixture(scope="module")
def town_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_town(tmp_path_factory.mktemp("town") / "town.duckdb")


@pytest.fixture
def town_env(monkeypatch: pytest.MonkeyPatch, town_db: Path) -> Path:
    monkeypatch.setenv("CSMAP_DB_PATH", str(town_db))
    return town_db


def _run(role: str = "panel", mode: str = "pseudonymised") -> AppTest:
    at = page_app(PAGE, default_timeout=60)
    at.session_state["csmap_role"] = role
    at.session_state["csmap_mode"] = mode
    return at.run()


def _text(at: AppTest) -> str:
    parts = [str(e.value) for e in [*at.markdown, *at.caption, *at.subheader, *at.info]]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(parts)


def test_map_page_draws_online_spaces_and_busiest_places(town_env: Path) -> None:
    at = _run()
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Map")
    online = at.dataframe[0].value
    assert online["platform"].tolist() == ["Snapchat"]
    assert any("Pick a place" in i.value for i in at.info)
    assert any(m.label == "Homes with intra-familial incidents" and m.value == "1"
               for m in at.metric)


def test_picking_a_place_shows_its_location_assessment(town_env: Path) -> None:
    at = _run()
    at.selectbox(key="map_pick_place").set_value("p_park").run()
    assert not at.exception, at.exception
    assert any("Location assessment: Victoria Park" in s.value for s in at.subheader)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Children linked"] == "2"
    text = _text(at)
    assert "CH-0001" in text and "AOC-001" in text
    assert "Park wardens until 18:00" in text  # guardianship note
    for given, family in CHILD_NAMES.values():
        assert given not in text and family not in text  # pseudonymised by default


def test_named_mode_shows_names_to_a_panel_member(town_env: Path) -> None:
    at = _run("panel", "named")
    at.selectbox(key="map_pick_place").set_value("p_park").run()
    assert not at.exception
    assert "Amelia Thornbury" in _text(at)


def test_picking_a_ward_profiles_the_ward(town_env: Path) -> None:
    at = _run()
    ward = at.selectbox(key="map_pick_ward").options[1]
    at.selectbox(key="map_pick_ward").select_index(1).run()
    assert not at.exception, at.exception
    assert any(f"{ward} ward" in s.value for s in at.subheader)


def test_commissioner_is_turned_away(town_env: Path) -> None:
    at = _run("commissioner")
    assert not at.exception
    assert "This page is for the panel, analyst" in at.warning[0].value


def test_demo_town_hub_place_profile(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    import duckdb

    copy = demo_db.parent / "map-page-copy.duckdb"
    if not copy.exists():
        copy.write_bytes(demo_db.read_bytes())
    con = duckdb.connect(str(copy), read_only=True)
    hub = con.execute("SELECT object_id FROM planted_truth WHERE kind = 'hub_place' "
                      "ORDER BY object_id LIMIT 1").fetchone()
    con.close()
    assert hub
    monkeypatch.setenv("CSMAP_DB_PATH", str(demo_db))
    at = _run()
    assert not at.exception, at.exception
    at.selectbox(key="map_pick_place").set_value(hub[0]).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Children linked"]) >= 5  # a planted hub draws many children
    kids = next(df.value for df in at.dataframe if "label" in df.value.columns
                and "sightings" in df.value.columns and "age_years" in df.value.columns)
    assert kids["label"].str.match(r"^[A-Z]+-\d+$").all()  # pseudonyms only


def test_session_cache_rebuilds_only_when_the_key_changes() -> None:
    def app() -> None:
        import streamlit as st

        from dashboard.components import session_cache

        st.session_state.setdefault("builds", 0)

        def make() -> int:
            st.session_state["builds"] += 1
            return int(st.session_state["builds"])

        st.write(session_cache.remember("demo", st.session_state.get("k", 0), make))

    at = AppTest.from_function(app).run()
    at.run()
    assert at.session_state["builds"] == 1
    at.session_state["k"] = 1
    at.run()
    assert at.session_state["builds"] == 2


def test_repeat_locations_follow_the_rule_the_panel_sets(town_env: Path) -> None:
    at = _run()
    assert not any("repeat" in c.value.lower() for c in at.caption)  # off until asked for
    at.toggle(key="map_repeat").set_value(True).run()
    at.number_input(key="map_repeat_least").set_value(2)
    at.number_input(key="map_repeat_days").set_value(30).run()
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    # park incidents 17 days apart twice in the period; the takeaway's are 102 days apart
    assert table["name"].tolist() == ["Victoria Park"] and table["incidents"].tolist() == [2]
    at.number_input(key="map_repeat_least").set_value(3)
    at.number_input(key="map_repeat_days").set_value(365).run()
    table = at.dataframe[-1].value.set_index("name")
    assert table.loc["Victoria Park", "incidents"] == 6
    assert len(table) == 3 and table["incidents"].tolist() == [6, 3, 3]  # park, hotel, takeaway
    assert any("places had 3 or more incidents within 365 days" in c.value for c in at.caption)
