"""AppTest for the app shell, the Overview and the Audit pages, for every role."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import nav
from domain.access import Role
from tests.apptest_support import page_app

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGES = ROOT / "dashboard" / "views"


def _run(path: str, role: str = "panel", mode: str = "pseudonymised") -> AppTest:
    at = (AppTest.from_file(path, default_timeout=60) if path == APP
          else page_app(path, default_timeout=60))
    at.session_state["csmap_role"] = role
    at.session_state["csmap_mode"] = mode
    return at.run()


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> Path:
    monkeypatch.setenv("CSMAP_DB_PATH", str(demo_db))
    return demo_db


@pytest.fixture
def demo_mode(monkeypatch: pytest.MonkeyPatch, demo_env: Path) -> Path:
    """The app served with --auth demo: a role selector on a generated demo town."""
    monkeypatch.setenv("CSMAP_AUTH_MODE", "demo")
    return demo_env


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_app_shell_runs_for_every_role_with_banner(demo_mode: Path, role: str) -> None:
    at = _run(APP, role)
    assert not at.exception, at.exception
    assert any("Synthetic demo data" in i.value for i in at.info)
    assert at.sidebar.selectbox[0].value == role


def test_navigation_lists_only_pages_a_role_may_see() -> None:
    titles = {p.title for p in nav.pages_for(Role.COMMISSIONER)}
    assert "Overview" not in titles and "Network" not in titles and "Audit" not in titles
    assert {p.title for p in nav.pages_for(Role.ADMIN)} >= {"Audit"}


def test_overview_shows_counts_charts_and_pseudonyms(demo_env: Path) -> None:
    at = _run(str(PAGES / "overview.py"))
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Children with open concerns"]) > 0
    children = at.dataframe[0].value
    assert len(children) > 0
    assert children["label"].str.match(r"^[A-Z]+-").all(), "pseudonyms by default"
    assert "Children with open concerns" in [s.value for s in at.subheader]


def test_overview_in_named_mode_shows_names_to_an_analyst(demo_env: Path) -> None:
    at = _run(str(PAGES / "overview.py"), "analyst", "named")
    assert not at.exception
    labels = at.dataframe[0].value["label"]
    assert not labels.str.match(r"^[A-Z]+-\w+$").all()


def test_overview_for_admin_has_no_person_lists(demo_env: Path) -> None:
    at = _run(str(PAGES / "overview.py"), "admin")
    assert not at.exception
    assert any("not available to this role" in i.value for i in at.info)


def test_missing_database_is_a_readable_error(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("CSMAP_DB_PATH", str(tmp_path / "missing.duckdb"))
    at = _run(str(PAGES / "overview.py"))
    assert not at.exception
    assert "csmap generate" in at.error[0].value


def test_empty_database_is_a_readable_error(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    from data.store import Store

    path = tmp_path / "empty.duckdb"
    Store.open(path, create=True).close()
    monkeypatch.setenv("CSMAP_DB_PATH", str(path))
    at = _run(str(PAGES / "overview.py"))
    assert not at.exception
    assert "no data yet" in at.error[0].value


def test_audit_page_lists_views_for_admin_and_refuses_others(demo_env: Path) -> None:
    _run(str(PAGES / "overview.py"))  # a panel view to audit
    at = _run(str(PAGES / "audit.py"), "admin")
    assert not at.exception, at.exception
    frame = at.dataframe[0].value
    assert "overview.children_open_concerns" in set(frame["object_id"])
    refused = _run(str(PAGES / "audit.py"), "panel")
    assert not refused.exception
    assert "for the admin, auditor role(s)" in refused.warning[0].value


def test_suggested_purpose_follows_the_role_but_a_typed_one_stays(demo_mode: Path) -> None:
    at = _run(APP, "panel")
    assert at.sidebar.text_input[0].value.startswith("MACE panel")
    at.sidebar.selectbox[0].select("commissioner").run()
    assert at.sidebar.text_input[0].value.startswith("Quarterly commissioning")
    at.sidebar.text_input[0].input("Section 47 enquiry").run()
    at.sidebar.selectbox[0].select("analyst").run()
    assert at.sidebar.text_input[0].value == "Section 47 enquiry"
