"""The meeting record holds (issue 17): decisions and actions in any order, any number of
times; persons of concern with identify / disrupt / pursue plans; attendance and the next
meeting; items that share an adult of concern or a place joined up; the migration keeps
what earlier versions recorded."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import agenda, language
from data import meetings
from data.store import Store, _migrations
from domain.access import Role, Viewer
from domain.errors import NotFoundError, ValidationError
from services import item_summary
from tests import panel_town

AS_OF = panel_town.AS_OF
ACTION = meetings.ActionFields(
    tactic="safety_planning", description="Safety plan with the child", owner_name="Sam Reid",
    owner_role="Social worker", owner_agency="sc", due_date=AS_OF + timedelta(days=7),
    review_date=AS_OF + timedelta(days=21))


@pytest.fixture
def town(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(panel_town.make(tmp_path / "town.duckdb"))
    yield store
    store.close()


@pytest.fixture
def chair() -> Viewer:
    return Viewer("chair", Role.PANEL, "MACE meeting")


def _meeting(town: Store, chair: Viewer) -> tuple[str, str]:
    mid = meetings.create_meeting(town, chair, held_on=AS_OF, title="June MACE")
    item = meetings.add_item(town, chair, meeting_id=mid, subject_kind="child",
                             subject_id="C1", reason="Missing more often")
    return mid, item


def test_a_decision_saves_after_actions_and_again_and_again(town: Store, chair: Viewer) -> None:
    """The bug: saving a decision once the item had an action was a foreign-key violation."""
    mid, item = _meeting(town, chair)
    first = meetings.add_action(town, chair, meeting_id=mid, item_id=item, fields=ACTION)
    meetings.record_decision(town, chair, item, "Strategy meeting within 5 days.")
    meetings.record_decision(town, chair, item, "Strategy meeting within 3 days.")
    meetings.set_item_status(town, chair, item, "accepted")
    meetings.add_action(town, chair, meeting_id=mid, item_id=item,
                        fields=dataclasses.replace(ACTION, tactic="child_protection_medical"))
    meetings.update_action(town, chair, action_id=first,
                           fields=dataclasses.replace(ACTION, status="in_progress",
                                                      owner_name="Sam Reid-Jones"))
    meetings.record_decision(town, chair, item, "Strategy meeting tomorrow; medical today.")
    row = town.frame("panel.items", chair, {"meeting_id": mid}).iloc[0]
    assert row["decision"] == "Strategy meeting tomorrow; medical today."
    history = town.frame("panel.decisions", chair, {"item_id": item})
    assert len(history) == 3 and history.iloc[0]["decision"] == row["decision"]
    actions = town.frame("panel.actions", chair, {"meeting_id": mid})
    assert len(actions) == 2
    edited = actions[actions["action_id"] == first].iloc[0]
    assert edited["status"] == "in_progress" and edited["owner_name"] == "Sam Reid-Jones"
    assert edited["owner_role"] == "Social worker" and edited["owner_agency_name"]


def test_editing_an_action_checks_it_again(town: Store, chair: Viewer) -> None:
    mid, item = _meeting(town, chair)
    act = meetings.add_action(town, chair, meeting_id=mid, item_id=item, fields=ACTION)
    with pytest.raises(ValidationError, match="Name the person"):
        meetings.update_action(town, chair, action_id=act,
                               fields=dataclasses.replace(ACTION, owner_name=""))
    with pytest.raises(NotFoundError, match="No action"):
        meetings.update_action(town, chair, action_id="nope", fields=ACTION)


def test_a_person_of_concern_item_has_plans_and_is_never_a_child(town: Store,
                                                                 chair: Viewer) -> None:
    mid, child_item = _meeting(town, chair)
    with pytest.raises(ValidationError, match="never a person of concern"):
        meetings.add_item(town, chair, meeting_id=mid, subject_kind="person", subject_id="C2",
                          reason="x")
    item = meetings.add_item(town, chair, meeting_id=mid, subject_kind="person",
                             subject_id="A1", reason="Linked to two children")
    with pytest.raises(ValidationError, match="identify, disrupt or pursue"):
        meetings.add_action(town, chair, meeting_id=mid, item_id=item, fields=ACTION)
    meetings.add_action(town, chair, meeting_id=mid, item_id=item, fields=dataclasses.replace(
        ACTION, plan="disrupt", tactic="child_abduction_warning_notice", owner_name="DS Ali Khan",
        owner_role="Exploitation team", owner_agency="pol"))
    items = town.frame("panel.items", chair, {"meeting_id": mid})
    row = items[items["item_id"] == item].iloc[0]
    assert row["label"] == "AC-0001"
    s = item_summary.item_summary(town, chair, row.to_dict(), as_of=AS_OF)
    assert s.sides == item_summary.SIDES["person"]
    assert any(h.startswith("Linked to child CH-0001") and "graded 3C P" in h for h in s.harms)
    assert "Identify: no action yet" in s.strengths and "Pursue: no action yet" in s.strengths
    assert any(x.startswith("Disrupt: Child Abduction Warning Notice, DS Ali Khan "
                            "(Exploitation team), Cheshire Police") for x in s.strengths)
    assert "<circle" in s.map_svg and "Darren" not in s.network_svg
    # the child's item and the person's item share the adult: each says so
    contexts = town.frame("panel.item_contexts", chair, {"meeting_id": mid})
    titles = {child_item: "1. Child: CH-0001", item: "2. Person of concern: AC-0001"}
    summaries = [item_summary.item_summary(town, chair, r.to_dict(), as_of=AS_OF)
                 for _, r in items.iterrows()]
    joined = item_summary.join_up(summaries, contexts, titles)
    by_id = {x.item_id: x for x in joined}
    assert by_id[child_item].linked == [
        "shares adult of concern AC-0001 and place Station Hotel with 2. Person of concern: "
        "AC-0001"]
    assert by_id[item].linked == [
        "shares adult of concern AC-0001 and place Station Hotel with 1. Child: CH-0001"]


def test_items_that_share_a_place_are_discussed_together() -> None:
    contexts = pd.DataFrame(
        [("I1", "place", "H1", "Station Hotel"), ("I2", "adult", "A9", "AC-0009"),
         ("I3", "place", "H1", "Station Hotel"), ("I4", "adult", "A9", "AC-0009"),
         ("I5", "place", "P1", "Queens Park")],
        columns=["item_id", "context_kind", "context_id", "context_label"])
    shared = agenda.shared_contexts(contexts)
    assert [s.other_item for s in shared["I1"]] == ["I3"]
    assert agenda.linked_phrases(shared["I1"], {"I3": "3. Child: CH-0003"}) == [
        "shares place Station Hotel with 3. Child: CH-0003"]
    assert "I5" not in shared
    assert agenda.joined_up_order(["I1", "I2", "I3", "I4", "I5"], shared) == [
        "I1", "I3", "I2", "I4", "I5"]


def test_attendance_and_next_meeting(town: Store, chair: Viewer) -> None:
    mid, _ = _meeting(town, chair)
    meetings.add_attendee(town, chair, meeting_id=mid, name="Pat Moss", role="Chair",
                          agency_id="sc")
    gone = meetings.add_attendee(town, chair, meeting_id=mid, name="Typo", role="", agency_id="sc")
    meetings.add_attendee(town, chair, meeting_id=mid, name="Kim Lowe", role="DSL",
                          agency_id="edu", attendance="apologies")
    meetings.remove_attendee(town, chair, gone)
    people = town.frame("panel.attendees", chair, {"meeting_id": mid})
    assert list(people["name"]) == ["Pat Moss", "Kim Lowe"]
    assert list(people["attendance"]) == ["present", "apologies"]
    with pytest.raises(ValidationError, match="must be after this one"):
        meetings.set_next_meeting(town, chair, mid, AS_OF)
    meetings.set_next_meeting(town, chair, mid, AS_OF + timedelta(days=28))
    m = town.frame("panel.meeting", chair, {"meeting_id": mid}).iloc[0]
    assert pd.Timestamp(m["next_held_on"]).date() == AS_OF + timedelta(days=28)
    with pytest.raises(ValidationError, match="Attendance"):
        meetings.add_attendee(town, chair, meeting_id=mid, name="X", role="", agency_id="sc",
                              attendance="late")


def test_decision_flags_from_every_wording_stay_on_record(town: Store, chair: Viewer) -> None:
    mid, item = _meeting(town, chair)
    meetings.add_action(town, chair, meeting_id=mid, item_id=item, fields=ACTION)
    text = "She consented. Described as streetwise."
    meetings.record_decision(town, chair, item, text,
                             language.flag_codes(language.check(text)))
    meetings.record_decision(town, chair, item, "Children cannot consent to their own abuse.")
    row = town.frame("panel.items", chair, {"meeting_id": mid}).iloc[0]
    assert [f.split(":")[0] for f in row["language_flags"]] == ["consent", "streetwise"]


def test_the_migration_keeps_decisions_and_actions_recorded_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                "description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
    for version, description, sql in _migrations():
        if version < 9:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                        [version, description, datetime.now()])
    con.execute("INSERT INTO agency VALUES ('sc', 'Social care', 'social_care')")
    con.execute("INSERT INTO meeting VALUES ('M1', DATE '2025-06-01', 'May', 'chair', "
                "TIMESTAMP '2025-06-01 10:00')")
    con.execute("INSERT INTO agenda_item VALUES ('I1', 'M1', 'place', 'H1', 'why', 'accepted', "
                "0, 'Patrols at night', ['boyfriend:her boyfriend'])")
    con.execute("INSERT INTO action (action_id, meeting_id, item_id, tactic, owner_agency, "
                "due_date, status, created_by, created_at) VALUES ('A1', 'M1', 'I1', "
                "'patrols', 'sc', DATE '2025-06-10', 'open', 'chair', TIMESTAMP '2025-06-01')")
    con.close()
    with Store.open(path) as store:
        viewer = Viewer("chair", Role.PANEL, "check")
        row = store.frame("panel.items", viewer, {"meeting_id": "M1"}).iloc[0]
        assert row["decision"] == "Patrols at night"
        assert list(row["language_flags"]) == ["boyfriend:her boyfriend"]
        action = store.frame("panel.actions", viewer, {"meeting_id": "M1"}).iloc[0]
        assert action["owner_name"] == "" and action["tactic"] == "patrols"
        meetings.record_decision(store, viewer, "I1", "Patrols and lighting")  # now it saves
        assert store.frame("panel.items", viewer, {"meeting_id": "M1"}).iloc[0][
            "decision"] == "Patrols and lighting"
        assert date(2025, 6, 1) == pd.Timestamp(
            store.frame("panel.meeting", viewer, {"meeting_id": "M1"}).iloc[0]["held_on"]).date()


def test_place_names_shared_by_several_places_carry_their_ward(demo_store: Store,
                                                               panel: Viewer) -> None:
    """Places that share a name can be told apart everywhere: the shared SQL fragment adds
    the ward (pickers, the map, the child's places, the pack)."""
    shared = {r[0] for r in demo_store.cursor.execute(
        "SELECT name FROM place WHERE kind NOT IN ('home', 'address_of_concern') "
        "AND ward_code IS NOT NULL GROUP BY name HAVING count(*) > 1").fetchall()}
    assert shared
    places = demo_store.frame("panel.places", panel)
    for _, r in places[places["kind"] != "address_of_concern"].iterrows():
        raw = r["name"].rsplit(", ", 1)[0]
        if raw in shared:
            assert r["name"] == f"{raw}, {r['ward']}", r["name"]
        elif r["ward"]:
            assert r["name"] == raw  # a unique name stays as it is
    mapped = demo_store.frame("places.map_places", panel, {
        "start": date(2000, 1, 1), "end": date(2100, 1, 1), "kinds": [], "agencies": [],
        "indicators": [], "contexts": []})
    assert any(n.rsplit(", ", 1)[0] in shared and n.endswith(str(w))
               for n, w in zip(mapped["name"], mapped["ward"], strict=True))
