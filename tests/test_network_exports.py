"""Exports: GraphML/GEXF/i2 with provenance, pseudonymised, formula injection neutralised."""

from __future__ import annotations

import io
from datetime import date

import networkx as nx
import pandas as pd

from analytics import exports, network


def _graph() -> nx.Graph:
    people = pd.DataFrame({"person_id": ["a", "b"], "pseudonym": ["C-01", "A-02"],
                           "kind": ["child", "adult_of_concern"],
                           "label": ["=HYPERLINK(\"http://x\")", "Named Adult"]})
    links = pd.DataFrame([{
        "link_id": "L1", "source_person_id": "a", "target_person_id": "b",
        "kind": "supplies", "nature": "harmful", "first_seen": date(2025, 1, 1),
        "last_seen": date(2025, 2, 1), "source_agency": "@police", "grading_source": 2,
        "grading_intel": "B", "grading_handling": "P", "verified": True, "evidence": ["I1"]}])
    return network.build_person_graph(people, links)


def test_neutralise() -> None:
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx"):
        assert exports.neutralise(bad) == "'" + bad
    assert exports.neutralise("safe") == "safe" and exports.neutralise(3) == 3


def test_i2_csv_provenance_and_injection() -> None:
    ent, lnk = exports.to_i2(_graph())
    e = pd.read_csv(io.BytesIO(ent), keep_default_na=False)
    k = pd.read_csv(io.BytesIO(lnk), keep_default_na=False)
    assert list(e.columns) == list(exports.I2_ENTITY_COLUMNS)
    assert e.set_index("Entity ID").loc["a", "Label"].startswith("'=")
    row = k.iloc[0]
    assert row["Source Agency"] == "'@police" and row["Grading"] == "2B P"
    assert row["Link Type"] == "supplies" and row["Nature"] == "harmful"
    assert str(row["Verified"]) == "True" and row["Record IDs"] == "I1"


def test_pseudonymised_graphml_and_gexf() -> None:
    g = exports.pseudonymise(_graph())
    gm = exports.to_graphml(g).decode()
    assert "C-01" in gm and "Named Adult" not in gm and "2B P" in gm
    back = nx.read_graphml(io.BytesIO(exports.to_graphml(g)))
    assert back.edges["a", "b"]["source_agencies"] == "'@police"
    assert back.nodes["b"]["kind"] == "adult_of_concern"
    gx = exports.to_gexf(g).decode()
    assert "A-02" in gx and "Named Adult" not in gx and "gradings" in gx
