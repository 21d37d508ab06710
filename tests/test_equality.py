"""Disproportionality tables against hand-computed values."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import equality
from analytics.suppression import SUPPRESSED, SuppressionPolicy
from domain.errors import ValidationError

POLICY = SuppressionPolicy(threshold=8, base=5)


def _people(groups: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """``{group: (population, flagged)}`` as one row per person."""
    rows = []
    for group, (n, flagged) in groups.items():
        rows += [{"g": group, "f": i < flagged} for i in range(n)]
    return pd.DataFrame(rows)


def test_rates_and_ratios_by_hand() -> None:
    # A: 20 of 40 = 50 per 100; B: 10 of 60 = 16.7; all: 30 of 100 = 30.
    # Ratios 50/30 = 1.67 and 16.67/30 = 0.56. Every count is a multiple of 5: no rounding.
    d = equality.disproportionality(_people({"A": (40, 20), "B": (60, 10)}), by="g", flag="f",
                                    policy=POLICY)
    t = d.table.set_index("group")
    assert list(t.index) == ["A", "B", "TOTAL"]
    assert t.loc["A", "population"] == 40 and t.loc["A", "flagged"] == 20
    assert t.loc["A", "rate"] == 50.0 and t.loc["B", "rate"] == 16.7
    assert t.loc["A", "ratio"] == 1.67 and t.loc["B", "ratio"] == 0.56
    assert t.loc["TOTAL", "ratio"] == 1.0 and d.overall_rate == 30.0


def test_small_groups_are_hidden_with_secondary_suppression() -> None:
    # C has 3 people (1 flagged): both hidden. One hidden cell per column, so the smallest
    # other non-zero cell is hidden too: population A (40), flagged B (10).
    # Totals: 103 -> 105 and 31 -> 30 (nearest 5); overall rate 30 / 105 = 28.6 per 100.
    d = equality.disproportionality(_people({"A": (40, 20), "B": (60, 10), "C": (3, 1)}),
                                    by="g", flag="f", policy=POLICY)
    t = d.table.set_index("group")
    assert t.loc["C", "population"] == SUPPRESSED and t.loc["C", "flagged"] == SUPPRESSED
    assert t.loc["A", "population"] == SUPPRESSED and t.loc["B", "flagged"] == SUPPRESSED
    assert t.loc["TOTAL", "population"] == 105 and t.loc["TOTAL", "flagged"] == 30
    assert d.overall_rate == 28.6
    for group in ("A", "B", "C"):  # a rate from a hidden count is never shown
        assert pd.isna(t.loc[group, "rate"]) and pd.isna(t.loc[group, "ratio"])


def test_rates_use_published_counts() -> None:
    # 12 of 23 -> published 10 of 25 (nearest 5): rate 40.0, never 52.2 from the true counts
    d = equality.disproportionality(_people({"A": (23, 12)}), by="g", flag="f",
                                    policy=POLICY)
    assert d.table.loc[0, "population"] == 25 and d.table.loc[0, "flagged"] == 10
    assert d.table.loc[0, "rate"] == 40.0


def test_missing_values_and_bands() -> None:
    assert equality.age_band(None) == equality.NOT_RECORDED
    assert [equality.age_band(a) for a in (9, 10, 15, 17, 18, 50, 90)] == [
        "0-9", "10-12", "13-15", "16-17", "18-24", "50+", "50+"]
    frame = pd.DataFrame({"g": [None] * 10 + ["X"] * 10, "f": [True] * 20})
    d = equality.disproportionality(frame, by="g", flag="f", policy=POLICY)
    assert equality.NOT_RECORDED in set(d.table["group"])
    with pytest.raises(ValidationError, match="no column 'nope'"):
        equality.disproportionality(frame, by="nope", flag="f", policy=POLICY)


def test_equality_tables_split_children_and_adults() -> None:
    people = pd.DataFrame({
        "kind": ["child"] * 20 + ["adult_of_concern"] * 10 + ["trusted_adult"] * 10,
        "sex": ["F"] * 10 + ["M"] * 10 + ["M"] * 10 + ["F"] * 10,
        "ethnicity": ["White British"] * 40,
        "age_years": [14] * 20 + [30] * 20,
        "open_concern": [True] * 10 + [False] * 10 + [True] * 10 + [False] * 10,
    })
    out = equality.equality_tables(people, policy=POLICY)
    kids = {d.dimension: d.table.set_index("group") for d in out["children"]}
    assert kids["sex"].loc["Female", "rate"] == 100.0 and kids["sex"].loc["Male", "rate"] == 0.0
    assert kids["sex"].loc["Female", "ratio"] == 2.0
    assert list(kids["age band"].index) == ["13-15", "TOTAL"]
    adults = {d.dimension: d.table.set_index("group") for d in out["adults"]}
    # adults of concern are all male: male rate 100, overall 50, ratio 2
    assert adults["sex"].loc["Male", "ratio"] == 2.0
    assert adults["sex"].loc["Female", "ratio"] == 0.0
