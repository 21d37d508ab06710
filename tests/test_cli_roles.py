"""``csmap roles`` on edge lists: the JSON shape, bad input, and the reader under hypothesis."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from analytics import edgelist
from domain.errors import ValidationError
from services.cli import app

runner = CliRunner()


def _write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def test_roles_json_florentine(tmp_path: Path) -> None:
    g = nx.florentine_families_graph()
    rows = ["source,target,weight"] + [f"{u},{v},1" for u, v in g.edges]
    rows.append("Medici,Acciaiuoli,2")  # repeated pair merges; weights add
    edges = _write(tmp_path, "edges.csv", "\n".join(rows) + "\n")
    res = runner.invoke(app, ["roles", str(edges), "--json", "--top", "3"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["nodes"] == 15 and out["edges"] == 20
    assert set(out) == {"nodes", "edges", "facilitators", "hubs", "groups"}
    first = out["facilitators"][0]
    assert first["id"] == "Medici" and first["rank"] == 1
    assert abs(first["betweenness"] - 0.522) < 5e-4 and first["degree"] == 6
    assert [f["rank"] for f in out["facilitators"]] == [1, 2, 3]
    assert all(isinstance(g["id"], str) and g["members"] for g in out["groups"])
    # without a node list every node may be ranked: the analyst is told, on stderr
    assert "no --nodes file" in res.stderr and "children are never ranked" in res.stderr


def test_roles_with_nodes_children_never_ranked(tmp_path: Path) -> None:
    edges = _write(tmp_path, "e.csv", "source,target,first_seen\nA,k1,2024-01-01\nk1,k2,\n"
                   "A,k3,2024-02-01\nk3,B,2024-03-01\nk1,B,2024-05-01\nk3,k4,\n")
    nodes = _write(tmp_path, "n.csv", "id,kind\nA,adult\nB,adult\nk1,child\nk2,child\n"
                   "k3,child\nk4,child\n")
    res = runner.invoke(app, ["roles", str(edges), "--nodes", str(nodes), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ids = {f["id"] for f in out["facilitators"]} | {h["id"] for h in out["hubs"]}
    assert ids == {"A", "B"}
    a = next(f for f in out["facilitators"] if f["id"] == "A")
    assert a["temporal_brokerage"] >= 1  # A knew k3 before k3 was linked to B
    text = runner.invoke(app, ["roles", str(edges), "--nodes", str(nodes)])
    assert text.exit_code == 0 and "Facilitator leads" in text.stdout


def test_edge_list_hubs_follow_the_brokerage_ranking() -> None:
    """Hubs tie on children; the one ranking (brokerage.node_hubs) then prefers the place that
    reaches more children in two hops, not the adult with more (adult) neighbours."""
    edges = edgelist.parse_edges("source,target\nA,k1\nA,k2\nk2,k3\nA,B2\nA,B3\n"
                                 "P,k1\nP,k2\nP,B4\nB4,k9\n")
    kinds = edgelist.parse_nodes("id,kind\nA,adult\nB2,adult\nB3,adult\nB4,adult\n"
                                 "P,place\nk1,child\nk2,child\nk3,child\nk9,child\n")
    graph = edgelist.build_graph(edges, kinds)
    hubs = edgelist.roles(graph, top=3)["hubs"]
    assert [(h["id"], h["rank"], h["children"]) for h in hubs] == [
        ("P", 1, 2), ("A", 2, 2), ("B4", 3, 1)]
    assert hubs[1]["degree"] == 4 and hubs[0]["kind"] == "place"
    from analytics import brokerage
    ranked = brokerage.node_hubs(graph, ("adult_of_concern", "place", "online", "child"))
    assert ranked["node"].head(3).tolist() == ["P", "A", "B4"]  # children are never hubs
    assert "k1" not in set(ranked["node"])


@pytest.mark.parametrize(("content", "message"), [
    ("", r"e\.csv: the file is empty"),
    ("from,to\nA,B\n", r"e\.csv, row 1, column source: missing column"),
    ("source,target\n", r"e\.csv, row 2: no edges"),
    ("source,target\nA,B\nC,C\n", r"e\.csv, row 3, column target: self-loop"),
    ("source,target,weight\nA,B,1\nB,C,heavy\n",
     r"e\.csv, row 3, column weight: 'heavy' is not a number"),
    ("source,target,weight\nA,B,-1\n", r"row 2, column weight: '-1' must be a positive"),
    ("source,target,first_seen\nA,B,yesterday\n", r"row 2, column first_seen"),
    ("source,target\nA,\n", r"row 2, column target: empty node id"),
])
def test_bad_edges_one_line_error(tmp_path: Path, content: str, message: str) -> None:
    edges = _write(tmp_path, "e.csv", content)
    res = runner.invoke(app, ["roles", str(edges)])
    assert res.exit_code != 0
    err = res.stderr.strip()
    assert "\n" not in err and "Traceback" not in err
    import re
    assert re.search(message, err), err


def test_bad_nodes_and_missing_file(tmp_path: Path) -> None:
    edges = _write(tmp_path, "e.csv", "source,target\nA,B\n")
    nodes = _write(tmp_path, "n.csv", "id,type\nA,child\n")
    res = runner.invoke(app, ["roles", str(edges), "--nodes", str(nodes)])
    assert res.exit_code != 0 and "n.csv, row 1, column kind: missing column" in res.stderr
    res = runner.invoke(app, ["roles", str(tmp_path / "nope.csv")])
    assert res.exit_code != 0 and "no such file" in res.stderr


node_id = st.text(alphabet=st.characters(whitelist_categories=("L", "N"), max_codepoint=0x2FF),
                  min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(node_id, node_id, st.integers(1, 5)), min_size=1, max_size=30))
def test_reader_merges_repeated_pairs(rows: list[tuple[str, str, int]]) -> None:
    rows = [r for r in rows if r[0] != r[1]]
    if not rows:
        return
    text = "source,target,weight\n" + "".join(f"{a},{b},{w}\n" for a, b, w in rows)
    g = edgelist.build_graph(edgelist.parse_edges(text))
    expected: dict[frozenset[str], float] = {}
    for a, b, w in rows:
        key = frozenset({a, b})
        expected[key] = expected.get(key, 0) + w
    assert g.number_of_edges() == len(expected)
    for key, w in expected.items():
        a, b = sorted(key)
        assert g.edges[a, b]["weight"] == w
    assert all(k == "adult_of_concern" for _, k in g.nodes(data="kind"))


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=80))
def test_reader_never_crashes_on_garbage(text: str) -> None:
    try:
        edgelist.parse_edges(text)
    except ValidationError as exc:
        msg = str(exc)
        assert "\n" not in msg and msg.startswith("EDGES.csv")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(node_id, node_id), min_size=1, max_size=12),
       st.integers(0, 11), st.sampled_from(["x", "1e", "nan", "--", "inf"]))
def test_reader_names_bad_weight_row(pairs: list[tuple[str, str]], bad: int, junk: str) -> None:
    pairs = [(a, b) for a, b in pairs if a != b]
    if not pairs:
        return
    bad %= len(pairs)
    lines = [f"{a},{b},{junk if i == bad else 1}" for i, (a, b) in enumerate(pairs)]
    with pytest.raises(ValidationError, match=rf"row {bad + 2}, column weight"):
        edgelist.parse_edges("source,target,weight\n" + "\n".join(lines))


@pytest.mark.parametrize("text", ["\ufeff", "\ufeff \n", "\n\n"])
def test_a_file_with_only_a_byte_order_mark_is_empty(text: str) -> None:
    with pytest.raises(ValidationError, match="the file is empty"):
        edgelist.parse_edges(text)
