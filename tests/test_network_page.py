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
        rows = store.audit_log.cursor.execute(
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
    rows = store.audit_log.cursor.execute(
        "SELECT event_type, count(*) FROM audit_event WHERE object_kind = 'network' "
        "GROUP BY ALL ORDER BY ALL").fetchall()
    # the analysed view once; the roles tables once; the graph drawn at 2 hops, then at 1 hop
    assert dict(rows) == {"search": 2, "consultation": 4}
    parts = store.audit_log.cursor.execute(
        "SELECT object_id, count(*) FROM audit_event WHERE object_kind = 'network' "
        "AND event_type = 'consultation' GROUP BY ALL").fetchall()
    assert dict(parts) == {None: 1, "roles tables": 1, "graph drawn": 2}
    view = store.audit_log.cursor.execute(
        "SELECT person_ids, fields FROM audit_event WHERE object_kind = 'network' "
        "AND event_type = 'consultation' AND object_id IS NULL").fetchone()
    assert view is not None and "c1" in view[0] and '"named": false' in view[1]
    searches = store.audit_log.cursor.execute(
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


def _events(db: Path, where: str) -> list[tuple]:
    from dashboard import common

    store = common._open_store(str(db))
    return store.audit_log.cursor.execute(
        "SELECT object_id, person_ids, purpose, recipients FROM audit_event "  # noqa: S608
        f"WHERE object_kind = 'network' AND {where} ORDER BY event_id").fetchall()


def test_every_person_shown_is_in_an_event_about_what_showed_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The drawn graph, the connected children, the roles tables and a lead's detail each
    list the people they show, so each child shown finds the view in their subject access
    report (4 of 5 children shown by name were missing before)."""
    from dashboard.components import network_roles
    from services import network as network_service

    db = tmp_path / "shown.duckdb"
    with Store.open(db, create=True) as store:
        network_town.build(store)
    at = _run(db, monkeypatch, "analyst", network_search="CH-001", network_centre="c1")
    lead = at.selectbox(key=network_roles.LEAD_KEY).options[1]
    at.selectbox(key=network_roles.LEAD_KEY).set_value(lead).run()
    assert not at.exception, at.exception
    shown = {part: set(people) for part, people, _, _ in
             _events(db, "event_type = 'consultation' AND object_id IS NOT NULL")}
    assert set(shown) == set(network_service.SHOWN_PARTS)
    assert "Connected children" in [h.value for h in at.subheader]
    children_listed = {str(r) for r in at.dataframe[-1].value["label"]}  # CH-002, CH-003...
    assert children_listed and {"c1", "c2", "c3"} <= shown["connected children"]
    assert "c1" in shown["graph drawn"] and "PL1" not in shown["graph drawn"]
    assert {"A1"} <= shown["roles tables"]
    assert any(c.startswith("c") for c in shown["lead detail"])


def test_exports_are_built_only_when_asked_after_the_disclosure_is_recorded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the click nothing is built (a built file is served under /media/... to anyone
    with its address); the click records the disclosure with the people drawn, then offers
    the file."""
    db = tmp_path / "export_click.duckdb"
    with Store.open(db, create=True) as store:
        network_town.build(store)
    at = _run(db, monkeypatch, "analyst", network_export_purpose="MACE plan for PL1",
              network_export_recipients="MACE panel; licensing officer")
    assert not at.exception, at.exception
    assert not at.get("download_button")  # nothing built, nothing served
    assert _events(db, "event_type = 'disclosure'") == []
    at.radio(key="network_export_format").set_value("gexf").run()
    at.button(key="network_export_prepare").click().run()
    assert not at.exception, at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 1 and buttons[0].proto.label == "Download GEXF (Gephi)"
    (fmt, people, purpose, recipients), = _events(db, "event_type = 'disclosure'")
    drawn = set(_events(db, "object_id = 'graph drawn'")[-1][1])
    assert (fmt, purpose, recipients) == ("gexf", "MACE plan for PL1",
                                          ["MACE panel", "licensing officer"])
    assert set(people) == drawn
    at.run()  # the next run: the file is gone again until asked for
    assert not at.get("download_button")


def test_the_graph_component_has_no_unaudited_toolbar_export(tmp_path: Path) -> None:
    """streamlit-cytoscape's toolbar Export downloads the drawn graph, names included, with
    no audit: the copy CSMap serves hides it and its dialog."""
    from dashboard.components import network_graph

    source = Path(network_graph.streamlit_cytoscape.__file__).parent / "frontend" / "build"
    served = network_graph.frontend_without_export(source, tmp_path / "served")
    page = (served / "index.html").read_text()
    assert '<div id="toolbarExport" class="bar__item" hidden inert' in page
    assert '<dialog id="exportDialog" hidden inert' in page
    assert "#toolbarExport, #toolbarExport + hr, #exportDialog {display: none !important;}" \
        in page
    assert sorted(p.name for p in served.iterdir()) == sorted(p.name for p in source.iterdir())
    broken = tmp_path / "new-version"
    broken.mkdir()
    (broken / "index.html").write_text("<html><head></head><body></body></html>")
    with pytest.raises(RuntimeError, match="no toolbar Export"):
        network_graph.frontend_without_export(broken, tmp_path / "refused")
