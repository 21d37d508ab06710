"""Record linkage: which agencies' person records are probably the same person.

Splink (Fellegi-Sunter) scores pairs of records on four comparisons, each with levels a
reviewer can read:

- given name and family name: exact, Jaro-Winkler >= 0.92, >= 0.80, different;
- date of birth: exact, day and month swapped, one digit different, within a year, different;
- postcode: exact, same district (the part before the space), different.

The m probabilities (how often a level occurs when two records ARE the same person) are fixed,
documented priors (``M_PRIORS``); the u probabilities (how often it occurs by chance) are
measured from the data itself by random sampling when there are enough records (``U_PRIORS``
are used below that). The prior chance that two random records match is one over the number
of records. So a score is explainable: each level adds a match weight, shown with the pair.

Splink runs on its own in-memory DuckDB connection over a DataFrame taken from the store (the
store's connection is locked down), so this module never touches the store itself.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import duckdb
import pandas as pd

COMPARISONS = ("given_name", "family_name", "dob", "postcode")

# Level order for each comparison (null level first, handled by splink, not listed).
LEVELS: dict[str, tuple[str, ...]] = {
    "given_name": ("same", "very similar", "similar", "different"),
    "family_name": ("same", "very similar", "similar", "different"),
    "dob": ("same", "day and month swapped", "one digit different", "within a year",
            "different"),
    "postcode": ("same", "same district", "different"),
}
M_PRIORS: dict[str, tuple[float, ...]] = {
    "given_name": (0.80, 0.12, 0.05, 0.03),
    "family_name": (0.82, 0.12, 0.03, 0.03),
    "dob": (0.83, 0.05, 0.07, 0.02, 0.03),
    "postcode": (0.75, 0.10, 0.15),
}
U_PRIORS: dict[str, tuple[float, ...]] = {
    "given_name": (0.02, 0.01, 0.03, 0.94),
    "family_name": (0.01, 0.005, 0.02, 0.965),
    "dob": (0.0005, 0.0001, 0.004, 0.15, 0.8454),
    "postcode": (0.01, 0.10, 0.89),
}
MIN_RECORDS_TO_ESTIMATE_U = 200

_POSTCODE = re.compile(r"\s+")


def _prepare(records: pd.DataFrame) -> pd.DataFrame:
    """The columns splink compares, cleaned: lower-case names, ISO DOB, normalised postcode."""
    def clean_name(s: pd.Series) -> pd.Series:
        # Zoë -> zoe, O'Connell stays o'connell; other punctuation and digits go.
        folded = s.astype("string").str.normalize("NFKD").str.encode("ascii", "ignore")
        out = folded.str.decode("ascii").astype("string").str.strip().str.lower()
        out = out.str.replace(r"[^a-z' -]", "", regex=True)
        return out.where(out.str.len() > 0)

    dob = pd.to_datetime(records["date_of_birth"].astype("string"), format="ISO8601",
                         errors="coerce")
    swapped = [
        f"{d.year:04d}-{d.day:02d}-{d.month:02d}" if pd.notna(d) and d.day <= 12
        and d.day != d.month else None
        for d in dob
    ]
    pc = records["postcode"].astype("string").str.upper().str.strip()
    pc = pc.str.replace(_POSTCODE, " ", regex=True)
    return pd.DataFrame({
        "unique_id": records["record_id"].astype(str),
        "given_name": clean_name(records["given_name"]),
        "family_name": clean_name(records["family_name"]),
        "dob": dob.dt.strftime("%Y-%m-%d").where(dob.notna()),
        "dob_swapped": pd.Series(swapped, dtype="string"),
        "postcode": pc.where(pc.str.len() > 0),
        "postcode_district": pc.str.split(" ").str[0].where(pc.str.len() > 0),
    }).astype(object).where(lambda f: f.notna(), None)


def _comparisons() -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def name(col: str) -> Any:
        return cl.CustomComparison([
            cll.NullLevel(col),
            cll.ExactMatchLevel(col),
            cll.JaroWinklerLevel(col, 0.92),
            cll.JaroWinklerLevel(col, 0.80),
            cll.ElseLevel(),
        ], output_column_name=col)

    dob = cl.CustomComparison([
        cll.NullLevel("dob"),
        cll.ExactMatchLevel("dob"),
        cll.CustomLevel('"dob_l" = "dob_swapped_r"', label_for_charts="day and month swapped"),
        cll.LevenshteinLevel("dob", 1),
        cll.CustomLevel(
            'abs(date_diff(\'day\', try_cast("dob_l" AS DATE), try_cast("dob_r" AS DATE))) <= 366',
            label_for_charts="within a year"),
        cll.ElseLevel(),
    ], output_column_name="dob")
    postcode = cl.CustomComparison([
        cll.NullLevel("postcode"),
        cll.ExactMatchLevel("postcode"),
        cll.ExactMatchLevel("postcode_district"),
        cll.ElseLevel(),
    ], output_column_name="postcode")
    out = [name("given_name"), name("family_name"), dob, postcode]
    for comp, key in zip(out, COMPARISONS, strict=True):
        comp.configure(m_probabilities=list(M_PRIORS[key]), u_probabilities=list(U_PRIORS[key]))
    return out


def _blocking() -> list[Any]:
    from splink import block_on

    return [
        block_on("dob"),
        block_on("family_name"),
        block_on("given_name"),
        block_on("postcode"),
        '"l"."dob" = "r"."dob_swapped"',
        'substr("l"."family_name", 1, 3) = substr("r"."family_name", 1, 3) '
        'AND substr("l"."dob", 1, 4) = substr("r"."dob", 1, 4)',
    ]


def score_pairs(records: pd.DataFrame, *, threshold: float = 0.5, seed: int = 7) -> pd.DataFrame:
    """Candidate pairs of records with ``match_probability >= threshold``, best first.

    ``records`` has record_id, given_name, family_name, date_of_birth, postcode (values
    unmasked: the caller reads them in named mode for this purpose). Returns record_id_l,
    record_id_r (l < r), match_probability, match_weight and, per comparison, the level the
    pair reached (``given_name``, ``family_name``, ``dob``, ``postcode``: words from
    :data:`LEVELS` or ``missing``). ``seed`` makes the u estimate repeatable.
    """
    cols = ["record_id_l", "record_id_r", "match_probability", "match_weight", *COMPARISONS]
    if len(records) < 2:
        return pd.DataFrame(columns=cols)
    from splink import Linker, SettingsCreator
    from splink.internals.duckdb.database_api import DuckDBAPI

    prepared = _prepare(records)
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    con = duckdb.connect(":memory:")
    try:
        api = DuckDBAPI(con)
        sdf = api.register(prepared, dataset_display_name="person_records")
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=_comparisons(),
            blocking_rules_to_generate_predictions=_blocking(),
            probability_two_random_records_match=min(0.5, 1.0 / len(prepared)),
            retain_intermediate_calculation_columns=False,
        )
        linker = Linker(sdf, settings, log_level=logging.ERROR)
        if len(prepared) >= MIN_RECORDS_TO_ESTIMATE_U:
            linker.training.estimate_u_using_random_sampling(
                max_pairs=min(1e6, len(prepared) ** 2), seed=seed)
        pred = linker.inference.predict(threshold_match_probability=threshold,
                                        warning_mode="never").as_pandas_dataframe()
    finally:
        con.close()
    if pred.empty:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame({
        "record_id_l": pred[["unique_id_l", "unique_id_r"]].min(axis=1),
        "record_id_r": pred[["unique_id_l", "unique_id_r"]].max(axis=1),
        "match_probability": pred["match_probability"].astype(float).round(4),
        "match_weight": pred["match_weight"].astype(float).round(2),
    })
    for key in COMPARISONS:
        gamma = pred[f"gamma_{key}"].astype(int)
        levels = LEVELS[key]
        # splink numbers levels from the ELSE level (0) upward; -1 is the null level.
        out[key] = [("missing" if g < 0 else levels[len(levels) - 1 - g]) for g in gamma]
    out = out.drop_duplicates(["record_id_l", "record_id_r"])
    return out.sort_values(["match_probability", "record_id_l", "record_id_r"],
                           ascending=[False, True, True], ignore_index=True)


def precision_recall(found: pd.DataFrame, truth: set[tuple[str, str]]) -> tuple[float, float]:
    """Precision and recall of found pairs (record_id_l, record_id_r) against true pairs."""
    got = {tuple(sorted(p)) for p in zip(found["record_id_l"], found["record_id_r"], strict=True)}
    want = {tuple(sorted(p)) for p in truth}
    tp = len(got & want)
    precision = tp / len(got) if got else 1.0
    recall = tp / len(want) if want else 1.0
    return precision, recall
