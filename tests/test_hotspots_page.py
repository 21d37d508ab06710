"""AppTest for the commissioners' Hotspots page: aggregates only, nothing about a person."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.suppression import SUPPRESSED
from tests.apptest_support import page_app

PAGE = str(Path(__file__).resolve().parent.parent / "dashboard" / "views" / "hotspots.py")


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> Path:
    monkeypatch.setenv("CSMAP_DB_PATH", str(demo_db))
    return demo_db


def _run(role: str = "commissioner") -> AppTest:
    at = page_app(PAGE, default_timeout=90)
    at.session_state["csmap_role"] = role
    return at.run()


def _everything(at: AppTest) -> str:
    parts = [str(e.value) for e in [*at.title, *at.markdown, *at.caption, *at.info,
                                    *at.metric, *at.warning, *at.error]]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [str(o) for sb in at.selectbox for o in sb.options]
    return "\n".join(parts)


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with ``column``."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _people(db: Path) -> tuple[set[str], set[str]]:
    tmp = db.parent / "people-copy.duckdb"
    if not tmp.exists():
        tmp.write_bytes(db.read_bytes())
    con = duckdb.connect(str(tmp), read_only=True)
    try:
        rows = con.execute("SELECT pseudonym, given_name, family_name FROM person").fetchall()
        wards = {r[0] for r in con.execute("SELECT name FROM ward").fetchall()}
    finally:
        con.close()
    pseudonyms = {r[0] for r in rows}
    ward_words = {w for name in wards for w in re.findall(r"[A-Za-z]+", name)}
    names = {n for r in rows for n in r[1:] if n and n not in ward_words and len(n) > 2}
    return pseudonyms, names


def test_commissioner_page_shows_aggregates_and_no_person(demo_env: Path) -> None:
    at = _run()
    assert not at.exception, at.exception
    text = _everything(at)
    assert "Hotspots" in at.title[0].value
    pseudonyms, names = _people(demo_env)
    leaked_p = [p for p in pseudonyms if p in text]
    assert not leaked_p, leaked_p[:5]
    leaked_n = [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)]
    assert not leaked_n, leaked_n[:5]
    wards = _table(at, "neighbourhood")
    assert wards["name"].iloc[-1] == "TOTAL" and len(wards) == 53
    shown = set(wards["incidents"])
    for value in shown:  # every published count is 0, * or a multiple of 5 (not below 8)
        assert value in ("0", SUPPRESSED) or (int(value) % 5 == 0 and int(value) >= 10)
    assert not {"person_id", "pseudonym", "lon", "lat", "place_id"} & set(wards.columns)


def test_choosing_a_place_kind_and_quarters_keeps_suppression(demo_env: Path) -> None:
    at = _run()
    at.selectbox(key="hotspots_kind").set_value("hotel").run()
    assert not at.exception, at.exception
    wards = _table(at, "neighbourhood")
    assert SUPPRESSED in set(wards["incidents"]) or set(wards["incidents"]) <= {"0"}


def test_unsafe_settings_are_a_readable_error(demo_env: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSMAP_ROUNDING_BASE", "1")
    at = _run()
    assert not at.exception
    assert "subtracting two published figures" in at.error[0].value


def test_ward_table_tells_own_rate_and_neighbourhood_apart(demo_env: Path) -> None:
    at = _run()
    assert not at.exception, at.exception
    wards = _table(at, "neighbourhood")
    body = wards[wards["name"] != "TOTAL"]
    assert set(body["rate_band"]) <= {"lowest fifth", "second fifth", "middle fifth",
                                      "fourth fifth", "highest fifth", "hidden (small numbers)"}
    assert body["neighbourhood"].str.match(r"^(hot spot|cold spot|no clear cluster)").all()
    cold_high = body[body["neighbourhood"].str.startswith("cold")
                     & body["rate_band"].isin(["fourth fifth", "highest fifth"])]
    assert (cold_high["note"].str.contains("not this ward")).all()
    assert "children_per_1000" in wards.columns
    at.radio(key="hotspots_rate").set_value("children_per_1000").run()
    assert not at.exception, at.exception


def test_outreach_view_leaves_out_harm_at_home_and_stays_suppressed(demo_env: Path) -> None:
    at = _run()
    at.radio(key="hotspots_view").set_value("outreach").run()
    assert not at.exception, at.exception
    assert "intra_familial" not in at.multiselect(key="hotspots_contexts").value
    table = _table(at, "out_of_hours_per_1000")
    assert table["name"].iloc[-1] == "TOTAL" and len(table) == 53
    for col in ("incidents", "evening_incidents", "weekend_incidents", "children",
                "out_of_hours_children"):
        for value in table[col]:
            assert value in ("0", SUPPRESSED, "") or (int(value) % 5 == 0 and int(value) >= 10)
    without_home = table["incidents"].iloc[-1]
    at.multiselect(key="hotspots_contexts").select("intra_familial").run()
    assert int(_table(at, "out_of_hours_per_1000")["incidents"].iloc[-1]) > int(without_home)
    text = _everything(at)
    pseudonyms, _ = _people(demo_env)
    assert not [p for p in pseudonyms if p in text]


def test_trend_shows_data_coverage(demo_env: Path) -> None:
    at = _run()
    at.radio(key="hotspots_view").set_value("trend").run()
    assert not at.exception, at.exception
    assert any("Data starts" in c.value for c in at.caption)
    cover = _table(at, "coverage")
    assert {"quarter", "incidents", "agencies", "partial"} <= set(cover.columns)
