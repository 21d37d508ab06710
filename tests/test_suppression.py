"""Small-number suppression: primary, rounding, secondary, and no recovery by differencing."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.suppression import (
    SUPPRESSED,
    SuppressionPolicy,
    _safe,
    protect_table,
    rate_per_1000,
    shown_series,
)
from domain.errors import ValidationError

SAFE = [(t, b) for t in range(4, 13) for b in range(2, 11) if _safe(t, b)]


def test_default_policy_hides_one_to_seven_and_rounds_to_five() -> None:
    pol = SuppressionPolicy()
    assert [pol.shown(n) for n in [0, 1, 7, 8, 12, 13, 17, 18, 102]] == \
        [0, SUPPRESSED, SUPPRESSED, 10, 10, 15, 15, 20, 100]
    assert list(pol.possible(10)) == [8, 9, 10, 11, 12]
    assert list(pol.possible(SUPPRESSED)) == list(range(1, 8))


def test_policy_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSMAP_SUPPRESSION_THRESHOLD", "10")
    monkeypatch.setenv("CSMAP_ROUNDING_BASE", "10")
    assert shown_series([9, 10, 14, 15]) == [SUPPRESSED, 10, 10, 20]


@pytest.mark.parametrize(("threshold", "base"), [(8, 1), (5, 5), (8, 3)])
def test_settings_that_allow_differencing_are_refused(threshold: int, base: int) -> None:
    with pytest.raises(ValidationError, match="subtracting two published figures"):
        SuppressionPolicy(threshold, base)


def test_secondary_suppression_protects_a_lone_hidden_cell() -> None:
    table = pd.DataFrame({"ward": ["A", "B", "C", "D"], "incidents": [3, 40, 9, 0]})
    out = protect_table(table, ["incidents"], policy=SuppressionPolicy())
    assert out["incidents"].tolist() == [SUPPRESSED, 40, SUPPRESSED, 0, 50]
    assert out["ward"].iloc[-1] == "TOTAL"
    two = protect_table(pd.DataFrame({"w": ["A", "B", "C"], "n": [3, 2, 30]}), ["n"],
                        policy=SuppressionPolicy())
    assert two["n"].tolist() == [SUPPRESSED, SUPPRESSED, 30, 35]  # already two hidden


def test_rates_come_from_published_counts_only() -> None:
    assert rate_per_1000(SUPPRESSED, 2000) is None
    assert rate_per_1000(10, 2000) == 5.0
    assert rate_per_1000(10, 0) is None


# -- property: no two filter choices reveal a suppressed count by subtraction ---------------
WARDS, KINDS, QUARTERS = 3, 2, 3
CELL = st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 20, 37])


def _choices() -> list[frozenset[tuple[int, int, int]]]:
    """Every selection the Hotspots page's filters allow: ward (or all), kind (or all), a
    contiguous range of quarters."""
    out = []
    for w in [None, *range(WARDS)]:
        for k in [None, *range(KINDS)]:
            for a, b in itertools.combinations_with_replacement(range(QUARTERS), 2):
                out.append(frozenset(
                    (wi, ki, qi)
                    for wi in (range(WARDS) if w is None else [w])
                    for ki in (range(KINDS) if k is None else [k])
                    for qi in range(a, b + 1)))
    return list(dict.fromkeys(out))


CHOICES = _choices()
NESTED = [(small, big) for small in CHOICES for big in CHOICES if small < big]


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(CELL, min_size=WARDS * KINDS * QUARTERS,
                      max_size=WARDS * KINDS * QUARTERS),
       policy=st.sampled_from(SAFE))
def test_no_two_filter_choices_reveal_a_suppressed_count(cells: list[int],
                                                         policy: tuple[int, int]) -> None:
    pol = SuppressionPolicy(*policy)
    keys = [(w, k, q) for w in range(WARDS) for k in range(KINDS) for q in range(QUARTERS)]
    true = dict(zip(keys, cells, strict=True))
    total = {c: sum(true[x] for x in c) for c in CHOICES}
    shown = {c: pol.shown(total[c]) for c in CHOICES}
    for small, big in NESTED:
        hidden = total[big] - total[small]
        if not 0 < hidden < pol.threshold:
            continue
        # what an onlooker who sees both published figures can say about the difference
        consistent = {o - i for o in pol.possible(shown[big]) for i in pol.possible(shown[small])
                      if 0 < o - i < pol.threshold}
        assert hidden in consistent
        assert len(consistent) >= 2, (
            f"{shown[big]} - {shown[small]} reveals a hidden count of {hidden}")


def test_commissioner_ward_table_publishes_only_protected_figures() -> None:
    from analytics import commissioning as comm

    cells = pd.DataFrame({"ward_code": ["A", "A", "B", "C", "C"],
                          "quarter": ["2025-Q1", "2025-Q2", "2025-Q1", "2025-Q1", "2025-Q2"],
                          "place_kind": ["park", "park", "hotel", "park", "hotel"],
                          "incidents": [20, 3, 4, 30, 12]})
    wards = pd.DataFrame({"ward_code": ["A", "B", "C"], "name": ["Ay", "Bee", "Sea"],
                          "child_population": [2000, 1000, 0]})
    children = pd.DataFrame({"ward_code": ["A", "B", "C"], "children": [9, 2, 15]})
    pol = SuppressionPolicy()
    table = comm.ward_table(cells, wards, children,
                            comm.Selection(["2025-Q1", "2025-Q2"]), pol).set_index("name")
    assert table.loc["Bee", "incidents"] == SUPPRESSED  # 4: primary
    assert table.loc["Ay", "incidents"] == SUPPRESSED  # 23: secondary (smallest other)
    assert table.loc["Sea", "incidents"] == 40 and table.loc["TOTAL", "incidents"] == 70
    assert pd.isna(table.loc["Ay", "rate_per_1000"]) and pd.isna(table.loc["Bee",
                                                                            "rate_per_1000"])
    assert pd.isna(table.loc["Sea", "rate_per_1000"])  # no population, no rate
    assert table.loc["TOTAL", "rate_per_1000"] == round(1000 * 70 / 3000, 1)
    assert table.loc["TOTAL", "children"] == ""  # distinct children do not add up
    trend = comm.quarter_trend(cells, comm.Selection(["2025-Q1", "2025-Q2"], "hotel"), pol,
                               all_quarters=["2025-Q1", "2025-Q2"])
    assert trend["incidents"].tolist() == [SUPPRESSED, 10]
    assert trend["plotted"].tolist()[1] == 10 and pd.isna(trend["plotted"].tolist()[0])


def test_the_commissioners_window_starts_on_a_quarter_boundary() -> None:
    from datetime import date

    from analytics import commissioning

    start, end = commissioning.full_quarters(date(2026, 9, 30))
    assert start == date(2024, 7, 1) and end == date(2026, 10, 1)  # 8 whole quarters + Q3
    start, _ = commissioning.full_quarters(date(2026, 11, 23), quarters=1)
    assert start == date(2026, 7, 1)
    with pytest.raises(ValidationError):
        commissioning.full_quarters(date(2026, 1, 1), quarters=0)


def test_rate_classes_are_mapclassify_quintiles() -> None:
    """1..10 in fifths: upper bounds 2.8, 4.6, 6.4, 8.2, 10 (linear interpolation), two rates
    a class; hidden rates stay unclassed."""
    from analytics import commissioning as comm

    rates = [float(r) for r in range(1, 11)]
    got = comm.rate_classes([None, *rates, float("nan")])
    assert got.classes == [None, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, None]
    assert got.edges == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])
    # the rule the page used by hand (count the fifths' edges below a rate) agrees
    edges = pd.Series(rates).quantile([0.2, 0.4, 0.6, 0.8]).tolist()
    assert got.classes[1:-1] == [sum(r > e for e in edges) for r in rates]
    assert comm.rate_classes([None, None]).classes == [None, None]
    few = comm.rate_classes(pd.Series([1.0, 1.0, 1.0, 1.0, 2.0]))  # two distinct rates
    assert few.classes == [0, 0, 0, 0, 2] and few.edges[-1] == 2.0


def test_outreach_table_publishes_only_protected_figures() -> None:
    from analytics import commissioning as comm

    rows = pd.DataFrame({"ward_code": ["A", "B", "C"], "incidents": [40, 6, 23],
                         "evening_incidents": [20, 3, 12], "weekend_incidents": [9, 0, 31],
                         "children": [30, 2, 16], "out_of_hours_children": [12, 1, 9]})
    wards = pd.DataFrame({"ward_code": ["A", "B", "C", "D"], "name": ["Ay", "Bee", "Sea", "Dee"],
                          "child_population": [2000, 1000, 500, 800]})
    t = comm.outreach_table(rows, wards, SuppressionPolicy()).set_index("name")
    # primary: 1-7 hidden; secondary: a column with one hidden cell loses its next smallest
    assert t.loc["Bee", "incidents"] == SUPPRESSED and t.loc["Sea", "incidents"] == SUPPRESSED
    assert t.loc["Ay", "incidents"] == 40 and t.loc["TOTAL", "incidents"] == 70
    assert t.loc["Bee", "weekend_incidents"] == 0 and t.loc["Dee", "incidents"] == 0
    assert t.loc["Sea", "weekend_incidents"] == 30  # rounded to 5
    assert t.loc["Bee", "out_of_hours_children"] == SUPPRESSED
    assert t.loc["Sea", "out_of_hours_children"] == SUPPRESSED  # secondary (9, smallest other)
    assert t.loc["TOTAL", "children"] == "" and t.loc["TOTAL", "out_of_hours_children"] == ""
    # rates from published counts only, hidden with them
    assert t.loc["Ay", "children_per_1000"] == 15.0  # 30 / 2000
    assert t.loc["Ay", "out_of_hours_per_1000"] == 5.0  # published 10 (12 rounded) / 2000
    assert pd.isna(t.loc["Bee", "children_per_1000"]) and pd.isna(t.loc["Sea",
                                                                         "out_of_hours_per_1000"])
    for col in comm.OUTREACH_COUNTS:  # every figure 0, *, a multiple of 5 from 10, or blank
        for value in t[col]:
            assert value in (0, SUPPRESSED, "") or (value % 5 == 0 and value >= 10), (col, value)
    assert not {"person_id", "pseudonym", "place_id"} & set(t.columns)


def test_a_high_rate_ward_in_a_cold_spot_says_why() -> None:
    from analytics import commissioning as comm

    body = pd.DataFrame({"rate_per_1000": [1.0, 2.0, 3.0, 4.0, 50.0, None],
                         "hotspot": ["hot", "ns", "ns", "ns", "cold", "ns"],
                         "lisa": ["LH", "ns", "ns", "LL", "HL", "ns"]})
    words = comm.describe_wards(body)
    assert words.loc[4, "rate_band"] == "highest fifth"
    assert words.loc[4, "neighbourhood"].startswith("cold spot (low with the wards around")
    assert "describes the wards around it, not this ward" in words.loc[4, "note"]
    assert words.loc[4, "pattern"] == "high, while its neighbours are low (stands out)"
    assert "'hot' describes the wards around it" in words.loc[0, "note"]
    assert words.loc[2, "note"] == "" and words.loc[5, "rate_band"] == "hidden (small numbers)"


def test_coverage_marks_the_quarters_the_data_only_partly_covers() -> None:
    from datetime import date

    from analytics import commissioning as comm

    spans = pd.DataFrame({"agency": ["Police", "Youth justice"],
                          "first": [date(2024, 9, 30), date(2024, 10, 22)]})
    cover = comm.coverage(["2024-Q3", "2024-Q4", "2025-Q1", "2026-Q3"], spans,
                          date(2026, 8, 15))
    t = cover.quarters.set_index("quarter")
    assert t.loc["2024-Q3", "partial"] and t.loc["2024-Q3", "coverage"] < 0.02
    assert t.loc["2024-Q4", "agencies"] == 2 and t.loc["2024-Q4", "partial"]
    assert t.loc["2024-Q4", "coverage"] == round((92 + 71) / 184, 3)  # youth justice late
    assert not t.loc["2025-Q1", "partial"] and t.loc["2025-Q1", "coverage"] == 1.0
    assert t.loc["2026-Q3", "partial"]  # the quarter is not over yet
    assert cover.summary.startswith("Data starts 2024-09-30 (Youth justice from 2024-10-22).")
    assert "2024-Q3" in cover.summary and "not more harm" in cover.summary
