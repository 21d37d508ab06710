"""Child story, agenda suggestions, meeting writes and item summaries on the tiny town."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from analytics import language
from data import meetings
from data.store import Store
from domain.access import Mode, Role, Viewer
from domain.errors import AccessDeniedError, NotFoundError, ValidationError
from services import briefing, item_summary
from tests import panel_town

AS_OF = panel_town.AS_OF
NAMES = ("Amelia", "Stone", "Bella", "Crane", "Darren", "Pike", "Secret Road")
ACTION = meetings.ActionFields(
    tactic="patrols", description="", owner_name="PS Lee Hart", owner_role="Neighbourhood",
    owner_agency="pol", due_date=AS_OF + timedelta(days=5), review_date=None)


@pytest.fixture
def town(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(panel_town.make(tmp_path / "town.duckdb"))
    yield store
    store.close()


@pytest.fixture
def chair() -> Viewer:
    return Viewer("chair", Role.PANEL, "MACE meeting")


def test_child_story_pseudonymised(town: Store, chair: Viewer) -> None:
    story = briefing.child_story(town, chair, "C1", as_of=AS_OF)
    assert story.label == "CH-0001"
    kinds = {f.kind for f in story.flags}
    assert {"missing_more_frequent", "first_overdose", "new_adult_of_concern",
            "harm_at_home_and_outside"} <= kinds
    assert set(story.connected["label"]) == {"CH-0002", "CH-0003"}
    assert "Home" in set(story.places["place_name"])
    assert story.places.loc[story.places["place_name"] == "Home", "lon"].isna().all()
    assert len(story.strengths) == 2 and len(story.protective_links) == 1
    assert story.indicators["behavioural"] == 4
    # the child's words and narratives are restricted: masked in safety-planning mode
    assert (story.disclosures["child_words"] == "").all() and len(story.disclosures) == 1
    text = story.timeline.to_string() + story.places.to_string() + str(story.profile.to_dict())
    for name in NAMES:
        assert name not in text


def test_child_story_named_shows_the_childs_words(town: Store, chair: Viewer) -> None:
    story = briefing.child_story(town, chair.with_mode(Mode.NAMED), "C1", as_of=AS_OF)
    assert "I owe him" in story.disclosures.iloc[0]["child_words"]
    assert story.profile["full_name"] == "Amelia Stone"


def test_unknown_child_and_commissioner_are_refused(town: Store, chair: Viewer) -> None:
    with pytest.raises(NotFoundError, match="Pick a child"):
        briefing.child_story(town, chair, "nobody", as_of=AS_OF)
    comm = Viewer("c", Role.COMMISSIONER, "review")
    with pytest.raises(AccessDeniedError, match="commissioner role may not"):
        briefing.child_story(town, comm, "C1", as_of=AS_OF)
    with pytest.raises(AccessDeniedError):
        meetings.create_meeting(town, comm, held_on=AS_OF, title="x")


def test_suggestions_cover_each_kind_of_change(town: Store, chair: Viewer) -> None:
    mid = meetings.create_meeting(town, chair, held_on=AS_OF, title="June MACE")
    since, items = briefing.suggestions(town, chair, meeting_id=mid, held_on=AS_OF, as_of=AS_OF)
    assert since == AS_OF - timedelta(days=90)
    by_subject = {(i.subject_kind, i.subject_id): i for i in items}
    assert ("child", "C1") in by_subject and ("place", "H1") in by_subject
    assert ("group", "G1") in by_subject
    c1 = by_subject[("child", "C1")].reason
    assert "Missing episodes more frequent" in c1 and "New CSE concern" in c1
    assert "AC-0001" in by_subject[("group", "G1")].reason
    for i in items:
        assert language.is_clean(i.reason), i.reason
        for name in NAMES:
            assert name not in i.reason
    # accepted items are not suggested again
    meetings.add_item(town, chair, meeting_id=mid, subject_kind="child", subject_id="C1",
                      reason=by_subject[("child", "C1")].reason)
    _, again = briefing.suggestions(town, chair, meeting_id=mid, held_on=AS_OF, as_of=AS_OF)
    assert ("child", "C1") not in {(i.subject_kind, i.subject_id) for i in again}
    with pytest.raises(ValidationError, match="already on this agenda"):
        meetings.add_item(town, chair, meeting_id=mid, subject_kind="child", subject_id="C1",
                          reason="again")


def test_a_later_meeting_counts_from_the_previous_one(town: Store, chair: Viewer) -> None:
    meetings.create_meeting(town, chair, held_on=AS_OF - timedelta(days=10), title="May")
    mid = meetings.create_meeting(town, chair, held_on=AS_OF, title="June")
    since, items = briefing.suggestions(town, chair, meeting_id=mid, held_on=AS_OF, as_of=AS_OF)
    assert since == AS_OF - timedelta(days=10)
    reasons = " ".join(i.reason for i in items)
    assert "Missing episodes more frequent" not in reasons  # that was before the May meeting
    assert "First overdose" in reasons


def test_decisions_actions_assessments_are_stored_with_flags_and_audited(
        town: Store, chair: Viewer) -> None:
    mid = meetings.create_meeting(town, chair, held_on=AS_OF - timedelta(days=10),
                                  title="June MACE")
    item = meetings.add_item(town, chair, meeting_id=mid, subject_kind="place",
                             subject_id="H1", reason="Rising incidents", status="suggested")
    meetings.set_item_status(town, chair, item, "accepted")
    text = "She keeps going missing to the hotel with her boyfriend."
    flags = language.flag_codes(language.check(text))
    meetings.record_decision(town, chair, item, text, flags)
    act = meetings.add_action(town, chair, meeting_id=mid, item_id=item,
                              fields=dataclasses.replace(
        ACTION, tactic="hotel_guest_information_request", description="Ask hotel",
        due_date=AS_OF - timedelta(days=3), review_date=AS_OF + timedelta(days=30)))
    meetings.add_assessment(town, chair, subject_kind="place", subject_id="H1",
                            domain="guardianship", body="No night staff; CCTV broken.",
                            source_agency="pol", assessed_on=AS_OF)
    items = town.frame("panel.items", chair, {"meeting_id": mid})
    row = items.iloc[0]
    assert row["status"] == "accepted" and row["label"] == "Station Hotel"
    assert list(row["language_flags"]) == flags and len(flags) == 2
    actions = town.frame("panel.actions", chair, {"meeting_id": mid})
    assert actions.iloc[0]["action_id"] == act and actions.iloc[0]["created_by"] == "chair"
    assert briefing.overdue(actions, today=AS_OF).tolist() == [True]
    meetings.set_action_status(town, chair, act, "done")
    actions = town.frame("panel.actions", chair, {"meeting_id": mid})
    assert briefing.overdue(actions, today=AS_OF).tolist() == [False]
    audit = town.frame("admin.audit_events", Viewer("a", Role.ADMIN, "audit"),
                       {"start": date(2000, 1, 1), "end": date(2100, 1, 1)})
    changes = audit["event_type"].isin(["record_created", "record_updated"])
    written = set(audit.loc[changes, "object_id"])
    assert "boyfriend" not in " ".join(audit["fields"])  # decision text is never copied
    assert {"panel.create_meeting", "panel.add_item", "panel.record_decision",
            "panel.add_action", "panel.set_action_status", "panel.add_assessment"} <= written


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tactic": "arrest everyone"}, "Tactic"),
        ({"tactic": None}, "Choose a tactic: there is no default"),
        ({"review_date": AS_OF + timedelta(days=1)}, "review date"),
        ({"owner_agency": ""}, "agency that owns"),
        ({"owner_name": "  "}, "Name the person who owns"),
        ({"due_date": AS_OF - timedelta(days=1)}, "before the meeting"),
        ({"plan": "arrest"}, "Plan"),
    ],
)
def test_bad_actions_say_what_to_fix(town: Store, chair: Viewer, kwargs: dict[str, object],
                                     message: str) -> None:
    mid = meetings.create_meeting(town, chair, held_on=AS_OF, title="June")
    fields = dataclasses.replace(ACTION, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message):
        meetings.add_action(town, chair, meeting_id=mid, item_id=None, fields=fields)


def test_assessment_domains_are_checked(town: Store, chair: Viewer) -> None:
    with pytest.raises(ValidationError, match="group_functioning"):
        meetings.add_assessment(town, chair, subject_kind="group", subject_id="G1",
                                domain="policy", body="x", source_agency="pol",
                                assessed_on=AS_OF)
    with pytest.raises(ValidationError, match="title is empty"):
        meetings.create_meeting(town, chair, held_on=AS_OF, title="  ")


@pytest.mark.parametrize(("kind", "sid", "label"),
                         [("child", "C1", "CH-0001"), ("place", "H1", "Station Hotel"),
                          ("group", "G1", "Park group")])
def test_item_summaries_have_map_network_and_no_names(town: Store, chair: Viewer, kind: str,
                                                      sid: str, label: str) -> None:
    item = {"item_id": "x", "subject_kind": kind, "subject_id": sid, "label": label,
            "reason": "r", "decision": None}
    s = item_summary.item_summary(town, chair, item, as_of=AS_OF)
    assert s.map_svg.startswith("<svg") and "<circle" in s.map_svg
    assert s.network_svg.startswith("<svg") and "<line" in s.network_svg
    assert s.facts and s.harms
    blob = s.map_svg + s.network_svg + " ".join(s.facts + s.harms + s.strengths) + \
        s.highlights.to_string()
    for name in NAMES:
        assert name not in blob
    for word in ("hub", "facilitator"):
        assert word not in blob.lower()
    # provenance on every fact about an adult of concern: source and 3x5x2 grading
    about_adults = [h for h in s.harms if "adult of concern" in h.lower()]
    assert about_adults, s.harms
    assert all("graded " in h for h in about_adults), about_adults


def test_flags_stay_on_record_when_wording_is_changed(town: Store, chair: Viewer) -> None:
    mid = meetings.create_meeting(town, chair, held_on=AS_OF, title="June")
    reason = "Her boyfriend collects her from school."
    item = meetings.add_item(town, chair, meeting_id=mid, subject_kind="child", subject_id="C1",
                             reason=reason,
                             language_flags=language.flag_codes(language.check(reason)))
    first = "She refuses to engage."
    meetings.record_decision(town, chair, item, first,
                             language.flag_codes(language.check(first)))
    meetings.record_decision(town, chair, item, "Engagement is our job: try the youth worker.")
    row = town.frame("panel.items", chair, {"meeting_id": mid}).iloc[0]
    assert [f.split(":")[0] for f in row["language_flags"]] == ["boyfriend", "refuses_to_engage"]
    assert row["decision"].startswith("Engagement")


def test_markdown_escaping_shows_data_as_written() -> None:
    from services.safe import md

    assert md("![x](http://evil.example/a.png) $5 *bold*") == (  # address made inert too
        "\\!\\[x\\]\\(http\u2060\\://evil\\.example/a\\.png\\) \\$5 \\*bold\\*")
    assert md(None) == ""


def test_too_much_activity_is_a_readable_error(town: Store, chair: Viewer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(briefing, "INTERNAL_LIMIT", 3)
    with pytest.raises(ValidationError, match="Too much activity"):
        briefing.suggestions(town, chair, meeting_id="m", held_on=AS_OF, as_of=AS_OF)


def test_page_headings_show_data_as_written() -> None:
    """Subheadings built from data go through md(): a place called '[x](http://evil)' or
    a pseudonym with '*' shows as written, not as a link or emphasis."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "dashboard"
    for path in [*root.glob("views/*.py"), *root.glob("components/*.py")]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "subheader" and node.args):
                arg = node.args[0]
                if isinstance(arg, ast.Constant):
                    continue
                names = {n.id for n in ast.walk(arg) if isinstance(n, ast.Name)} | {
                    n.attr for n in ast.walk(arg) if isinstance(n, ast.Attribute)}
                assert "md" in names, (
                    f"{path.name}:{node.lineno}: a subheader built from data without md()")


def test_an_action_is_overdue_when_its_review_date_has_passed() -> None:
    """The docstring of ``briefing.overdue`` promises a review-date check: the code has it."""
    actions = pd.DataFrame({
        "status": ["open", "in_progress", "open", "done"],
        "due_date": [AS_OF + timedelta(days=5), AS_OF - timedelta(days=1),
                     AS_OF + timedelta(days=5), AS_OF - timedelta(days=9)],
        "review_date": [AS_OF - timedelta(days=2), None, None, AS_OF - timedelta(days=2)]})
    assert briefing.overdue(actions, today=AS_OF).tolist() == [True, True, False, False]
    assert "review" in (briefing.overdue.__doc__ or "")
