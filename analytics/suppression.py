"""Small-number suppression for aggregates that commissioners see.

A published count is one of three things:

* ``0`` when nothing happened (an exact zero reveals nobody);
* ``"*"`` when the true count is 1 to ``threshold - 1`` (primary suppression);
* otherwise the count rounded to the nearest ``base`` (half up).

Rounding every published figure is what stops *differencing*: when two filter choices nest
(all wards vs. all but one ward, Q1-Q4 vs. Q1-Q3) the difference of two rounded figures only
bounds the hidden count to an interval. :class:`SuppressionPolicy` checks, when it is made, that
this interval never narrows to a single value, for every pair of figures a page can show; an
unsafe setting (for example ``base=1``) is refused with a message saying what to change.
:func:`protect_table` adds secondary suppression for a table shown beside its total, so a
single hidden cell can never be recovered as "total minus the rest".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from domain import settings
from domain.errors import ValidationError

SUPPRESSED = "*"

Shown = int | str
"""A published figure: an int (0 or a rounded count) or ``"*"``."""


@dataclass(frozen=True)
class SuppressionPolicy:
    """How counts are published.

    Attributes
    ----------
    threshold
        Counts from 1 to ``threshold - 1`` are shown as ``"*"``.
    base
        Counts of ``threshold`` or more are rounded to the nearest multiple of ``base``.
    """

    threshold: int = 8
    base: int = 5

    def __post_init__(self) -> None:
        if self.threshold < 2:
            raise ValidationError(
                f"suppression threshold {self.threshold} is too low: use 2 or more (default 8)"
            )
        if self.base < 1:
            raise ValidationError(f"rounding base {self.base} must be 1 or more (default 5)")
        if not _safe(self.threshold, self.base):
            ok = [b for b in range(2, 21) if _safe(self.threshold, b)]
            hint = (f"with threshold {self.threshold} use a rounding base of "
                    + ", ".join(map(str, ok[:5])) if ok else "raise the threshold")
            raise ValidationError(
                f"suppression threshold {self.threshold} with rounding base {self.base} lets a "
                "suppressed count be recovered by subtracting two published figures: "
                f"{hint} (the default threshold 8 with base 5 is safe)"
            )

    @classmethod
    def from_settings(cls) -> SuppressionPolicy:
        """The policy in the ``suppression_threshold`` and ``rounding_base`` settings."""
        return cls(
            threshold=settings.get_int("suppression_threshold"),
            base=settings.get_int("rounding_base"),
        )

    def shown(self, count: int) -> Shown:
        """The published form of a true count."""
        n = int(count)
        if n < 0:
            raise ValidationError(f"a count cannot be negative ({n})")
        if n == 0:
            return 0
        if n < self.threshold:
            return SUPPRESSED
        if self.base == 1:
            return n
        # round half up, but never down to 0: a published 0 always means exactly none
        return max(self.base, (n + self.base // 2) // self.base * self.base)

    def possible(self, shown: Shown) -> range:
        """Every true count that would be published as ``shown`` (what an onlooker can infer)."""
        if shown == SUPPRESSED:
            return range(1, self.threshold)
        r = int(shown)
        if r == 0:
            return range(0, 1)
        hits = [n for n in range(self.threshold, r + self.base + 1) if self.shown(n) == r]
        return range(hits[0], hits[-1] + 1) if hits else range(0)


@lru_cache(maxsize=64)
def _safe(threshold: int, base: int) -> bool:
    """Brute force over published pairs: can ``outer - inner`` be exactly one hidden count?

    For nested filter choices the hidden difference ``d = outer - inner`` lies in
    ``possible(outer) - possible(inner)``; it is revealed when exactly one value in 1 to
    ``threshold - 1`` is consistent. The pattern repeats with period ``base``, so a few
    periods above the threshold cover every case.
    """
    pol = object.__new__(SuppressionPolicy)
    object.__setattr__(pol, "threshold", threshold)
    object.__setattr__(pol, "base", base)
    top = threshold + 6 * base + 10
    figures: set[Shown] = {pol.shown(n) for n in range(top)}
    for outer in figures:
        for inner in figures:
            outs, ins = pol.possible(outer), pol.possible(inner)
            diffs = {o - i for o in outs for i in ins if 0 < o - i < threshold}
            if len(diffs) == 1:
                return False
    return True


def shown_series(counts: Iterable[int], policy: SuppressionPolicy | None = None) -> list[Shown]:
    """Publish every count of ``counts`` under ``policy`` (settings when None)."""
    pol = policy or SuppressionPolicy.from_settings()
    return [pol.shown(int(c)) for c in counts]


def protect_table(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    policy: SuppressionPolicy | None = None,
) -> pd.DataFrame:
    """Publish the count columns of a table that will be shown with its column totals.

    Primary suppression hides counts below the threshold; secondary suppression then hides the
    smallest other non-zero cell of any column with exactly one hidden cell, so "total minus
    the others" cannot recover it. Returns a copy with the count columns as published values
    (object dtype) and a ``TOTAL`` row appended. Rates must be computed from the published
    counts, never from the true ones.
    """
    pol = policy or SuppressionPolicy.from_settings()
    out = frame.copy()
    totals: dict[str, Shown] = {}
    for col in count_columns:
        true = out[col].fillna(0).astype(int).tolist()
        shown: list[Shown] = [pol.shown(v) for v in true]
        hidden = [i for i, s in enumerate(shown) if s == SUPPRESSED]
        if len(hidden) == 1:
            others = [i for i, v in enumerate(true) if v > 0 and shown[i] != SUPPRESSED]
            if others:
                j = min(others, key=lambda i: (true[i], i))
                shown[j] = SUPPRESSED
        out[col] = pd.Series(shown, index=out.index, dtype=object)
        totals[col] = pol.shown(sum(true))
    total_row: dict[str, Shown] = dict.fromkeys(out.columns, "")
    first = out.columns[0]
    total_row[first] = "TOTAL"
    total_row.update(totals)
    return pd.concat([out, pd.DataFrame([total_row])], ignore_index=True)


def rate_per_1000(shown: Shown, population: int) -> float | None:
    """A rate per 1,000 from a *published* count; None when hidden or no population."""
    if shown == SUPPRESSED or population <= 0:
        return None
    return round(1000.0 * int(shown) / population, 1)
