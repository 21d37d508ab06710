"""AppTest for the Child and Panel pages, and the meeting pack PDF, on the tiny town."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import language
from dashboard import common
from data import meetings
from data.store import Store
from domain.access import Mode, Role, Viewer
from domain.errors import ValidationError
from services import briefing, pack
from tests import panel_town
from tests.apptest_support import page_app, private_copy

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "dashboard" / "views"
ARTIFACTS = ROOT / "artifacts"
NAMES = ("Amelia", "Stone", "Bella", "Crane", "Darren", "Pike", "Secret Road")
AS_OF = panel_town.AS_OF
ACTION = meetings.ActionFields(
    tactic="patrols", description="Evening patrols: she is self-placing at the park.",
    owner_name="PC Sam Reid", owner_role="Neighbourhood team", owner_agency="pol",
    due_date=date(2025, 6, 1), review_date=date(2025, 6, 20))


@pytest.fixture(scope="module")
def town_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return panel_town.make(tmp_path_factory.mktemp("town") / "town.duckdb")


@pytest.fixture
def town_db(town_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the tiny town per test (pages write to it); CSMAP_DB_PATH points at it."""
    return private_copy(town_template, tmp_path, monkeypatch, name="town.duckdb")


def _run(page: str, role: str = "panel", mode: str = "pseudonymised") -> AppTest:
    at = page_app(str(PAGES / page), default_timeout=60)
    at.session_state["csmap_role"] = role
    at.session_state["csmap_mode"] = mode
    return at.run()


def _shown(markdown: str) -> str:
    """Markdown as the browser shows it: data strings are escaped with backslashes."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _all_text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.info] + \
        [e.value for e in at.warning] + [e.value for e in at.caption] + \
        [str(e.value) for e in at.subheader]
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(str(p) for p in parts)


def test_child_page_shows_story_without_names_or_scores(town_db: Path) -> None:
    at = _run("child.py")
    assert not at.exception, at.exception
    assert _shown(at.subheader[0].value) == "CH-0001"
    moments = " ".join(w.value for w in at.warning)
    assert "Missing episodes more frequent" in moments and "First overdose" in moments
    assert any("switch to multi-agency mode to read them" in i.value for i in at.info)
    assert {m.label for m in at.metric} == {"Physical indicators", "Emotional indicators",
                                            "Material indicators", "Behavioural indicators"}
    text = _all_text(at)
    assert "Strengths and protective relationships" in text and "Close to her aunt" in text
    assert "CH-0002" in text and "Station Hotel" in text
    for name in NAMES:
        assert name not in text, name
    assert "risk score" not in text.lower().replace("there is no risk score", "")


def test_child_page_named_mode_shows_the_childs_words(town_db: Path) -> None:
    at = _run("child.py", "analyst", "named")
    assert not at.exception, at.exception
    assert any("I owe him" in i.value for i in at.info)
    assert _shown(at.subheader[0].value) == "Amelia Stone"


def test_any_child_can_be_found_by_search_and_names_only_in_named_mode(town_db: Path) -> None:
    at = _run("child.py")
    at.text_input(key="child_search").set_value("ch-0002").run()
    assert not at.exception, at.exception
    assert _shown(at.subheader[0].value) == "CH-0002"
    # a name finds nobody while names are hidden: searching must not reveal who is held
    at.text_input(key="child_search").set_value("Bella").run()
    assert any("No child's pseudonym contains 'Bella'" in i.value for i in at.info)
    named = _run("child.py", "analyst", "named")
    named.text_input(key="child_search").set_value("bella").run()
    assert _shown(named.subheader[0].value) == "Bella Crane"


def test_child_page_filters_the_chronology(town_db: Path) -> None:
    at = _run("child.py")
    full = len(at.dataframe[0].value)
    at.multiselect(key="chrono_context").set_value(["Intra-familial"]).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 1 < full


@pytest.mark.parametrize(("page", "role"), [("child.py", "commissioner"),
                                            ("panel.py", "commissioner"),
                                            ("panel.py", "analyst")])
def test_pages_refuse_other_roles_readably(town_db: Path, page: str, role: str) -> None:
    at = _run(page, role)
    assert not at.exception
    assert "This page is for the" in at.warning[0].value
    assert not at.dataframe


@pytest.mark.slow
def test_panel_meeting_flow(town_db: Path) -> None:
    at = _run("panel.py")
    assert not at.exception, at.exception
    assert any("No meetings yet" in i.value for i in at.info)
    at.button(key="panel_create").click().run()
    assert not at.exception, at.exception
    # accept a suggested item, set another aside
    at.button(key="agenda_accept_child_C1").click().run()
    at.button(key="agenda_remove_child_C2").click().run()
    assert not at.exception, at.exception
    keys = {b.key for b in at.button}
    assert "agenda_accept_child_C1" not in keys and "agenda_accept_place_H1" in keys
    assert any(_shown(s.value) == "1. Child: CH-0001" for s in at.subheader)  # item summary
    # a decision with victim-blaming wording: flagged inline, still saved, flag recorded
    item_key = next(t.key for t in at.text_area if t.key.startswith("item_decision_"))
    at.text_area(key=item_key).input("She keeps going missing with her boyfriend.").run()
    assert any("Language check" in w.value for w in at.warning)
    at.button(key=item_key.replace("item_decision_", "item_save_")).click().run()
    assert any("2 language flag(s) recorded" in s.value for s in at.success)
    # an action: no default tactic (saving without one is refused with a message)
    assert at.selectbox(key="action_tactic").value is None
    at.selectbox(key="action_item").set_value(at.selectbox(key="action_item").options[1])
    at.text_area(key="action_text").input("Serve a CAWN on AC-0001.").run()
    at.button(key="action_save").click().run()
    assert any("Choose a tactic" in e.value for e in at.error)
    at.selectbox(key="action_tactic").set_value("child_abduction_warning_notice")
    at.text_input(key="action_owner_name").input("DS Jo Bell")
    at.text_input(key="action_owner_role").input("Exploitation team")
    at.selectbox(key="action_owner").set_value("pol").run()
    assert at.date_input(key="action_due").value > AS_OF  # after the meeting
    at.button(key="action_save").click().run()
    assert not at.exception, at.exception
    assert any("Action saved: Child Abduction Warning Notice, owner DS Jo Bell "
               "(Exploitation team), Cheshire Police" in s.value for s in at.success)
    # the decision is edited after the action exists (this failed with a foreign-key error)
    at.text_area(key=item_key).input("Strategy meeting; CAWN on AC-0001.").run()
    at.button(key=item_key.replace("item_decision_", "item_save_")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(s.value == "Decision saved." for s in at.success)
    # an assessment of the hotel
    at.radio(key="assess_kind").set_value("place").run()
    at.selectbox(key="assess_subject").set_value("H1")
    at.text_area(key="assess_body").input("No night staff on reception; CCTV broken.").run()
    at.button(key="assess_save").click().run()
    assert any("Assessment saved." in s.value for s in at.success)
    # export the pack: a purpose is required
    at.button(key="pack_build").click().run()
    assert any("Say why the pack" in e.value for e in at.error)
    at.text_input(key="pack_purpose").input("Circulate to panel members").run()
    at.button(key="pack_build").click().run()  # no recipients: a readable error
    assert any("Say who will receive the pack" in e.value for e in at.error)
    at.text_input(key="pack_recipients").input("MACE panel members, DPO").run()
    at.button(key="pack_build").click().run()
    assert not at.exception, at.exception
    assert any("pseudonymised" in s.value for s in at.success)
    store = common._open_store(str(town_db))  # the page's own cached store (one per file)
    admin = Viewer("a", Role.ADMIN, "audit")
    audit = store.frame("admin.audit_events", admin,
                        {"start": date(2000, 1, 1), "end": date(2100, 1, 1)})
    exports = audit[audit["event_type"] == "disclosure"]
    assert list(exports["purpose"]) == ["Circulate to panel members"]
    assert list(exports.iloc[0]["recipients"]) == ["MACE panel members", "DPO"]
    assert list(exports.iloc[0]["person_ids"]) == ["C1"]  # the child on the agenda
    assert '"named": false' in exports.iloc[0]["fields"]
    panel = Viewer("p", Role.PANEL, "check")
    mid = store.frame("panel.meetings", panel).iloc[0]["meeting_id"]
    items = store.frame("panel.items", panel, {"meeting_id": mid})
    assert set(zip(items["subject_id"], items["status"], strict=True)) == {
        ("C1", "accepted"), ("C2", "removed")}
    flags = list(items.loc[items["subject_id"] == "C1", "language_flags"].iloc[0])
    assert [f.split(":")[0] for f in flags] == ["keeps_going_missing", "boyfriend"]
    assert items.loc[items["subject_id"] == "C1", "decision"].iloc[0].startswith("Strategy")
    actions = store.frame("panel.actions", panel, {"meeting_id": mid})
    assert actions.iloc[0]["tactic"] == "child_abduction_warning_notice"
    assert actions.iloc[0]["created_by"] == "test-user"


def test_overdue_actions_stand_out(town_db: Path) -> None:
    with Store.open(town_db) as store:
        chair = Viewer("demo-panel", Role.PANEL, "x")
        mid = meetings.create_meeting(store, chair, held_on=date(2025, 5, 20), title="June")
        meetings.add_action(store, chair, meeting_id=mid, item_id=None, fields=ACTION,
                            language_flags=language.flag_codes(
                                language.check(ACTION.description)))
    at = _run("panel.py")
    assert not at.exception, at.exception
    assert any("1 action(s) overdue" in e.value for e in at.error)
    table = at.table[0].value
    assert table["Status"].str.contains("OVERDUE").any()
    # the whole row is readable: owner (person, role, agency), due and review, and the
    # language check's flag with what to say instead
    row = table.iloc[0]
    assert row["Owner"] == "PC Sam Reid (Neighbourhood team), Cheshire Police"
    assert row["Due"] == "01 Jun 2025" and row["Review"] == "20 Jun 2025"
    assert 'say "the child is being controlled or exploited' in row["Language check"]


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _meeting_with_items(store: Store, chair: Viewer) -> str:
    mid = meetings.create_meeting(store, chair, held_on=AS_OF, title="June <MACE> & co")
    _, items = briefing.suggestions(store, chair, meeting_id=mid, held_on=AS_OF, as_of=AS_OF)
    for k, it in enumerate(items):
        iid = meetings.add_item(store, chair, meeting_id=mid, subject_kind=it.subject_kind,
                                subject_id=it.subject_id, reason=it.reason, position=k)
        meetings.add_action(store, chair, meeting_id=mid, item_id=iid, fields=replace(
            ACTION, tactic="referral", description=f"Action for {it.label}",
            due_date=date(2025, 7, 10), review_date=None))
    return mid


@pytest.mark.slow
def test_pack_has_sections_and_no_names_when_pseudonymised(town_db: Path,
                                                           tmp_path: Path) -> None:
    with Store.open(town_db) as store:
        chair = Viewer("chair", Role.PANEL, "MACE")
        mid = _meeting_with_items(store, chair)
        built = pack.build(store, chair, mid, as_of=AS_OF, purpose="circulate")
        assert "June &lt;MACE&gt; &amp; co" in built.html  # data strings are escaped
        assert built.html.count("<img") == 2 * len(built.items) and not built.named
        pdf = pack.export(store, chair, mid, as_of=AS_OF, purpose="Circulate to panel",
                          recipients=["MACE panel members"])
        assert pdf.startswith(b"%PDF")
        text = _pdf_text(pdf, tmp_path)
        # page images for a person to look at (artifacts/pack-1.png ...)
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3",
                        str(tmp_path / "pack.pdf"), str(ARTIFACTS / "pack")], check=True)
        assert list(ARTIFACTS.glob("pack-*.png"))
        for section in ("Agenda", "Decisions and actions", "Child: CH-0001",
                        "Location: Station Hotel", "Peer group: Park group", "Map extract",
                        "Network extract", "Chronology highlights", "Harms and vulnerabilities",
                        "Strengths and protective factors", "PSEUDONYMISED"):
            assert section in text, section
        for name in NAMES:
            assert name not in text, name
        named = pack.build(store, chair.with_mode(Mode.NAMED), mid, as_of=AS_OF,
                           purpose="strategy meeting")
        assert named.named and "Amelia Stone" in named.html
        with pytest.raises(ValidationError, match="Say why"):
            pack.export(store, chair, mid, as_of=AS_OF, purpose=" ", recipients=["panel"])
        with pytest.raises(ValidationError, match="Say who will receive the pack"):
            pack.export(store, chair, mid, as_of=AS_OF, purpose="Circulate to panel",
                        recipients=[" "])


@pytest.mark.slow
def test_names_and_addresses_typed_into_the_pack_do_not_reach_it(town_db: Path,
                                                                 tmp_path: Path) -> None:
    """A name typed into an agenda reason, a decision or an action reached the
    "pseudonymised" pack: names of people held become their pseudonyms, and a bare web
    address is shown as inert text (no live link in a PDF viewer)."""
    with Store.open(town_db) as store:
        chair = Viewer("chair", Role.PANEL, "MACE")
        mid = meetings.create_meeting(store, chair, held_on=AS_OF, title="June MACE")
        iid = meetings.add_item(store, chair, meeting_id=mid, subject_kind="child",
                                subject_id="C1", position=0,
                                reason="amelia stone seen with Pike, Darren; see "
                                       "https://evil.example/x")
        meetings.record_decision(store, chair, iid, "Stone to be offered a youth worker; "
                                                    "we will ask Bella.")
        meetings.add_action(store, chair, meeting_id=mid, item_id=iid, fields=replace(
            ACTION, tactic="referral", description="Tell Crane's school", owner_agency="sc",
            due_date=date(2025, 7, 10), review_date=None))
        built = pack.build(store, chair, mid, as_of=AS_OF, purpose="circulate")
        pdf = pack.export(store, chair, mid, as_of=AS_OF, purpose="Circulate to panel",
                          recipients=["MACE panel members"])
        named = pack.build(store, chair.with_mode(Mode.NAMED), mid, as_of=AS_OF,
                           purpose="strategy meeting")
    text = _pdf_text(pdf, tmp_path)
    for shown in (built.html, text):
        for name in NAMES:
            assert name not in shown and name.lower() not in shown, name
        assert "CH-0001 seen with AC-0001" in re.sub(r"\s+", " ", shown)
        assert "CH-0001 to be offered a youth worker; we will ask CH-0002" in \
            re.sub(r"\s+", " ", shown)
        flat = re.sub(r"\s+", " ", shown)  # table cells wrap (and interleave) in the PDF text
        assert "Tell CH-0002's" in flat or "Tell CH-0002&#39;s school" in flat
        assert "https://" not in shown and "https[:]//evil.example/x" in shown
    assert "amelia stone seen with Pike, Darren" in named.html  # named mode keeps them
