"""The network index and its filtered views (issue 18): the same records as the SQL filters,
the same graphs as building from scratch, lazily computed measures, freed when discarded;
the layout and labels of the drawn view; leads in plain words with ranks, percentiles and
dated evidence; co-presence with times; who was at a place together; peer group names."""

from __future__ import annotations

import gc
import itertools
import weakref
from datetime import date, datetime, timedelta
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from analytics import analysis, brokerage, graph_layout, network
from data import network as netdata
from data.store import Store
from domain.access import Role, Viewer
from services import network as network_service
from tests import network_town

VIEWER = Viewer("tester", Role.ANALYST, "testing the network index")


@pytest.fixture(scope="module")
def demo_index(demo_db: Path, tmp_path_factory: pytest.TempPathFactory
               ) -> tuple[Store, analysis.NetworkIndex, date]:
    path = tmp_path_factory.mktemp("index") / "demo.duckdb"
    path.write_bytes(demo_db.read_bytes())
    store = Store.open(path)
    as_of = date.fromisoformat(store.meta()["as_of"])
    return store, network_service.index(store, VIEWER), as_of


def _queries(as_of: date) -> list[netdata.NetworkQuery]:
    year = as_of - timedelta(days=365)
    return [netdata.NetworkQuery(start=year, end=as_of),
            netdata.NetworkQuery(start=as_of - timedelta(days=120), end=as_of - timedelta(days=30)),
            netdata.NetworkQuery(start=year, end=as_of, kinds=("peer", "supplies"),
                                 natures=("harmful",)),
            netdata.NetworkQuery(start=year, end=as_of, agencies=("police",), min_intel="C",
                                 include_ungraded=False),
            netdata.NetworkQuery(start=year, end=as_of, min_intel="B", include_ungraded=True)]


def test_index_masks_keep_exactly_what_the_sql_filters_keep(
        demo_index: tuple[Store, analysis.NetworkIndex, date]) -> None:
    store, idx, as_of = demo_index
    for q in _queries(as_of):
        f = network_service.record_filter(q)
        frames = netdata.load(store, VIEWER, q)
        kept_links = {r["link_id"] for r, keep in zip(idx.link_recs, idx.link_mask(f),
                                                      strict=True) if keep}
        assert kept_links == set(frames.links["link_id"].astype(str)), q
        kept_pres = {r["presence_id"] for r, keep in zip(idx.pres_recs, idx.presence_mask(f),
                                                         strict=True) if keep}
        assert kept_pres == set(frames.presences["presence_id"].astype(str)), q


def _edges(graph: nx.Graph, attrs: tuple[str, ...]) -> dict[frozenset[str], tuple[object, ...]]:
    return {frozenset((u, v)): tuple(str(d.get(a)) for a in attrs)
            for u, v, d in graph.edges(data=True)}


def test_a_view_is_the_graph_built_from_its_filtered_frames(
        demo_index: tuple[Store, analysis.NetworkIndex, date]) -> None:
    store, idx, as_of = demo_index
    q = _queries(as_of)[2]
    view = network_service.select(idx, q, as_of=as_of)
    frames = netdata.load(store, VIEWER, q)
    pg = network.build_person_graph(frames.people, frames.links)
    attrs = ("kinds", "nature", "first_seen", "last_seen", "verified", "intel", "weight")
    assert _edges(view.person_graph, attrs) == _edges(pg, attrs)
    contact = network.contact_graph(pg)
    assert _edges(view.link_graph, attrs) == _edges(contact, attrs)
    place = network.build_place_graph(frames.people, frames.places, frames.presences)
    assert _edges(nx.Graph(view.view_graph.subgraph(place.nodes)), ("weight", "first_seen")) \
        .keys() >= _edges(place, ("weight",)).keys()
    assert view.links_drawn == pg.number_of_edges()
    # the measures are those of the frames' analysis
    whole = analysis.analyse(frames.people, frames.places, frames.links, frames.presences,
                             as_of=as_of)
    pd.testing.assert_frame_equal(view.facilitators.table, whole.facilitators.table)
    pd.testing.assert_frame_equal(view.hubs.places, whole.hubs.places)


def test_measures_wait_until_asked_and_a_discarded_view_is_freed(
        demo_index: tuple[Store, analysis.NetworkIndex, date]) -> None:
    _, idx, as_of = demo_index
    view = network_service.select(idx, _queries(as_of)[0], as_of=as_of)
    assert not view.measured
    assert len(view.facilitators.table) and len(view.hubs.places)
    assert view.measured
    assert view.view_graph.edges and view.link_graph.degree and view.person_graph.edges
    graph, link = weakref.ref(view.view_graph), weakref.ref(view.link_graph)
    gc.disable()  # freed by reference counting alone, as when the dashboard has frozen it
    try:
        del view
        assert graph() is None and link() is None
    finally:
        gc.enable()


def test_graph_of_equals_networkx_construction() -> None:
    nodes = [("a", {"kind": "child"}), ("b", {"kind": "place"}), ("c", {"kind": "child"})]
    edges = [("a", "b", {"weight": 1.0}), ("c", "a", {"weight": 2.0})]
    built = network.graph_of(nodes, edges)
    plain: nx.Graph[str] = nx.Graph()
    plain.add_nodes_from(nodes)
    plain.add_edges_from(edges)
    assert nx.utils.graphs_equal(built, plain)
    assert list(built.adj["a"]) == list(plain.adj["a"])
    nodes[0][1]["kind"] = "changed"
    assert built.nodes["a"]["kind"] == "child"  # node attributes are copied


def test_layout_centres_keeps_earlier_positions_and_is_repeatable() -> None:
    g = nx.random_labeled_tree(40, seed=3) if hasattr(nx, "random_labeled_tree") else \
        nx.random_tree(40, seed=3)
    g = nx.relabel_nodes(g, str)
    pos = graph_layout.positions(g, centre="5")
    assert pos["5"] == (0.0, 0.0) and set(pos) == set(g)
    assert pos == graph_layout.positions(g, centre="5")
    # spread out: no two nodes on top of each other
    assert min(((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5
               for a, b in itertools.combinations(g, 2)) > 5
    # a lead's extra nodes: the nodes drawn before do not move
    bigger = g.copy()
    bigger.add_edges_from([("5", "x1"), ("x1", "x2")])
    again = graph_layout.positions(bigger, centre="5", previous=pos)
    assert all(again[n] == pytest.approx(pos[n]) for n in g)
    # the centre moved elsewhere: a fresh layout with the new centre in the middle
    assert graph_layout.positions(g, centre="7", previous=pos)["7"] == (0.0, 0.0)
    assert graph_layout.positions(nx.Graph()) == {}


def test_labels_never_overlap_and_the_centre_comes_first() -> None:
    pos = {str(i): (float(i % 5) * 15, float(i // 5) * 15) for i in range(25)}  # crowded
    captions = {n: f"Long label {n}" for n in pos}
    order = ["12", *[n for n in pos if n != "12"]]
    shown = graph_layout.labels_that_fit(pos, captions, order)
    assert "12" in shown or any(  # the first label is refused only if it covers a node
        abs(pos[n][0] - pos["12"][0]) < 40 and 0 < pos[n][1] - pos["12"][1] < 25 for n in pos)
    boxes = [graph_layout.label_box(pos[n], captions[n]) for n in shown]
    for a, b in itertools.combinations(boxes, 2):
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    spread = {str(i): (float(i) * 200, 0.0) for i in range(5)}
    assert graph_layout.labels_that_fit(spread, {}, list(spread)) == set(spread)
    assert len(graph_layout.labels_that_fit(spread, {}, list(spread), limit=2)) == 2


def _town_view(tmp_path: Path) -> analysis.NetworkAnalysis:
    with Store.open(tmp_path / "town.duckdb", create=True) as store:
        network_town.build(store)
        idx = network_service.index(store, VIEWER)
    q = netdata.NetworkQuery(start=network_town.AS_OF.replace(month=1), end=network_town.AS_OF)
    return network_service.select(idx, q, as_of=network_town.AS_OF)


def test_leads_have_ranks_percentiles_roles_in_words_and_dated_evidence(
        tmp_path: Path) -> None:
    a = _town_view(tmp_path)
    t = brokerage.lead_table(a.facilitators)
    top = t.iloc[0]
    assert (top["label"], top["betweenness_rank"]) == ("AC-001", 1)
    assert top["betweenness_pct"] == 50.0  # one of the two adults is below it
    assert top["betweenness_standing"] == "#1 · 50.0th pct"
    assert top["main_role"] == "links two groups it belongs to neither of (1 pair)" or \
        "group" in top["main_role"]
    assert "x1" not in top["roles"] and "representative" not in top["roles"]
    lead = a.facilitators.leads["A1"]
    assert "rank 1 of 2 adults of concern by betweenness" in lead.why
    sentences = brokerage.evidence(lead, kinds={"supplies": "gives or supplies"})
    assert sentences[0].startswith("2025-01-06 to 2025-04-06: harmful link")
    assert any("gives or supplies" in s and "graded 2D P, not verified" in s for s in sentences)
    assert any("days before CH-001 was first linked to AC-002 (2025-03-02)" in s
               for s in sentences)
    assert [s[:10] for s in sentences] == sorted(s[:10] for s in sentences)


def test_roles_in_words() -> None:
    counts = {"liaison": 6.0, "representative": 10.0, "gatekeeper": 0.5}
    text = brokerage.roles_in_words(counts)
    assert text.startswith("passes contact from its own group out to another (10 pairs); "
                           "links two groups it belongs to neither of (6 pairs)")
    assert brokerage.roles_in_words(counts, most=1).endswith("; + 2 more")
    assert brokerage.roles_in_words({}) == "no brokerage between groups"


def test_together_text_and_connected_children_say_when() -> None:
    t = datetime(2025, 3, 1, 20, 5)
    assert network.together_text("Park", 1, t, t) == "seen together at Park once, 2025-03-01 20:05"
    assert network.together_text("Park", 3, t, t + timedelta(days=2)) == (
        "seen together at Park 3 times, 2025-03-01 20:05 to 2025-03-03 20:05")


def test_place_timeline_groups_people_seen_within_the_window() -> None:
    t = datetime(2025, 3, 1, 20)
    pres = pd.DataFrame({
        "presence_id": list("123456"), "person_id": ["a", "b", "x", "a", "c", "b"],
        "place_id": ["P", "P", "P", "P", "P", "HOME"],
        "kind": ["seen_at", "seen_at", "seen_at", "seen_at", "lives_at", "seen_at"],
        "seen_at": [t, t + timedelta(minutes=50), t + timedelta(minutes=150),
                    t + timedelta(days=3), t + timedelta(days=3), t]})
    people = {"a": ("CH-A", "child"), "b": ("CH-B", "child"), "c": ("CH-C", "child"),
              "x": ("AC-X", "adult_of_concern")}
    tl = network.place_timeline(pres, people, "P", window=timedelta(hours=2))
    assert list(tl.occasions["labels"]) == ["CH-A, CH-B, AC-X"]  # chained within 2 h
    row = tl.occasions.iloc[0]
    assert (row["children"], row["adults_of_concern"], row["presences"]) == (2, 1, 3)
    assert row["start"] == pd.Timestamp(t) and row["end"] == pd.Timestamp(t + timedelta(hours=2.5))
    assert set(tl.points["label"]) == {"CH-A", "CH-B", "AC-X"}  # alone on day 3: no occasion
    empty = network.place_timeline(pres, people, "NOWHERE")
    assert empty.occasions.empty and empty.points.empty


def test_peer_groups_take_the_recorded_name() -> None:
    groups = network.PeerGroups(pd.DataFrame({
        "group_id": ["C1", "C2", "C3"], "component": ["K1", "K1", "K2"], "size": [3, 2, 2],
        "members": [["a", "b", "c"], ["d", "e"], ["f", "g"]]}), {}, 7)
    recorded = pd.DataFrame({"group_id": ["G9", "G9", "G9", "G9", "G5"],
                             "name": ["Peer group 9 (Crewe)"] * 4 + ["Peer group 5 (Alsager)"],
                             "person_id": ["a", "b", "d", "e", "f"]})
    names = network.group_names(groups, recorded)
    assert names == {"C1": "Peer group 9 (Crewe)", "C2": "Peer group 9 (Crewe), part 2",
                     "C3": "Peer group 5 (Alsager)"}
    assert network.group_names(groups, recorded.head(0))["C1"] == "Unrecorded group C1"
