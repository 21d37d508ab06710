"""Record linkage: which agencies' person records are probably the same person.

Splink's standard Fellegi-Sunter model on its own in-memory DuckDB connection (the store's
connection is locked down, so this module never touches the store itself):

- **comparisons** from splink's comparison library: given name and family name
  (``NameComparison``'s levels: exact, Jaro-Winkler >= 0.92, >= 0.88, >= 0.70, with a
  "names swapped" level, and for given names a "nickname" level: Bill = William), date of
  birth (``DateOfBirthComparison``'s levels: exact, one character different, within a
  month, a year, ten years, with a "day and month swapped" level), postcode
  (``PostcodeComparison``: exact, same sector, district, area) and, when the records have
  one, the first line of the address (``JaroWinklerAtThresholds``);
- **term-frequency adjustments** on exact names and postcodes: agreeing on "Smith" counts
  for less than agreeing on "Okonkwo" (from ``MIN_RECORDS_TO_ESTIMATE_U`` records up: in a
  handful of records every name looks common);
- **u probabilities** (how often a level occurs between different people) measured by
  random sampling of pairs, seeded; **m probabilities** (how often it occurs for the same
  person) trained by expectation maximisation in two sessions (pairs sharing a date of
  birth train the names, postcode and address; pairs sharing both names train the date of
  birth and postcode); the prior that two records match is estimated from pairs agreeing
  on both names and date of birth. With fewer than ``MIN_RECORDS_TO_TRAIN`` records there
  is too little to train on, and documented priors (``M_PRIORS``, ``U_PRIORS``) are used.

Every score is explainable: the level each comparison reached, in words, and its match
weight (log2 of how much more likely that level is for the same person than by chance,
term frequency included), which with the prior weight add up to the pair's match weight.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import duckdb
import pandas as pd

COMPARISONS = ("given_name", "family_name", "dob", "postcode")
OPTIONAL = ("address",)  # compared when the records carry it

# Level words for each comparison, most alike first (splink's null level is "missing").
LEVELS: dict[str, tuple[str, ...]] = {
    "given_name": ("same", "names swapped", "nickname", "very similar", "similar",
                   "somewhat similar", "different"),
    "family_name": ("same", "names swapped", "very similar", "similar", "somewhat similar",
                    "different"),
    "dob": ("same", "day and month swapped", "one character different", "within a month",
            "within a year", "within ten years", "different"),
    "postcode": ("same", "same sector", "same district", "same area", "different"),
    "address": ("same", "very similar", "similar", "different"),
}
# Used when there are too few records to train (and as EM's starting point).
M_PRIORS: dict[str, tuple[float, ...]] = {
    "given_name": (0.80, 0.02, 0.04, 0.08, 0.03, 0.01, 0.02),
    "family_name": (0.83, 0.02, 0.09, 0.02, 0.01, 0.03),
    "dob": (0.83, 0.05, 0.06, 0.01, 0.02, 0.01, 0.02),
    "postcode": (0.75, 0.03, 0.04, 0.03, 0.15),
    "address": (0.75, 0.1, 0.05, 0.1),
}
U_PRIORS: dict[str, tuple[float, ...]] = {
    "given_name": (0.02, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.9135),
    "family_name": (0.01, 0.02, 0.005, 0.005, 0.03, 0.93),  # swapped: m = u, weight 0
    "dob": (0.0005, 0.0001, 0.004, 0.01, 0.15, 0.80, 0.0354),
    "postcode": (0.001, 0.005, 0.05, 0.2, 0.744),
    "address": (0.001, 0.005, 0.02, 0.974),
}
MIN_RECORDS_TO_ESTIMATE_U = 200
MIN_RECORDS_TO_TRAIN = 1000
RECALL_OF_EXACT_RULE = 0.6  # share of true pairs agreeing on both names and date of birth

# Common English nicknames and short forms -> the given name they stand for.
NICKNAMES: dict[str, str] = {
    "bill": "william", "billy": "william", "will": "william", "liam": "william",
    "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert",
    "jim": "james", "jimmy": "james", "jamie": "james", "mike": "michael",
    "mikey": "michael", "mick": "michael", "tom": "thomas", "tommy": "thomas",
    "joe": "joseph", "joey": "joseph", "dan": "daniel", "danny": "daniel",
    "sam": "samuel", "sammy": "samuel", "ben": "benjamin", "benny": "benjamin",
    "matt": "matthew", "alex": "alexander", "ed": "edward", "eddie": "edward",
    "ted": "edward", "ned": "edward", "chris": "christopher", "kit": "christopher",
    "tony": "anthony", "nick": "nicholas", "nicky": "nicholas", "rich": "richard",
    "rick": "richard", "dick": "richard", "josh": "joshua", "jake": "jacob",
    "charlie": "charles", "harry": "henry", "ollie": "oliver", "olly": "oliver",
    "liz": "elizabeth", "lizzie": "elizabeth", "beth": "elizabeth", "betty": "elizabeth",
    "kate": "katherine", "katie": "katherine", "kath": "katherine", "kitty": "katherine",
    "jess": "jessica", "jessie": "jessica", "becky": "rebecca", "becca": "rebecca",
    "abby": "abigail", "abi": "abigail", "vicky": "victoria", "tori": "victoria",
    "jen": "jennifer", "jenny": "jennifer", "maggie": "margaret", "meg": "margaret",
    "peggy": "margaret", "sophie": "sophia", "millie": "amelia", "lottie": "charlotte",
    "evie": "eve", "livvy": "olivia", "liv": "olivia", "annie": "anne", "hattie": "harriet",
    "nell": "eleanor", "ellie": "eleanor", "izzy": "isabel", "bella": "isabella",
}

_COLUMNS = ["unique_id", "given_name", "family_name", "given_canon", "dob", "dob_swapped",
            "postcode"]


def _clean_name(s: pd.Series) -> pd.Series:
    """Zoë -> zoe, O'Connell stays o'connell; other punctuation and digits go."""
    folded = s.astype("string").str.normalize("NFKD").str.encode("ascii", "ignore")
    out = folded.str.decode("ascii").astype("string").str.strip().str.lower()
    out = out.str.replace(r"[^a-z' -]", "", regex=True).str.replace(r"\s+", " ", regex=True)
    return out.where(out.str.len() > 0)


def _clean_postcode(s: pd.Series) -> pd.Series:
    """'cw15qp', 'CW1  5QP' -> 'CW1 5QP' (the inward code is the last three characters)."""
    pc = s.astype("string").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    pc = pc.str.slice(0, -3) + " " + pc.str.slice(-3)
    return pc.where(s.astype("string").str.replace(r"\W", "", regex=True).str.len() >= 5)


def _prepare(records: pd.DataFrame) -> pd.DataFrame:
    """The columns splink compares, cleaned: names, nickname-resolved given name, ISO dates
    of birth (and with day and month swapped), postcodes, and an address if there is one."""
    dob = pd.to_datetime(records["date_of_birth"].astype("string"), format="ISO8601",
                         errors="coerce")
    swappable = dob.notna() & (dob.dt.day <= 12) & (dob.dt.day != dob.dt.month)
    swapped = (dob.dt.year.astype("Int64").astype("string").str.zfill(4) + "-"
               + dob.dt.day.astype("Int64").astype("string").str.zfill(2) + "-"
               + dob.dt.month.astype("Int64").astype("string").str.zfill(2))
    given = _clean_name(records["given_name"])
    out = pd.DataFrame({
        "unique_id": records["record_id"].astype(str),
        "given_name": given,
        "family_name": _clean_name(records["family_name"]),
        "given_canon": given.map(lambda g: NICKNAMES.get(g, g) if isinstance(g, str) else g),
        "dob": dob.dt.strftime("%Y-%m-%d").where(dob.notna()),
        "dob_swapped": swapped.where(swappable),
        "postcode": _clean_postcode(records["postcode"]),
    })
    if _has_address(records):
        address = records["address"].astype("string").str.lower()
        address = address.str.replace(r"[^a-z0-9 ]", " ", regex=True)
        address = address.str.replace(r"\s+", " ", regex=True).str.strip()
        out["address"] = address.where(address.str.len() > 0)
    return out.astype(object).where(lambda f: f.notna(), None)


def _has_address(records: pd.DataFrame) -> bool:
    return "address" in records and bool(records["address"].notna().any())


def _comparisons(address: bool, *, tf: bool) -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def name(col: str, other: str, *, nickname: bool) -> Any:
        levels = cl.NameComparison(col).create_comparison_levels()
        # null, exact, JW .92, .88, .70, else; the exact level with or without frequencies
        levels[1] = cll.ExactMatchLevel(col, term_frequency_adjustments=tf)
        swapped: Any = cll.Or(cll.ColumnsReversedLevel(col, other, symmetrical=True), cll.And(
            cll.CustomLevel(f'jaro_winkler_similarity("{col}_l", "{other}_r") >= 0.88'),
            cll.CustomLevel(f'jaro_winkler_similarity("{other}_l", "{col}_r") >= 0.88')))
        if not nickname:  # a swap is one piece of evidence, weighed with the given name
            swapped = swapped.configure(m_probability=0.5, u_probability=0.5,
                                        fix_m_probability=True, fix_u_probability=True)
        extra: list[Any] = [swapped]
        if nickname:
            extra.append(cll.ExactMatchLevel("given_canon"))
        return cl.CustomComparison([*levels[:2], *extra, *levels[2:]], output_column_name=col)

    dob_levels = cl.DateOfBirthComparison("dob", input_is_string=True) \
        .create_comparison_levels()  # null, exact, lev 1, 1 month, 1 year, 10 years, else
    dob = cl.CustomComparison([
        *dob_levels[:2],
        cll.Or(cll.CustomLevel('"dob_l" = "dob_swapped_r"'),
               cll.CustomLevel('"dob_swapped_l" = "dob_r"')),
        *dob_levels[2:],
    ], output_column_name="dob")
    postcode: Any = cl.PostcodeComparison("postcode")
    if tf:
        postcode = postcode.configure(term_frequency_adjustments=True)
    out = [name("given_name", "family_name", nickname=True),
           name("family_name", "given_name", nickname=False), dob, postcode]
    if address:
        out.append(cl.JaroWinklerAtThresholds("address", [0.9, 0.7]))
    keys = [*COMPARISONS, *(OPTIONAL if address else ())]
    for comp, key in zip(out, keys, strict=True):
        comp.configure(m_probabilities=list(M_PRIORS[key]), u_probabilities=list(U_PRIORS[key]))
    return out


def _blocking() -> list[Any]:
    """Which pairs are compared at all (a pair missed here cannot be found)."""
    from splink import block_on

    return [
        block_on("dob"),
        '"l"."dob" = "r"."dob_swapped"',
        block_on("given_canon", "family_name"),
        block_on("family_name", "postcode"),
        block_on("given_canon", "postcode"),
        '"l"."given_name" = "r"."family_name" AND "l"."family_name" = "r"."given_name"',
        'substr("l"."family_name", 1, 3) = substr("r"."family_name", 1, 3) '
        'AND substr("l"."dob", 1, 7) = substr("r"."dob", 1, 7)',
        'substr("l"."given_canon", 1, 3) = substr("r"."given_canon", 1, 3) '
        'AND substr("l"."dob", 1, 4) = substr("r"."dob", 1, 4) '
        'AND substr("l"."postcode", 1, 3) = substr("r"."postcode", 1, 3)',
    ]


def _train(linker: Any, n: int, seed: int) -> None:
    """Train: u by random sampling; the prior and m by EM, when there are enough records."""
    from splink import block_on

    if n < MIN_RECORDS_TO_ESTIMATE_U:
        return
    linker.training.estimate_u_using_random_sampling(max_pairs=min(2e6, n * n / 2), seed=seed)
    if n < MIN_RECORDS_TO_TRAIN:
        return
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "dob")], recall=RECALL_OF_EXACT_RULE)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_canon", "family_name"))


def score_pairs(records: pd.DataFrame, *, threshold: float = 0.5, seed: int = 7) -> pd.DataFrame:
    """Candidate pairs of records with ``match_probability >= threshold``, best first.

    ``records`` has record_id, given_name, family_name, date_of_birth (ISO), postcode and
    optionally address (values unmasked: the caller reads them in named mode for this
    purpose). Returns record_id_l, record_id_r (l < r), match_probability, match_weight,
    prior_weight and, per comparison, the level reached (``given_name``, ``family_name``,
    ``dob``, ``postcode``[, ``address``]: words from :data:`LEVELS` or ``missing``) and its
    match weight (``weight_given_name``, ...). ``seed`` makes the training repeatable.
    """
    address = _has_address(records)
    keys = [*COMPARISONS, *(OPTIONAL if address else ())]
    cols = ["record_id_l", "record_id_r", "match_probability", "match_weight", "prior_weight",
            *keys, *[f"weight_{k}" for k in keys]]
    if len(records) < 2:
        return pd.DataFrame(columns=cols)
    pred, prior = _predict(_prepare(records), threshold, seed, address)
    if pred.empty:
        return pd.DataFrame(columns=cols)
    flip = pred["unique_id_l"] > pred["unique_id_r"]
    out = pd.DataFrame({
        "record_id_l": pred["unique_id_l"].where(~flip, pred["unique_id_r"]),
        "record_id_r": pred["unique_id_r"].where(~flip, pred["unique_id_l"]),
        "match_probability": pred["match_probability"].astype(float).round(4),
        "match_weight": pred["match_weight"].astype(float).round(2),
        "prior_weight": round(prior, 2),
    })
    for key in keys:
        gamma = pred[f"gamma_{key}"].astype(int)
        levels = LEVELS[key]
        # splink numbers levels from the ELSE level (0) upward; -1 is the null level.
        out[key] = [("missing" if g < 0 else levels[len(levels) - 1 - g]) for g in gamma]
        weight = pred[f"mw_{key}"].astype(float)
        if f"mw_tf_adj_{key}" in pred:
            weight = weight + pred[f"mw_tf_adj_{key}"].astype(float)
        out[f"weight_{key}"] = weight.round(2)
    out = out.drop_duplicates(["record_id_l", "record_id_r"])
    return out.sort_values(["match_probability", "record_id_l", "record_id_r"],
                           ascending=[False, True, True], ignore_index=True)[cols]


def _predict(prepared: pd.DataFrame, threshold: float, seed: int,
             address: bool) -> tuple[pd.DataFrame, float]:
    """Splink's scored pairs (with the intermediate columns) and the prior match weight."""
    from splink import Linker, SettingsCreator
    from splink.internals.duckdb.database_api import DuckDBAPI

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    con = duckdb.connect(":memory:")
    try:
        api = DuckDBAPI(con)
        sdf = api.register(prepared, dataset_display_name="person_records")
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=_comparisons(address, tf=len(prepared) >= MIN_RECORDS_TO_ESTIMATE_U),
            blocking_rules_to_generate_predictions=_blocking(),
            probability_two_random_records_match=min(0.5, 1.0 / len(prepared)),
            retain_intermediate_calculation_columns=True,
            retain_matching_columns=True,  # gives the level (gamma) of each comparison
        )
        linker = Linker(sdf, settings, log_level=logging.ERROR)
        _train(linker, len(prepared), seed)
        lam = linker._settings_obj._probability_two_random_records_match
        pred = linker.inference.predict(threshold_match_probability=threshold,
                                        warning_mode="never").as_pandas_dataframe()
    finally:
        con.close()
    return pred, math.log2(lam / (1 - lam))


LINK_COLUMNS = ("record_id", "given_name", "family_name", "date_of_birth", "postcode")


def records_from_csv(name: str, data: bytes, *, encoding: str | None = None,
                     delimiter: str | None = None) -> pd.DataFrame:
    """The person records of a CSV file for :func:`score_pairs` (``csmap link``): columns
    record_id, given_name, family_name, date_of_birth (ISO, YYYY-MM-DD), postcode, and
    optionally address; any encoding and separator (detected, or as given). Raises
    :class:`~domain.errors.ValidationError` saying what to fix: a missing column, a blank
    or repeated record_id, a date that is not ISO (by row; values are not repeated)."""
    import csv
    import io

    from data.importers import _read
    from domain.errors import ValidationError

    _read.check_size(name, len(data))
    text, _, _ = _read._decode(name, data, encoding)
    sep = delimiter or _read.sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    except csv.Error as exc:
        raise ValidationError(f"{name} has broken CSV quoting: {exc}. Close every quoted "
                              'value and double quotes inside values ("").') from None
    rows = [r for r in rows if "".join(r).strip()]
    if not rows:
        raise ValidationError(f"{name} is empty: it needs the header {','.join(LINK_COLUMNS)} "
                              "and rows of person records.")
    header = [_read.normalise_header(c) for c in rows[0]]
    missing = [c for c in LINK_COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"{name} lacks the column(s) {', '.join(missing)}: the header "
                              f"must be {','.join(LINK_COLUMNS)} (address is optional).")
    width = len(header)
    short = next((i + 2 for i, r in enumerate(rows[1:]) if len(r) < width), None)
    if short is not None:
        raise ValidationError(f"{name} row {short} has fewer values than the header: check "
                              "for a missing separator.")
    frame = pd.DataFrame([r[:width] for r in rows[1:]], columns=header, dtype="string")
    keep = [c for c in (*LINK_COLUMNS, *OPTIONAL) if c in frame]
    frame = frame[keep].apply(lambda col: col.str.strip()).replace("", pd.NA)
    _check_link_records(name, frame)
    return frame


def _check_link_records(name: str, frame: pd.DataFrame) -> None:
    """Refuse blank or repeated record ids and dates of birth that are not ISO dates."""
    from domain.errors import ValidationError

    ids = frame["record_id"]
    if ids.isna().any():
        row = int(ids.isna().to_numpy().argmax()) + 2
        raise ValidationError(f"{name} row {row} has no record_id: every record needs one.")
    repeated = ids[ids.duplicated()]
    if not repeated.empty:
        raise ValidationError(f"{name} has the record_id {repeated.iloc[0]!r} more than once: "
                              "each record needs its own id.")
    dob = frame["date_of_birth"]
    parsed = pd.to_datetime(dob, format="%Y-%m-%d", errors="coerce")
    bad = dob.notna() & parsed.isna()
    if bad.any():
        rows = [str(i + 2) for i in bad.to_numpy().nonzero()[0][:5]]
        raise ValidationError(
            f"{name}: date_of_birth on row(s) {', '.join(rows)} is not a date written "
            "YYYY-MM-DD (e.g. 2011-04-23); correct it or leave it blank.")


def precision_recall(found: pd.DataFrame, truth: set[tuple[str, str]]) -> tuple[float, float]:
    """Precision and recall of found pairs (record_id_l, record_id_r) against true pairs."""
    got = {tuple(sorted(p)) for p in zip(found["record_id_l"], found["record_id_r"], strict=True)}
    want = {tuple(sorted(p)) for p in truth}
    tp = len(got & want)
    precision = tp / len(got) if got else 1.0
    recall = tp / len(want) if want else 1.0
    return precision, recall
