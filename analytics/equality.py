"""Disproportionality: are some groups over-represented among the people CSMap holds concerns
about, compared with the population the store holds?

The ICO found the Gangs Matrix disproportionate by ethnicity with no equality check (BRIEF
section 8). For each group (an ethnicity, a sex, an age band) the table gives the base
population, how many of them are flagged (a child with an open concern, an adult recorded as
an adult of concern), the flagged *rate* in the group, and the **ratio** of that rate to the
rate in the whole base: 1.0 is proportionate, 2.0 means twice the overall rate.

Counts are published under :class:`analytics.suppression.SuppressionPolicy` with secondary
suppression (:func:`analytics.suppression.protect_table`), and rates and ratios are computed
from the published counts only, so a hidden count cannot be recovered from a ratio. A ratio
is a prompt for questions (who records, who is referred), not a finding on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.suppression import SUPPRESSED, Shown, SuppressionPolicy, protect_table
from domain.errors import ValidationError

NOT_RECORDED = "Not recorded"

_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 9, "0-9"), (10, 12, "10-12"), (13, 15, "13-15"), (16, 17, "16-17"),
    (18, 24, "18-24"), (25, 34, "25-34"), (35, 49, "35-49"), (50, 200, "50+"),
)
AGE_BANDS: tuple[str, ...] = tuple(b[2] for b in _BANDS) + (NOT_RECORDED,)
"""Age bands in display order."""

SEX_LABELS: dict[str, str] = {"F": "Female", "M": "Male", "X": "Another sex",
                              "U": NOT_RECORDED}


def age_band(age: object) -> str:
    """The band of an age in years (``"Not recorded"`` when missing)."""
    if age is None or pd.isna(age):  # type: ignore[call-overload]
        return NOT_RECORDED
    years = int(age)  # type: ignore[call-overload]
    for low, high, name in _BANDS:
        if low <= years <= high:
            return name
    return NOT_RECORDED


@dataclass(frozen=True)
class Disproportionality:
    """One dimension's table.

    Attributes
    ----------
    dimension
        What the groups are (``"ethnicity"``, ``"sex"``, ``"age band"``).
    table
        One row per group then a ``TOTAL`` row: ``group``, ``population`` and ``flagged``
        (published counts: 0, ``"*"`` or rounded), ``rate`` (flagged per 100 in the group,
        from published counts; None when hidden) and ``ratio`` (the group's rate over the
        TOTAL rate; None when hidden).
    overall_rate
        Flagged per 100 in the whole base, from the published totals (None if hidden).
    """

    dimension: str
    table: pd.DataFrame
    overall_rate: float | None


def _rate(flagged: Shown, population: Shown) -> float | None:
    if flagged == SUPPRESSED or population == SUPPRESSED or int(population) <= 0:
        return None
    return 100.0 * int(flagged) / int(population)


def disproportionality(base: pd.DataFrame, *, by: str, flag: str, dimension: str = "",
                       order: tuple[str, ...] = (),
                       policy: SuppressionPolicy | None = None) -> Disproportionality:
    """Flagged rate per group of ``base[by]`` against the whole of ``base``.

    ``base`` has one row per person of the base population; ``flag`` is a boolean column
    marking the people counted (the subset). Missing groups become ``"Not recorded"``.
    Groups are listed in ``order`` first, then by name.
    """
    for col in (by, flag):
        if col not in base.columns:
            raise ValidationError(f"the people table has no column {col!r}")
    pol = policy or SuppressionPolicy.from_settings()
    groups = base[by].astype(object).where(base[by].notna(), NOT_RECORDED).astype(str)
    counts = (pd.DataFrame({"group": groups, "flagged": base[flag].fillna(False).astype(bool)})
              .groupby("group", sort=False)
              .agg(population=("flagged", "size"), flagged=("flagged", "sum"))
              .reset_index())
    rank = {g: i for i, g in enumerate(order)}
    counts["_rank"] = counts["group"].map(lambda g: rank.get(g, len(rank)))
    counts = counts.sort_values(["_rank", "group"]).drop(columns="_rank")
    table = protect_table(counts[["group", "population", "flagged"]],
                          ["population", "flagged"], policy=pol)
    rates = [_rate(f, p) for f, p in zip(table["flagged"], table["population"], strict=True)]
    overall = rates[-1]
    table["rate"] = [None if r is None else round(r, 1) for r in rates]
    table["ratio"] = [None if r is None or not overall else round(r / overall, 2)
                      for r in rates]
    return Disproportionality(dimension or by, table.reset_index(drop=True),
                              None if overall is None else round(overall, 1))


def equality_tables(people: pd.DataFrame, *, policy: SuppressionPolicy | None = None
                    ) -> dict[str, list[Disproportionality]]:
    """The two checks of the Data protection page, by ethnicity, sex and age band.

    ``people`` has one row per person with ``kind``, ``sex``, ``ethnicity``, ``age_years``
    and ``open_concern``. Returns ``{"children": [...], "adults": [...]}``: children with an
    open concern against all children, adults of concern against all adults.
    """
    frame = people.assign(
        sex=people["sex"].map(lambda s: SEX_LABELS.get(str(s), NOT_RECORDED)),
        age_band=people["age_years"].map(age_band),
    )
    children = frame[frame["kind"] == "child"]
    adults = frame[frame["kind"] != "child"].assign(
        of_concern=lambda f: f["kind"] == "adult_of_concern")
    out: dict[str, list[Disproportionality]] = {}
    for key, base, flag in (("children", children, "open_concern"),
                            ("adults", adults, "of_concern")):
        out[key] = [
            disproportionality(base, by="ethnicity", flag=flag, dimension="ethnicity",
                               order=(), policy=policy),
            disproportionality(base, by="sex", flag=flag, dimension="sex",
                               order=tuple(SEX_LABELS.values()), policy=policy),
            disproportionality(base, by="age_band", flag=flag, dimension="age band",
                               order=AGE_BANDS, policy=policy),
        ]
    return out
