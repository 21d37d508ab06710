"""The network analytics and page on the generated small demo town: planted structure is
recovered and no child is ever a lead."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from analytics import analysis
from data import network as netdata
from data.store import Store
from domain.access import Viewer
from tests.apptest_support import page_app

PAGE = str(Path(__file__).resolve().parent.parent / "dashboard" / "views" / "network.py")


# Copies of the demo town: DuckDB refuses a second Store.open of a file this process already
# holds (the lock_configuration SET fails), and other tests and AppTests hold demo_db.
@pytest.fixture(scope="module")
def demo_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("netdemo") / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def page_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("netpage") / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def demo_analysis(demo_copy: Path) -> tuple[analysis.NetworkAnalysis, dict[str, set[str]]]:
    demo_store = Store.open(demo_copy)
    viewer = Viewer("test-net", "analyst", "testing")  # type: ignore[arg-type]
    as_of = date.fromisoformat(demo_store.meta()["as_of"])
    f = netdata.load(demo_store, viewer,
                     netdata.NetworkQuery(start=as_of - timedelta(days=730), end=as_of))
    a = analysis.analyse(f.people, f.places, f.links, f.presences, as_of=as_of)
    planted: dict[str, set[str]] = {}
    for kind, oid in demo_store.cursor.execute(
            "SELECT kind, object_id FROM planted_truth").fetchall():
        planted.setdefault(kind, set()).add(oid)
    demo_store.close()
    return a, planted


def test_planted_facilitators_and_hubs_in_top_10(demo_analysis: tuple) -> None:
    a, planted = demo_analysis
    top = set(a.facilitators.table["person_id"].head(10))
    assert planted["facilitator"] <= top  # recall 1.0 at 10 on the small town (4 planted)
    assert planted["hub_place"] <= set(a.hubs.places["place_id"].head(10))
    assert planted["hub_adult"] <= set(a.hubs.adults["person_id"].head(10))
    # the facilitators outrank the high-degree hub adults on betweenness (Morselli)
    ranks = a.facilitators.table.set_index("person_id")["rank"]
    assert max(ranks[p] for p in planted["facilitator"]) < min(
        ranks[p] for p in planted["hub_adult"])


def test_no_child_is_ever_a_lead(demo_analysis: tuple) -> None:
    a, _ = demo_analysis
    g = a.person_graph
    for table, col in ((a.facilitators.table, "person_id"), (a.hubs.adults, "person_id")):
        assert {g.nodes[n]["kind"] for n in table[col]} <= {"adult_of_concern"}
    assert {g.nodes[n]["kind"] for n in a.facilitators.key_players} <= {"adult_of_concern"}
    assert all(lead.why.endswith("not a finding.") for lead in a.facilitators.leads.values())


def test_peer_groups_match_planted(demo_analysis: tuple) -> None:
    a, planted = demo_analysis
    members = planted["peer_group_member"]
    grouped = {m for ms in a.groups.table["members"] for m in ms}
    assert len(members & grouped) / len(members) > 0.9


def test_connected_children_fast_enough_and_children_only(demo_analysis: tuple) -> None:
    a, _ = demo_analysis
    child = next(iter(sorted(n for n, k in a.link_graph.nodes(data="kind") if k == "child")))
    cc = a.connected_children(child, k=2)
    assert all(a.link_graph.nodes[n]["kind"] == "child" for n in cc.ids())


@pytest.mark.parametrize("role", ["panel", "analyst"])
def test_network_page_on_demo_town(monkeypatch: pytest.MonkeyPatch, page_copy: Path,
                                   role: str) -> None:
    monkeypatch.setenv("CSMAP_DB_PATH", str(page_copy))
    at = page_app(PAGE, default_timeout=90)
    at.session_state["csmap_role"] = role
    at = at.run()
    assert not at.exception, at.exception
    leads = at.dataframe[0].value
    assert leads["label"].str.startswith("AoC-").all()
    assert any("Showing" in c.value for c in at.caption)
