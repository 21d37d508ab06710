"""Network analytics against published values and hand-made towns."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import networkx as nx
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from analytics import brokerage, network

REF = "/work/shared/data/reference_networks"


def _people(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"person_id": [r[0] for r in rows], "pseudonym": [r[0] for r in rows],
                         "kind": [r[1] for r in rows]})


def _links(rows: list[tuple]) -> pd.DataFrame:
    out = []
    for i, r in enumerate(rows):
        s, t, kind, nature, first = r[:5]
        intel = r[5] if len(r) > 5 else None
        out.append({"link_id": f"L{i}", "source_person_id": s, "target_person_id": t,
                    "kind": kind, "nature": nature, "first_seen": first,
                    "last_seen": first + timedelta(days=30), "source_agency": "police",
                    "grading_source": 2 if intel else None, "grading_intel": intel,
                    "grading_handling": "P" if intel else None, "verified": intel == "A",
                    "evidence": []})
    return pd.DataFrame(out)


def _as_adults(graph: nx.Graph) -> nx.Graph:
    g = nx.Graph()
    for n in graph.nodes:
        g.add_node(n, kind=network.ADULT_OF_CONCERN, label=n, pseudonym=n)
    for u, v in graph.edges:
        g.add_edge(u, v, kinds=["associate"], nature="unknown", first_seen=None, links=[],
                   weight=1.0)
    return g


def test_florentine_medici_betweenness_published() -> None:
    g = nx.florentine_families_graph()
    g.add_node("Pucci")  # the isolated family: per-component normalisation ignores it
    value, error = brokerage.betweenness(g)
    assert_allclose(value["Medici"], 0.522, atol=5e-4)
    assert_allclose(value["Medici"] * 91, 47.5, atol=1e-9)
    assert_allclose(value["Guadagni"], 0.255, atol=5e-4)
    assert_allclose(value["Strozzi"], 0.103, atol=5e-4)
    assert error["Medici"] == 0.0
    assert max(value, key=lambda n: value[n]) == "Medici"


def test_florentine_matrix_csv_same_ranking() -> None:
    m = pd.read_csv(f"{REF}/florentine_families/florentine_marriage_matrix.csv", index_col=0)
    g = nx.from_pandas_adjacency(m)
    fac = brokerage.facilitators(_as_adults(g))
    assert fac.table.iloc[0]["person_id"] == "MEDICI"
    assert_allclose(fac.table.iloc[0]["betweenness"], 0.522, atol=5e-4)
    assert list(fac.table["rank"]) == list(range(1, len(fac.table) + 1))


def test_sampled_betweenness_within_stated_bound() -> None:
    g = nx.connected_watts_strogatz_graph(600, 6, 0.1, seed=3)
    exact, _ = brokerage.betweenness(g)
    approx, err = brokerage.betweenness(g, exact_limit=100, pivots=150, seed=1)
    worst = max(abs(exact[n] - approx[n]) for n in g)
    assert 0 < err[0] < 0.2
    assert worst <= err[0]


def test_davis_women_projection_published() -> None:
    g = nx.davis_southern_women_graph()
    women = [n for n, d in g.nodes(data=True) if d["bipartite"] == 0]
    proj = nx.bipartite.projected_graph(g, women)
    assert proj.number_of_edges() == 139
    assert proj.degree("Evelyn Jefferson") == 17
    edges = pd.read_csv(f"{REF}/davis_southern_women/davisedge.csv")
    g2 = nx.from_pandas_edgelist(edges, "Source", "Target")
    women2 = sorted(set(edges["Source"]))
    proj2 = nx.bipartite.projected_graph(g2, women2)
    assert proj2.number_of_edges() == 139 and proj2.degree("EVELYN") == 17


def test_copresence_on_davis_events_equals_projection() -> None:
    """Each event as a place at one time: co-presence is then the women's projection."""
    g = nx.davis_southern_women_graph()
    women = [n for n, d in g.nodes(data=True) if d["bipartite"] == 0]
    events = sorted(n for n, d in g.nodes(data=True) if d["bipartite"] == 1)
    t0 = datetime(2024, 1, 1, 18)
    pres = pd.DataFrame([
        {"presence_id": f"P{i}", "person_id": w, "place_id": e, "kind": "seen_at",
         "seen_at": t0 + timedelta(days=events.index(e), minutes=i % 50),
         "source_agency": "police"}
        for i, (w, e) in enumerate((w, e) for w in women for e in g.neighbors(w))
    ])
    people = _people([(w, "child") for w in women])
    cp = network.copresence(pres, people, window=timedelta(hours=2))
    assert len(cp.partners("Evelyn Jefferson")) == 17
    pairs = {(a, b) for a, b in zip(cp.pairs["child_a"], cp.pairs["child_b"], strict=True)}
    assert len(pairs) == 139
    evelyn = {b if a == "Evelyn Jefferson" else a for a, b in pairs if "Evelyn Jefferson" in (a, b)}
    assert len(evelyn) == 17


def test_copresence_window() -> None:
    t = datetime(2025, 3, 1, 20)
    pres = pd.DataFrame({
        "presence_id": ["1", "2", "3", "4"], "person_id": ["a", "b", "c", "x"],
        "place_id": ["P", "P", "P", "P"], "kind": ["seen_at"] * 4,
        "seen_at": [t, t + timedelta(minutes=90), t + timedelta(hours=5), t],
        "source_agency": ["police"] * 4})
    people = _people([("a", "child"), ("b", "child"), ("c", "child"), ("x", "adult_of_concern")])
    cp = network.copresence(pres, people, window=timedelta(hours=2))
    pairs = cp.pairs
    assert list(zip(pairs["child_a"], pairs["child_b"], strict=True)) == [("a", "b")]
    assert cp.partners("b") == {"a"} and cp.places("a", "b") == ["P"] and not cp.partners("c")
    g = nx.Graph()
    g.add_nodes_from(["a", "b", "c"], kind="child")
    cc = network.connected_children(g, "a", k=1, copresence=cp, place_labels={"P": "Park"})
    assert cc.ids() == ["b"]
    assert cc.table.iloc[0]["via"] == "seen together at Park once, 2025-03-01 20:00"


D = date(2025, 1, 1)


@pytest.fixture
def town() -> tuple[nx.Graph, pd.DataFrame, pd.DataFrame]:
    """Two peer groups bridged by adult X; adult Y only reaches group 1; a professional
    links everyone."""
    people = _people([("c1", "child"), ("c2", "child"), ("c3", "child"), ("c4", "child"),
                      ("c5", "child"), ("c6", "child"), ("X", "adult_of_concern"),
                      ("Y", "adult_of_concern"), ("T", "trusted_adult"),
                      ("S", "professional")])
    links = _links([
        ("c1", "c2", "peer", "unknown", D), ("c2", "c3", "peer", "unknown", D),
        ("c1", "c3", "peer", "unknown", D),
        ("c4", "c5", "peer", "unknown", D), ("c5", "c6", "peer", "unknown", D),
        ("c4", "c6", "peer", "unknown", D),
        ("X", "c3", "relationship_reported", "harmful", D, "B"),
        ("X", "c4", "supplies", "harmful", D + timedelta(days=10), "C"),
        ("Y", "c1", "associate", "harmful", D + timedelta(days=40), "E"),
        ("X", "c1", "associate", "harmful", D - timedelta(days=5)),
        ("T", "c2", "trusted_adult", "protective", D),
        ("S", "c1", "professional", "protective", D), ("S", "c6", "professional", "protective", D),
    ])
    g = network.contact_graph(network.build_person_graph(people, links))
    return g, people, links


def test_children_never_leads(town: tuple[nx.Graph, pd.DataFrame, pd.DataFrame]) -> None:
    g, _, _ = town
    groups = network.peer_groups(g, seed=7)
    fac = brokerage.facilitators(g, groups=groups)
    kinds = {g.nodes[n]["kind"] for n in fac.table["person_id"]}
    assert kinds == {"adult_of_concern"}
    assert set(fac.leads) == {"X", "Y"}
    assert set(brokerage.adult_hubs(g)["person_id"]) == {"X", "Y"}
    assert fac.table.iloc[0]["person_id"] == "X"
    lead = fac.leads["X"]
    assert lead.children == ["c1", "c3", "c4"]
    assert len(lead.groups) == 2
    assert lead.measures["liaison"] + lead.measures["representative"] + \
        lead.measures["gatekeeper"] > 0
    assert all("source_agency" in link and "grading" in link for link in lead.links)
    assert "not a finding" in lead.why
    # X met c1 before c1 was linked to Y: temporal brokerage
    assert ("c1", "Y") in brokerage.temporal_brokerage(g, "X")
    assert fac.key_players[0] == "X"
    assert fac.reachability[0] > fac.reachability[1]


def test_professionals_excluded(town: tuple[nx.Graph, pd.DataFrame, pd.DataFrame]) -> None:
    g, _, _ = town
    assert "S" not in g
    cc = network.connected_children(g, "c1", k=1)
    assert set(cc.ids()) == {"c2", "c3"}
    cc2 = network.connected_children(g, "c1", k=2)
    assert "c4" in cc2.ids()  # via adult X
    row = cc2.table.set_index("person_id").loc["c4"]
    assert row["path"] == ["c1", "X", "c4"] and row["harmful_on_path"]
    with pytest.raises(ValueError, match="not a child"):
        network.connected_children(g, "X")


def test_peer_groups_seeded(town: tuple[nx.Graph, pd.DataFrame, pd.DataFrame]) -> None:
    g, _, _ = town
    a = network.peer_groups(g, seed=3)
    b = network.peer_groups(g, seed=3)
    assert a.membership == b.membership
    assert sorted(map(tuple, a.table["members"])) == [("c1", "c2", "c3"), ("c4", "c5", "c6")]


def test_place_hubs_recency_and_harm() -> None:
    t = datetime(2025, 6, 1)
    people = _people([("a", "child"), ("b", "child"), ("c", "child"), ("z", "adult_of_concern")])
    places = pd.DataFrame({"place_id": ["P1", "P2"], "kind": ["hotel", "park"],
                           "name": ["Hotel", "Park"]})
    pres = pd.DataFrame({
        "presence_id": list("123456"), "person_id": ["a", "b", "a", "a", "b", "z"],
        "place_id": ["P1", "P1", "P1", "P2", "P2", "P2"],
        "kind": ["harmed_at", "seen_at", "seen_at", "seen_at", "seen_at", "seen_at"],
        "seen_at": [t, t, t - timedelta(days=3), t - timedelta(days=400),
                    t - timedelta(days=400), t],
        "source_agency": ["police"] * 6})
    pg = network.build_place_graph(people, places, pres)
    table = brokerage.place_hubs(pg, as_of=t.date())
    assert list(table["place_id"]) == ["P1", "P2"]
    p1 = table.iloc[0]
    assert p1["children"] == 2 and p1["repeat_children"] == 1 and p1["harm_presences"] == 1
    assert table.iloc[1]["children"] == 2  # the adult does not count


def test_key_players_against_brute_force() -> None:
    """Greedy first pick equals the best single removal found by brute force."""
    import random

    rng = random.Random(5)
    for trial in range(15):
        g = nx.gnm_random_graph(25, 30, seed=trial)
        g = nx.relabel_nodes(g, str)
        for n in g:
            g.nodes[n]["kind"] = rng.choice(["child", "child", "adult_of_concern", "other"])

        def pairs(h: nx.Graph) -> int:
            total = 0
            for c in nx.connected_components(h):
                kinds = [h.nodes[n]["kind"] for n in c]
                total += kinds.count("child") * kinds.count("adult_of_concern")
            return total

        base = pairs(g)
        adults = [n for n in g if g.nodes[n]["kind"] == "adult_of_concern"]
        if not adults:
            continue
        best = max(base - pairs(g.subgraph(set(g) - {a})) for a in adults)
        chosen, trace = brokerage.key_players(g, k=2)
        assert trace[0] == base
        if best > 0:
            assert trace[0] - trace[1] == best
            assert trace[1] == pairs(g.subgraph(set(g) - {chosen[0]}))


def test_view_caps_elements_and_says_so() -> None:
    g = nx.relabel_nodes(nx.karate_club_graph(), str)
    for n in g:
        g.nodes[n]["kind"] = "child" if int(n) % 2 else "adult_of_concern"
    v = network.view(g, cap=20, centres=["0"], hops=1)
    assert v.shown <= 20 and v.total == 17 + 34 and v.truncated
    assert v.graph.number_of_nodes() + v.graph.number_of_edges() == v.shown
    assert "Showing 20 of 51" in v.caption()
    whole = network.view(g, cap=1000)
    assert not whole.truncated and whole.shown == 34 + 78
    only = network.view(g, cap=1000, centres=["0"], hops=1, kinds=["child"])
    assert {g.nodes[n]["kind"] for n in only.graph if n != "0"} == {"child"}
    with pytest.raises(ValueError, match="cap"):
        network.view(g, cap=0)


def test_gould_fernandez_roles_match_a_hand_count() -> None:
    """Broker B (group G1) and its neighbours a1, a2 (G1), c1, c2 (G2), d1 (G3); c2-d1 are
    linked, so that pair is no brokerage. Counted by hand over the nine unlinked pairs:
    a1-a2 coordinator; c1-c2 itinerant; c1-d1 liaison; a1-c1, a1-d1, a2-d1 representative
    (B's own group reached B first); a2-c1 gatekeeper (c1's link came first); a1-c2 and
    a2-c2 half each (the B-c2 link has no date)."""
    from datetime import date

    g = nx.Graph()
    when = {"a1": date(2025, 1, 1), "a2": date(2025, 3, 1), "c1": date(2025, 2, 1),
            "c2": None, "d1": date(2025, 4, 1)}
    for n, t in when.items():
        g.add_edge("B", n, first_seen=t)
    g.add_edge("c2", "d1", first_seen=date(2025, 5, 1))
    membership = {"B": "G1", "a1": "G1", "a2": "G1", "c1": "G2", "c2": "G2", "d1": "G3"}
    roles = brokerage.brokerage_roles(g, "B", membership)
    assert roles == {"coordinator": 1.0, "itinerant": 1.0, "representative": 4.0,
                     "gatekeeper": 2.0, "liaison": 1.0}
    assert sum(roles.values()) == 9  # every unlinked pair of neighbours counted once
