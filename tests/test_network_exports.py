"""Exports: GraphML/GEXF/i2 with provenance, pseudonymised, formula injection neutralised."""

from __future__ import annotations

import io
from datetime import date

import networkx as nx
import pandas as pd
import pytest

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


def _presence_graph() -> nx.Graph:
    """A person graph with a link (dates) and a sighting at a place (a date-time)."""
    from datetime import datetime

    g = _graph()
    g.add_node("P1", kind="place", place_kind="park", label="Recreation Ground")
    g.add_edge("a", "P1", kinds=["presence"], nature="unknown", verified=True,
               first_seen=datetime(2025, 11, 7, 21, 37, 30),
               last_seen=datetime(2025, 11, 7, 21, 37, 30),
               records=[{"presence_id": "PR1", "kind": "seen_at",
                         "seen_at": datetime(2025, 11, 7, 21, 37, 30),
                         "source_agency": "police", "grading": "ungraded"}])
    return g


def _parse(value: str, kind: str, spec: dict[str, object]) -> object:
    """A cell read the way the import specification says (raises when it does not fit)."""
    from datetime import datetime

    formats = spec["formats"]
    assert isinstance(formats, dict)
    if kind == "date":
        return datetime.strptime(value, formats["date"]["strptime"]).date()
    if kind == "date_time":
        return datetime.strptime(value, formats["date_time"]["strptime"])
    if kind == "number":
        return float(value)
    if kind == "flag":
        assert value in (formats["flag"]["true"], formats["flag"]["false"]), value
        return value == formats["flag"]["true"]
    return value


def test_i2_csvs_import_as_they_are_with_the_import_specification() -> None:
    import csv
    import json

    spec = json.loads(exports.i2_import_spec(marking="OFFICIAL-SENSITIVE"))
    assert spec["protective_marking"] == "OFFICIAL-SENSITIVE"
    ent, lnk = exports.to_i2(_presence_graph(), marking="OFFICIAL-SENSITIVE")
    for payload, part in ((ent, "entities"), (lnk, "links")):
        fspec = spec["files"][part]
        rows = list(csv.reader(io.StringIO(payload.decode(fspec["encoding"])),
                               delimiter=fspec["delimiter"], quotechar=fspec["quote"]))
        header, data = rows[: fspec["header_rows"]][-1], rows[fspec["first_data_row"] - 1:]
        assert header == [c["name"] for c in fspec["columns"]]
        assert data, part
        for row in data:
            for cell, col in zip(row, fspec["columns"], strict=True):
                if cell == "":
                    assert not col["required"], (part, col["name"])
                    continue
                _parse(cell, col["type"], spec)
            assert row[0] == "OFFICIAL-SENSITIVE"
    links = pd.read_csv(io.BytesIO(lnk), keep_default_na=False, dtype=str)
    # one format per column: dates are dates, the sighting's time is in its own column
    assert set(links["First Seen"]) == {"2025-01-01", "2025-11-07"}
    assert sorted(links["Date Time"]) == ["", "2025-11-07T21:37:30"]
    ids = set(pd.read_csv(io.BytesIO(ent), dtype=str)["Entity ID"])
    assert set(links["From Entity ID"]) | set(links["To Entity ID"]) <= ids


def test_every_file_carries_the_protective_marking(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv("CSMAP_PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE [TEST]")
    g = _presence_graph()
    gm = exports.to_graphml(g)
    assert gm.splitlines()[1] == b"<!-- OFFICIAL-SENSITIVE [TEST] -->"
    assert nx.read_graphml(io.BytesIO(gm)).graph["protective_marking"] == \
        "OFFICIAL-SENSITIVE [TEST]"
    back = nx.read_graphml(io.BytesIO(gm))
    edge = back.edges["a", "P1"]
    assert (edge["first_seen"], edge["first_seen_at"]) == ("2025-11-07", "2025-11-07T21:37:30")
    assert back.edges["a", "b"]["first_seen_at"] == ""  # a link has a date, not a time
    gx = exports.to_gexf(g)
    assert b"<description>OFFICIAL-SENSITIVE [TEST]</description>" in gx
    nx.read_gexf(io.BytesIO(gx))  # still valid GEXF
    ent, lnk = exports.to_i2(g)
    assert all(line.startswith(b"OFFICIAL-SENSITIVE [TEST],") for line in
               [*ent.splitlines()[1:], *lnk.splitlines()[1:]])
    assert json.loads(exports.i2_import_spec())["protective_marking"] == \
        "OFFICIAL-SENSITIVE [TEST]"
