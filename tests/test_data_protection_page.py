"""AppTest for the Data protection page: administrators only; search, export, delete, extend."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import common, nav
from domain import settings
from domain.access import Role, Viewer
from services import protection
from tests.apptest_support import page_app, private_copy

PAGE = str(Path(__file__).resolve().parent.parent / "dashboard" / "views" / "data_protection.py")


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the small demo (the page deletes and writes)."""
    return private_copy(demo_db, tmp_path, monkeypatch, name="dp.duckdb")


def _run(role: str) -> AppTest:
    at = page_app(PAGE, default_timeout=60)
    at.session_state["csmap_role"] = role
    return at.run()


def test_only_administrators_see_the_page_in_navigation() -> None:
    for role in Role:
        paths = {p.url_path for p in nav.pages_for(role)}
        assert ("data-protection" in paths) == (role is Role.ADMIN), role


@pytest.mark.parametrize("role", ["panel", "analyst", "commissioner"])
def test_other_roles_cannot_open_it(db: Path, role: str) -> None:
    at = _run(role)
    assert not at.exception, at.exception
    assert "for the admin role" in at.warning[0].value
    assert len(at.dataframe) == 0


def test_admin_finds_a_person_exports_and_deletes(db: Path) -> None:
    at = _run("admin")
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == ["Subject access", "Delete a person",
                                          "Retention review", "Disproportionality"]
    at.text_input(key="dp_person_query").input("YP-00012").run()
    assert at.selectbox(key="dp_person_id").value == "C000012"
    titles = [e.label for e in at.expander]
    assert titles[0] == "The person (1)" and titles[-1].startswith("Who it was shared with")
    assert "YP-00012" in " ".join(m.value for m in at.markdown)

    at.button(key="dp_sar_build").click().run()  # no purpose: a readable error
    assert "Say why" in at.error[0].value
    at.text_input(key="dp_sar_purpose").input("subject access request 41").run()
    at.button(key="dp_sar_build").click().run()  # no recipients: a readable error
    assert "Say who will receive it" in at.error[0].value
    at.text_input(key="dp_sar_recipients").input("the requester").run()
    at.button(key="dp_sar_build").click().run()
    assert "Export recorded" in at.main.success[0].value

    at.text_input(key="dp_del_confirm").input("YP-0001").run()
    at.text_input(key="dp_del_purpose").input("erasure request").run()
    at.button(key="dp_del_go").click().run()
    assert "type the pseudonym YP-00012" in at.error[0].value
    at.text_input(key="dp_del_confirm").input("YP-00012").run()
    at.button(key="dp_del_go").click().run()
    assert not at.exception, at.exception
    assert "YP-00012 deleted everywhere" in at.main.success[0].value
    assert any("No one held matches" in i.value for i in at.info)


def test_retention_and_disproportionality_tabs(db: Path) -> None:
    at = _run("admin")
    metrics = {m.label: m.value for m in at.metric}
    due = int(metrics["Review date passed"])
    assert due > 0 and metrics["Past their end date"] == "0"
    at.main.button[-1].click().run()  # Extend (form submit) with the suggested dates
    assert not at.exception, at.exception
    assert "Review and end dates extended" in at.main.success[0].value
    assert int({m.label: m.value for m in at.metric}["Review date passed"]) == due - 1
    tables = [df.value for df in at.dataframe if "ratio" in df.value.columns]
    assert len(tables) == 6  # ethnicity, sex, age band for children and for adults
    for frame in tables:
        assert frame["group"].iloc[-1] == "TOTAL"
    assert any("*" in set(frame["population"]) for frame in tables)  # small groups hidden


def test_nobody_is_read_until_chosen_and_reruns_do_not_read_again(db: Path) -> None:
    at = _run("admin")
    assert at.selectbox(key="dp_person_id").value is None
    assert not at.expander  # no report until a person is chosen
    assert any("Choose a person" in i.value for i in at.info)  # the Delete tab says so too
    assert _person_views() == 0
    at.text_input(key="dp_person_query").input("YP-00012").run()
    first = _person_views()
    plan_reads = 7  # the Delete tab's plan: person, incidents, items, records awaiting
    # review, quarantined rows, home, counts
    assert first == len(protection.SECTIONS) + plan_reads
    at.text_input(key="dp_sar_purpose").input("subject access request 41").run()
    at.text_input(key="dp_sar_purpose").input("subject access request 42").run()
    assert _person_views() == first  # reruns do not read (or audit) again
    at.button(key="dp_sar_refresh").click().run()
    assert _person_views() == 2 * first


def _person_views() -> int:
    """Views logged against any person, from the page's own store connection."""
    store = common._open_store(str(settings.db_path()))
    row = store.audit_log.cursor.execute("SELECT count(*) FROM audit_event WHERE event_type = "
                               "'consultation' AND object_kind = 'person'").fetchone()
    return int(row[0]) if row else 0


def test_erasure_rewrites_the_file_and_every_session_s_store_keeps_working(db: Path) -> None:
    """One administrator erases; the page's cached store is rewritten in place, and another
    session (sharing that store object) goes on working on the new file."""
    other = _run("admin")
    at = _run("admin")
    inode = db.stat().st_ino
    at.text_input(key="dp_person_query").input("YP-00012").run()
    at.text_input(key="dp_del_confirm").input("YP-00012").run()
    at.text_input(key="dp_del_purpose").input("erasure request").run()
    at.button(key="dp_del_go").click().run()
    assert not at.exception, at.exception
    assert "database rewritten into a fresh file" in at.main.success[0].value
    assert db.stat().st_ino != inode  # a new file was swapped in
    other.text_input(key="dp_person_query").input("YP-0001").run()
    assert not other.exception and not other.error, other.error
    options = " ".join(other.selectbox(key="dp_person_id").options)
    assert "YP-00012" not in options and "C000012" not in options
    assert other.selectbox(key="dp_person_id").options  # YP-00010, YP-00011... still there


def test_an_interrupted_erasure_is_offered_to_be_finished(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = common._open_store(str(settings.db_path()))
    admin = Viewer("admin-test", Role.ADMIN, "erasure request")
    with monkeypatch.context() as patch:
        patch.setattr(protection, "rewrite", _power_cut)
        with pytest.raises(OSError, match="power cut"):
            protection.delete_person(store, admin, "C000012", confirm="YP-00012",
                                     purpose="erasure request")
    at = _run("admin")
    assert "erasure of YP-00012 was interrupted" in at.main.warning[0].value
    assert at.text_input(key="dp_person_query")  # the search still works meanwhile
    at.button(key="dp_del_finish").click().run()
    assert not at.exception, at.exception
    assert "YP-00012 deleted everywhere" in at.main.success[0].value
    assert protection.pending_erasure(store, admin) is None


def _power_cut(store: object) -> None:
    raise OSError("power cut (injected)")
