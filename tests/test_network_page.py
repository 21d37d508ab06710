"""AppTest for the Network page on the hand-made town (and on the demo town when present)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.store import Store
from tests import network_town
from tests.apptest_support import page_app

PAGE = str(Path(__file__).resolve().parent.parent / "dashboard" / "views" / "network.py")


@pytest.fixture(scope="module")
def town_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("town") / "town.duckdb"
    with Store.open(path, create=True) as store:
        network_town.build(store)
    return path


def _run(db: Path, monkeypatch: pytest.MonkeyPatch, role: str, mode: str = "pseudonymised",
         **state: object) -> AppTest:
    monkeypatch.setenv("CSMAP_DB_PATH", str(db))
    at = page_app(PAGE, default_timeout=60)
    at.session_state["csmap_role"] = role
    at.session_state["csmap_mode"] = mode
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


@pytest.mark.parametrize("role", ["panel", "analyst"])
def test_page_renders_leads_for_panel_and_analyst(town_db: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  role: str) -> None:
    at = _run(town_db, monkeypatch, role)
    assert not at.exception, at.exception
    assert at.title[0].value == "Network"
    leads = at.dataframe[0].value
    assert list(leads["label"]) == ["AC-001", "AC-002"]  # adults of concern only
    assert not leads["label"].str.startswith("CH-").any()
    assert any("Showing" in c.value for c in at.caption)


def test_lead_selection_explains_itself(town_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(town_db, monkeypatch, "analyst", network_lead="A1")
    assert not at.exception, at.exception
    text = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))  # as shown
    assert "AC-001" in text and "not a finding" in text and "CH-001" in text


def test_child_centre_shows_connected_children(town_db: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(town_db, monkeypatch, "panel", network_search="CH-001", network_centre="c1")
    assert not at.exception, at.exception
    assert "Connected children" in [s.value for s in at.subheader]
    cc = at.dataframe[-1].value
    assert set(cc["label"]) >= {"CH-002", "CH-003"}


def test_named_mode_shows_names(town_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(town_db, monkeypatch, "analyst", "named")
    assert not at.exception, at.exception
    assert at.dataframe[0].value["label"].str.startswith("Given").all()


def test_commissioner_gets_a_readable_refusal(town_db: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(town_db, monkeypatch, "commissioner")
    assert not at.exception
    assert "This page is for the panel, analyst role(s)" in at.warning[0].value
    assert not at.dataframe


def test_export_is_a_disclosure_with_recipients_and_the_people_in_it(tmp_path: Path) -> None:
    import json

    from analytics import analysis
    from dashboard.components import network_exports
    from data import network as netdata
    from domain.access import Role, Viewer
    from domain.errors import ValidationError

    # a separate file: the AppTests above keep the shared one open in this process
    with Store.open(tmp_path / "export.duckdb", create=True) as store:
        network_town.build(store)
        v = Viewer("exporter", Role.ANALYST, "page purpose")
        q = netdata.NetworkQuery(start=network_town.AS_OF.replace(month=1),
                                 end=network_town.AS_OF)
        f = netdata.load(store, v, q)
        a = analysis.analyse(f.people, f.places, f.links, f.presences,
                             as_of=network_town.AS_OF)
        graph = a.view_graph
        with pytest.raises(ValidationError, match="Say who will receive it"):
            network_exports.record_export(store, v, "gexf", "MACE plan for PL1", " ; ", graph,
                                          False)
        network_exports.record_export(store, v, "gexf", "MACE plan for PL1",
                                      "MACE panel; licensing officer", graph, False)
        rows = store.cursor.execute(
            "SELECT event_type, object_id, purpose, recipients, person_ids, fields "
            "FROM audit_event WHERE actor = 'exporter' AND object_kind = 'network'"
        ).fetchall()
    assert len(rows) == 1  # the refused one wrote nothing
    kind, fmt, purpose, recipients, people, fields = rows[0]
    assert (kind, fmt, purpose) == ("disclosure", "gexf", "MACE plan for PL1")
    assert recipients == ["MACE panel", "licensing officer"]
    persons = {n for n, k in graph.nodes(data="kind") if k not in ("place", "online")}
    assert set(people) == persons and "c1" in people and "PL1" not in people
    assert json.loads(fields)["counts"] == {"nodes": graph.number_of_nodes(),
                                            "edges": graph.number_of_edges()}
    assert a.view_graph.number_of_nodes() == 13


def test_exports_are_offered_only_with_a_purpose_and_recipients(
        town_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(town_db, monkeypatch, "analyst", network_export_purpose="MACE plan for PL1")
    assert not at.exception, at.exception
    label = at.text_input(key="network_export_recipients").label
    assert label == "Recipients (who will receive it)"
    assert any("purpose and the recipients" in c.value for c in at.caption)
    at.text_input(key="network_export_recipients").input("MACE panel").run()
    assert not at.exception, at.exception
    assert not any("purpose and the recipients" in c.value for c in at.caption)
    assert any("links drawn" in c.value for c in at.caption)  # the buttons' caption


def test_expanded_node_and_kinds_filter(town_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(town_db, monkeypatch, "analyst", network_hops=1, network_expanded=["c1"],
              network_kinds=["child", "adult_of_concern", "professional"])
    assert not at.exception, at.exception
    assert at.multiselect(key="network_expanded").value == ["c1"]


def test_graph_elements_style_and_highlight() -> None:
    from analytics import analysis
    from dashboard.components import network_graph
    from data import network as netdata
    from domain.access import Role, Viewer

    with Store.open(":memory:") as store:
        network_town.build(store)
        v = Viewer("t", Role.ANALYST, "testing")
        f = netdata.load(store, v, netdata.NetworkQuery(start=network_town.AS_OF.replace(
            month=1), end=network_town.AS_OF))
    a = analysis.analyse(f.people, f.places, f.links, f.presences, as_of=network_town.AS_OF)
    els = network_graph.elements(a.view_graph, highlight_nodes={"A1"},
                                 highlight_edges={("A1", "c1")})
    nodes = {n["data"]["id"]: n["data"] for n in els["nodes"]}
    assert nodes["A1"]["label"] == "Adult of concern" and nodes["A1"]["_border"] > 1
    assert nodes["c1"]["name"] == "CH-001" and nodes["c1"]["_border"] < 1
    edges = {frozenset((e["data"]["source"], e["data"]["target"])): e["data"]
             for e in els["edges"]}
    a1c1 = edges[frozenset(("A1", "c1"))]
    assert a1c1["label"] == "Harmful link" and a1c1["_line"] == "solid"  # verified, graded B
    assert a1c1["_width"] > 4 and a1c1["grading"] == "2B P"
    assert edges[frozenset(("A1", "c4"))]["_line"] == "dashed"  # graded D
    assert edges[frozenset(("T1", "c2"))]["label"] == "Protective link"


def test_views_and_searches_are_audited_once(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "audit.duckdb"
    with Store.open(db, create=True) as store:
        network_town.build(store)
    at = _run(db, monkeypatch, "panel")
    at.run()  # a rerun with nothing changed is not a new view
    at.radio(key="network_hops").set_value(1).run()
    assert not at.exception
    from dashboard import common

    store = common._open_store(str(db))
    rows = store.cursor.execute(
        "SELECT event_type, count(*) FROM audit_event WHERE object_kind = 'network' "
        "GROUP BY ALL ORDER BY ALL").fetchall()
    assert dict(rows) == {"search": 2, "consultation": 1}
    view = store.cursor.execute(
        "SELECT person_ids, fields FROM audit_event WHERE object_kind = 'network' "
        "AND event_type = 'consultation'").fetchone()
    assert view is not None and "c1" in view[0] and '"named": false' in view[1]
    searches = store.cursor.execute(
        "SELECT object_id, fields FROM audit_event WHERE object_kind = 'network' "
        "AND event_type = 'search'").fetchall()
    assert all('"text_length": 0' in f for _, f in searches)


def test_betweenness_tooltip_says_what_the_code_and_the_doc_say() -> None:
    """Betweenness is normalised over the people with at least one link, not per component."""
    from analytics import brokerage
    from dashboard.components import network_roles

    help_text = network_roles.BETWEENNESS_HELP
    assert "normalised over the component" not in help_text
    assert "people with at least one link" in help_text and "C(n-1, 2)" in help_text
    doc = (Path(__file__).resolve().parent.parent / "docs" / "network.md").read_text()
    assert "normalised over the people with at least one link" in doc
    assert "people with at least" in " ".join((brokerage.__doc__ or "").split())


def test_the_centre_stays_when_the_filters_change(town_db: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    at = _run(town_db, monkeypatch, "analyst", network_centre="c3")
    assert not at.exception, at.exception
    assert at.selectbox(key="network_centre").value == "c3"
    end = network_town.AS_OF
    at.session_state["network_f_period"] = (end - timedelta(days=60), end)
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="network_centre").value == "c3"  # not moved to a lead
    at.text_input(key="network_search").input("Station").run()  # a new search: its match
    assert at.selectbox(key="network_centre").value == "PL1"


def test_positions_are_kept_when_a_lead_is_highlighted(
        town_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.components import network_graph

    at = _run(town_db, monkeypatch, "analyst", network_centre="c1", network_hops=1)
    before = dict(at.session_state[network_graph.POSITIONS_KEY]["pos"])
    assert before["c1"] == (0.0, 0.0)
    at.selectbox(key="network_lead").set_value("A1").run()
    assert not at.exception, at.exception
    after = at.session_state[network_graph.POSITIONS_KEY]["pos"]
    assert set(after) >= set(before)
    assert all(after[n] == pytest.approx(before[n]) for n in before)
    at.button(key="network_relayout").click().run()  # "Lay out again" starts afresh
    assert not at.exception, at.exception


def test_leads_show_ranks_words_and_dated_evidence(town_db: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(town_db, monkeypatch, "analyst", network_lead="A1")
    assert not at.exception, at.exception
    leads = at.dataframe[0].value
    assert {"betweenness_standing", "child_adult_betweenness_standing",
            "main_role"} <= set(leads.columns)
    assert leads["betweenness_standing"].iloc[0].startswith("#1 · ")
    text = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))
    assert "How it brokers: " in text and " x1" not in text
    assert "Evidence, oldest first" in text
    assert re.search(r"- 2025-01-06 to 2025-04-06: harmful link \(reported", text)


def test_a_place_centre_shows_who_was_there_together(town_db: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(town_db, monkeypatch, "analyst", network_centre="PL1")
    assert not at.exception, at.exception
    assert "Who was here together, when" in [s.value for s in at.subheader]
    occasions = next(df.value for df in at.dataframe if "labels" in df.value.columns)
    assert len(occasions) == 1
    assert set(occasions.iloc[0]["labels"].split(", ")) == {"CH-001", "CH-005", "AC-001"}


def test_connected_children_say_when_they_were_seen_together(
        town_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _run(town_db, monkeypatch, "panel", network_centre="c1", network_hops=1)
    assert not at.exception, at.exception
    cc = at.dataframe[-1].value.set_index("label")
    assert cc.loc["CH-005", "via"] == "seen together at =Station Hotel once, 2025-05-01 21:00"
