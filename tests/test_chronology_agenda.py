"""Chronology, cumulative harm, escalation flags and agenda suggestions on hand-made frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics import agenda, chronology

AS_OF = date(2025, 6, 30)


def _inc(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(id, date, kind, harm_context) rows -> incident frame."""
    return pd.DataFrame([
        {"incident_id": i, "occurred_at": pd.Timestamp(d), "kind": k, "harm_context": c,
         "agency_id": "pol", "agency_name": "Police", "place_name": "Bus station",
         "place_kind": "transport_hub", "indicators": ["behavioural"], "role": "victim",
         "child_words": "He said he loved me" if k == "rhi_disclosure" else None,
         "narrative": None, "recorded_date": pd.Timestamp(d), "grading_source": 2,
         "grading_intel": "B", "grading_handling": "P"}
        for i, d, k, c in rows
    ])


def _links(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(link id, other id, other kind, first_seen) rows -> links frame."""
    return pd.DataFrame([
        {"link_id": lid, "other_id": oid, "other_label": "A-" + oid, "other_kind": ok,
         "kind": "associate", "nature": "harmful", "first_seen": pd.Timestamp(d),
         "source_agency": "pol", "verified": False, "grading_source": 3, "grading_intel": "C",
         "grading_handling": "P"}
        for lid, oid, ok, d in rows
    ])


@pytest.fixture
def child_incidents() -> pd.DataFrame:
    return _inc([
        ("i1", "2024-09-01", "domestic_abuse_at_home", "intra_familial"),
        ("i2", "2024-11-15", "missing_episode", "extra_familial"),
        ("i3", "2025-04-10", "missing_episode", "extra_familial"),
        ("i4", "2025-05-02", "missing_episode", "extra_familial"),
        ("i5", "2025-05-20", "missing_episode", "extra_familial"),
        ("i6", "2025-05-21", "rhi_disclosure", "extra_familial"),
        ("i7", "2025-06-01", "overdose", "self"),
        ("i8", "2025-07-15", "overdose", "self"),  # after as_of: ignored by flags
    ])


def test_timeline_orders_events_with_provenance_and_words(child_incidents: pd.DataFrame) -> None:
    links = _links([("l1", "a1", "adult_of_concern", "2025-05-10"),
                    ("l2", "t1", "trusted_adult", "2025-01-01")])
    tl = chronology.timeline(child_incidents, links)
    assert list(tl.columns) == chronology.TIMELINE_COLUMNS
    assert tl["date"].is_monotonic_increasing
    assert len(tl) == 9  # 8 incidents + 1 adult of concern (trusted adult is not an event)
    assert "Intra-familial" in set(tl["context"]) and "Extra-familial" in set(tl["context"])
    first = tl.iloc[0]
    assert first["provenance"] == "Police, recorded 2024-09-01, graded 2B P"
    assert tl.loc[tl["kind"] == "rhi_disclosure", "child_words"].item() == "He said he loved me"
    assert "A-a1" in tl.loc[tl["kind"] == "adult_linked", "event"].item()


def test_cumulative_counts_run_to_the_end(child_incidents: pd.DataFrame) -> None:
    tl = chronology.timeline(child_incidents)
    cum = chronology.cumulative(tl, end=date(2025, 7, 31))
    last = cum.iloc[-1]
    assert last["Missing episodes"] == 4
    assert last["Self-harm and overdose"] == 2
    assert last["Adverse experiences at home"] == 1
    assert cum["Missing episodes"].is_monotonic_increasing
    assert chronology.cumulative(tl.iloc[0:0]).empty


def test_escalation_flags_explain_themselves(child_incidents: pd.DataFrame) -> None:
    links = _links([("l1", "a1", "adult_of_concern", "2025-05-10"),
                    ("l3", "a1", "adult_of_concern", "2025-06-10"),  # same adult again
                    ("l2", "t1", "trusted_adult", "2025-01-01")])
    flags = chronology.escalation_flags(child_incidents, links, as_of=AS_OF)
    kinds = [f.kind for f in flags]
    assert kinds.count("missing_more_frequent") == 1
    assert kinds.count("first_overdose") == 1
    assert kinds.count("new_adult_of_concern") == 1
    assert "harm_at_home_and_outside" in kinds
    miss = next(f for f in flags if f.kind == "missing_more_frequent")
    assert miss.on == date(2025, 5, 20)
    assert "3 missing episodes in the 90 days to 2025-05-20, up from 0" in miss.explanation
    assert set(miss.evidence) == {"i3", "i4", "i5"}
    od = next(f for f in flags if f.kind == "first_overdose")
    assert od.on == date(2025, 6, 1) and od.evidence == ("i7",)
    adult = next(f for f in flags if f.kind == "new_adult_of_concern")
    assert "A-a1" in adult.title and "not yet verified" in adult.explanation
    assert [f.on for f in flags] == sorted(f.on for f in flags)
    frame = chronology.flags_frame(flags)
    assert len(frame) == len(flags) and "why it matters" in frame


def test_steady_missing_flags_only_when_the_pattern_starts() -> None:
    days = pd.date_range("2024-01-01", "2025-06-01", freq="MS")  # one a month for 18 months
    rows = [(f"m{k}", str(d.date()), "missing_episode", "extra_familial")
            for k, d in enumerate(days)]
    flags = chronology.escalation_flags(_inc(rows), as_of=AS_OF)
    miss = [f for f in flags if f.kind == "missing_more_frequent"]
    assert [f.on for f in miss] == [date(2024, 3, 1)]  # 3 where there were none; then steady


def test_escalation_flags_validate_window() -> None:
    with pytest.raises(ValueError, match="window_days"):
        chronology.escalation_flags(_inc([]), as_of=AS_OF, window_days=0)


def test_no_incidents_no_flags() -> None:
    assert chronology.escalation_flags(_inc([]), None, as_of=AS_OF) == []
    assert chronology.timeline(_inc([])).empty


def test_indicator_counts_by_wales_category(child_incidents: pd.DataFrame) -> None:
    counts = chronology.indicator_counts(child_incidents)
    assert counts == {"physical": 0, "emotional": 0, "material": 0, "behavioural": 8}


def _place_rows(place: str, dates: list[str]) -> list[dict[str, object]]:
    return [{"place_id": place, "label": place.title(), "incident_id": f"{place}{k}",
             "person_id": f"c{k % 2}", "occurred_at": pd.Timestamp(d)}
            for k, d in enumerate(dates)]


def test_rising_places_needs_enough_and_a_rise() -> None:
    frame = pd.DataFrame(
        _place_rows("hotel", ["2025-05-01", "2025-05-20", "2025-06-10", "2025-06-11"])
        + _place_rows("park", ["2025-02-01", "2025-02-02", "2025-02-03", "2025-05-01",
                               "2025-05-02", "2025-06-01"])
        + _place_rows("shop", ["2025-06-01", "2025-06-02"])
    )
    rising = agenda.rising_places(frame, as_of=AS_OF, min_recent=3)
    assert [p.place_id for p in rising] == ["hotel"]
    assert rising[0].recent == 4 and rising[0].previous == 0 and rising[0].children == 2
    assert "4 incidents involving 2 children" in rising[0].explain(90)
    assert agenda.rising_places(frame.iloc[0:0], as_of=AS_OF) == []


def test_suggest_merges_reasons_orders_and_excludes() -> None:
    flag = chronology.EscalationFlag("first_overdose", date(2025, 6, 1), "First overdose", "x")
    old = chronology.EscalationFlag("first_overdose", date(2025, 1, 1), "First overdose", "x")
    concerns = pd.DataFrame([
        {"person_id": "c1", "category": "cse", "opened_on": date(2025, 6, 5),
         "source_agency": "sc"},
        {"person_id": "c2", "category": "county_lines", "opened_on": date(2025, 6, 6),
         "source_agency": "pol"},
        {"person_id": "c3", "category": "cce", "opened_on": date(2025, 1, 6),
         "source_agency": "pol"},
    ])
    groups = pd.DataFrame([{"group_id": "g1", "group_label": "Group 1", "adult_label": "A-9",
                            "first_seen": date(2025, 6, 2)}])
    rising = [agenda.RisingPlace("hotel", "Hotel", 4, 0, 2)]
    items = agenda.suggest(
        since=date(2025, 5, 1), as_of=AS_OF, new_concerns=concerns,
        flags_by_child={"c1": [flag], "c4": [old]},
        child_labels={"c1": "C-1", "c2": "C-2", "c3": "C-3"},
        rising=rising, group_adult_links=groups, exclude=[("child", "c2")],
    )
    assert [(i.subject_kind, i.subject_id) for i in items] == [
        ("child", "c1"), ("place", "hotel"), ("group", "g1")]
    assert items[0].label == "C-1"
    assert "First overdose" in items[0].reason and "New CSE concern" in items[0].reason
    assert "A-9" in items[2].reason
    frame = agenda.items_frame(items)
    assert list(frame["kind"]) == ["child", "place", "group"]
    with pytest.raises(ValueError, match="after"):
        agenda.suggest(since=AS_OF, as_of=date(2025, 1, 1), new_concerns=concerns,
                       flags_by_child={}, child_labels={})


def test_agency_narratives_are_language_checked_but_the_childs_words_are_not(
        child_incidents: pd.DataFrame) -> None:
    inc = child_incidents.copy()
    inc.loc[inc["incident_id"] == "i2", "narrative"] = "Putting herself at risk again."
    inc.loc[inc["incident_id"] == "i6", "child_words"] = "I was putting myself at risk"
    tl = chronology.timeline(inc).set_index("ref")
    assert "may have been groomed" in tl.loc["i2", "language"]
    assert tl.loc["i6", "language"] == ""  # a child's own words are quoted, never corrected
    assert (tl.drop(index="i2")["language"] == "").all()
