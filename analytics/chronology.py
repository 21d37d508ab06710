"""One child's multi-agency chronology, cumulative harm and escalation flags.

The Child L review found incidents managed in isolation and cumulative harm missed. These
functions put every agency's events about one child on one timeline (:func:`timeline`),
count adverse experiences, missing episodes, self-harm and harm over time
(:func:`cumulative`), and mark **reachable moments**: points where the pattern changed and a
response could be made (:func:`escalation_flags`). Each flag explains itself; there is no
risk score.

Inputs are plain frames from the data layer:

``incidents``: one row per incident the child is part of, with columns ``incident_id``,
``occurred_at``, ``kind``, ``harm_context``, ``agency_id`` and optionally ``agency_name``,
``place_name``, ``place_kind``, ``indicators`` (list), ``role``, ``child_words``,
``narrative``, ``recorded_date``, ``grading_source``, ``grading_intel``, ``grading_handling``.

``links``: the child's links to other people, with ``link_id``, ``other_id``,
``other_label``, ``other_kind``, ``kind``, ``nature``, ``first_seen``, ``source_agency``
and optionally grading columns and ``verified``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from analytics import language
from domain import vocabulary

# Incident kinds as the product names them (from the vocabulary), plus the timeline's own
# event for an adult of concern first linked to the child.
KIND_LABELS: dict[str, str] = {
    **vocabulary.INCIDENT_KINDS.labels(),
    "adult_linked": "Adult of concern linked",
}

# What each kind counts towards in the cumulative picture.
CATEGORY: dict[str, str] = {
    "missing_episode": "missing",
    "rhi_disclosure": "disclosure",
    "sexual_assault": "harm",
    "physical_assault": "harm",
    "exchange_gifts_money": "harm",
    "seen_in_car_with_unknown_adult": "harm",
    "online_contact": "harm",
    "domestic_abuse_at_home": "adverse",
    "parental_substance_misuse": "adverse",
    "was_not_brought": "adverse",
    "self_harm": "self_harm",
    "overdose": "self_harm",
    "exclusion": "education",
    "arrest": "justice",
    "intelligence_report": "intelligence",
    "adult_linked": "harm",
}

SERIES: dict[str, str] = {
    "adverse": "Adverse experiences at home",
    "missing": "Missing episodes",
    "self_harm": "Self-harm and overdose",
    "harm": "Harm and exploitation indicators",
}

INDICATOR_CATEGORIES: tuple[str, ...] = vocabulary.INDICATOR_CATEGORIES.codes

TIMELINE_COLUMNS: list[str] = [
    "date", "event", "kind", "category", "context", "agency", "place", "indicators",
    "child_words", "narrative", "language", "provenance", "ref",
]


def _grading(row: Any) -> str:
    return vocabulary.grading_text(row.get("grading_source"), row.get("grading_intel"),
                                   row.get("grading_handling"), absent="")


def _provenance(row: Any, agency: str, recorded: Any) -> str:
    bits = [agency]
    if recorded is not None and pd.notna(recorded):
        bits.append(f"recorded {pd.Timestamp(recorded).date().isoformat()}")
    grade = _grading(row)
    if grade:
        bits.append(f"graded {grade}")
    return ", ".join(bits)


def text_or_blank(value: Any) -> str:
    """A cell as text: ``""`` for None and for pandas' missing values (NaN, NaT, NA)."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _link_label(kind: Any) -> str:
    return vocabulary.LINK_KINDS.label(text_or_blank(kind))


def _indicators(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return ", ".join(str(v) for v in list(value))
    except TypeError:
        return ""


def timeline(incidents: pd.DataFrame, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every event about the child, oldest first: incidents and adults of concern linked.

    Columns: ``date`` (Timestamp), ``event`` (readable), ``kind``, ``category`` (see
    :data:`CATEGORY`), ``context`` (intra-/extra-familial...), ``agency``, ``place``,
    ``indicators``, ``child_words``, ``narrative``, ``language`` (victim-blaming phrases in
    the agency's narrative, each with what to say instead; the child's own words are never
    flagged), ``provenance`` (agency, recorded date, 3x5x2 grading) and ``ref`` (incident or
    link id).
    """
    rows: list[dict[str, Any]] = []
    for _, r in incidents.iterrows():
        agency = text_or_blank(r.get("agency_name")) or text_or_blank(r.get("agency_id"))
        place = text_or_blank(r.get("place_name"))
        if place and text_or_blank(r.get("place_kind")) not in ("", "home"):
            place = f"{place} ({vocabulary.PLACE_KINDS.label(r.get('place_kind')).lower()})"
        kind = str(r["kind"])
        rows.append({
            "date": pd.Timestamp(r["occurred_at"]),
            "event": KIND_LABELS.get(kind) or vocabulary.label(kind),
            "kind": kind,
            "category": CATEGORY.get(kind, "other"),
            "context": vocabulary.HARM_CONTEXTS.label(
                text_or_blank(r.get("harm_context")) or "unknown"),
            "agency": agency,
            "place": place,
            "indicators": _indicators(r.get("indicators")),
            "child_words": text_or_blank(r.get("child_words")),
            "narrative": text_or_blank(r.get("narrative")),
            "language": " ".join(f.message() for f in language.check(
                text_or_blank(r.get("narrative")))),
            "provenance": _provenance(r, agency, r.get("recorded_date")),
            "ref": str(r["incident_id"]),
        })
    if links is not None and not links.empty:
        adults = links[links["other_kind"] == "adult_of_concern"]
        for _, r in adults.iterrows():
            agency = (text_or_blank(r.get("source_agency_name"))
                      or text_or_blank(r.get("source_agency")))
            verified = "verified" if bool(r.get("verified", False)) else "unverified"
            rows.append({
                "date": pd.Timestamp(r["first_seen"]),
                "event": f"Adult of concern linked: {text_or_blank(r.get('other_label'))} "
                         f"({_link_label(r.get('kind'))}, {verified})",
                "kind": "adult_linked",
                "category": "harm",
                "context": "Extra-familial",
                "agency": agency,
                "place": "",
                "indicators": "",
                "child_words": "",
                "narrative": "",
                "language": "",
                "provenance": _provenance(r, agency, r.get("recorded_date")),
                "ref": str(r["link_id"]),
            })
    out = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    if out.empty:
        out["date"] = pd.to_datetime(out["date"])
        return out
    return out.sort_values(["date", "ref"], kind="stable").reset_index(drop=True)


def cumulative(events: pd.DataFrame, *, freq: str = "MS", end: date | None = None) -> pd.DataFrame:
    """Running totals per month of the four :data:`SERIES` (a timeline from :func:`timeline`).

    One row per period from the first event to ``end`` (default: the last event); one
    column per series label. Counting them together is the point: no single incident looks
    serious, the accumulation does.
    """
    cols = list(SERIES.values())
    if events.empty:
        return pd.DataFrame(columns=["period", *cols])
    ev = events[events["category"].isin(SERIES)].copy()
    start = pd.Timestamp(events["date"].min()).to_period("M").to_timestamp()
    stop = pd.Timestamp(end) if end is not None else pd.Timestamp(events["date"].max())
    periods = pd.date_range(start, stop, freq=freq)
    if len(periods) == 0:
        periods = pd.DatetimeIndex([start])
    ev["period"] = ev["date"].dt.to_period("M").dt.to_timestamp()
    counts = ev.groupby(["period", "category"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=periods, columns=list(SERIES), fill_value=0).cumsum()
    counts.columns = cols
    counts.index.name = "period"
    return counts.reset_index()


def indicator_counts(incidents: pd.DataFrame) -> dict[str, int]:
    """How many of the child's incidents carry each Wales guide indicator category."""
    out = dict.fromkeys(INDICATOR_CATEGORIES, 0)
    if incidents.empty or "indicators" not in incidents:
        return out
    for value in incidents["indicators"]:
        if value is None or isinstance(value, float):
            continue
        for cat in list(value):
            if cat in out:
                out[str(cat)] += 1
    return out


@dataclass(frozen=True)
class EscalationFlag:
    """A reachable moment: the date a pattern changed, and why it matters.

    Attributes
    ----------
    kind : short id (``missing_more_frequent``, ``new_adult_of_concern``, ``first_overdose``...).
    on : the date the change happened.
    title : a few words for a list.
    explanation : what the data show, in a sentence, with the numbers behind it.
    evidence : incident or link ids behind the flag.
    """

    kind: str
    on: date
    title: str
    explanation: str
    evidence: tuple[str, ...] = field(default_factory=tuple)


_FIRSTS: dict[str, tuple[str, str]] = {
    "overdose": ("first_overdose", "First overdose"),
    "self_harm": ("first_self_harm", "First self-harm recorded"),
    "sexual_assault": ("first_sexual_assault", "First sexual assault recorded"),
    "exchange_gifts_money": ("first_exchange", "First gifts / money from adults"),
    "seen_in_car_with_unknown_adult": ("first_car", "First seen in a car with an unknown adult"),
    "exclusion": ("first_exclusion", "First school exclusion (a protective factor at risk)"),
}


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


_INCIDENT_FIELDS = ("incident_id", "kind", "harm_context", "agency_id", "agency_name",
                    "person_id")
_LINK_FIELDS = ("link_id", "other_id", "other_label", "other_kind", "kind", "verified",
                "source_agency", "source_agency_name", "grading_source", "grading_intel",
                "grading_handling", "child_id")


def _records(frame: pd.DataFrame | None, date_col: str,
             fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows as dicts with a ``day`` (date) key, built column by column (fast on Arrow-backed
    frames); plain Python is then quick for each child's few rows."""
    if frame is None or frame.empty:
        return []
    cols = {c: frame[c].tolist() for c in fields if c in frame.columns}
    cols["day"] = pd.to_datetime(frame[date_col]).dt.date.tolist()
    names = list(cols)
    return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def _missing_flags(dates: list[tuple[date, str]], window: int,
                   min_recent: int) -> list[EscalationFlag]:
    out: list[EscalationFlag] = []
    armed = True  # re-armed once the count in the window falls back below min_recent
    span = timedelta(days=window)
    for d, _ in dates:
        recent = [(x, i) for x, i in dates if d - span < x <= d]
        before = [x for x, _ in dates if d - 2 * span < x <= d - span]
        if len(recent) < min_recent:
            armed = True
            continue
        if armed and len(recent) > 2 * len(before):
            armed = False
            out.append(EscalationFlag(
                "missing_more_frequent", d, "Missing episodes more frequent",
                f"{len(recent)} missing episodes in the {window} days to {d.isoformat()}, "
                f"up from {len(before)} in the {window} days before.",
                tuple(i for _, i in recent),
            ))
    return out


def escalation_flags(
    incidents: pd.DataFrame,
    links: pd.DataFrame | None = None,
    *,
    as_of: date,
    window_days: int = 90,
    min_recent_missing: int = 3,
) -> list[EscalationFlag]:
    """The child's reachable moments up to ``as_of``, oldest first.

    - ``missing_more_frequent``: at least ``min_recent_missing`` missing episodes in
      ``window_days``, and more than twice as many as in the window before (flagged again
      only after the count has fallen back below ``min_recent_missing``).
    - ``new_adult_of_concern``: each adult of concern first linked to the child.
    - ``first_overdose``, ``first_self_harm``, ``first_sexual_assault``, ``first_exchange``,
      ``first_car``, ``first_exclusion``: the first time each is recorded.
    - ``harm_at_home_and_outside``: intra- and extra-familial harm within ``window_days`` of
      each other, the first time it happens (harm is cumulative, not separate).
    """
    if window_days <= 0:
        raise ValueError("window_days must be a positive number of days")
    return _flags(_records(incidents, "occurred_at", _INCIDENT_FIELDS),
                  _records(links, "first_seen", _LINK_FIELDS),
                  as_of=as_of, window=window_days, min_recent=min_recent_missing)


def flags_by_person(
    incidents: pd.DataFrame,
    links: pd.DataFrame | None = None,
    *,
    as_of: date,
    person_col: str = "person_id",
    link_person_col: str = "child_id",
    window_days: int = 90,
    min_recent_missing: int = 3,
) -> dict[str, list[EscalationFlag]]:
    """:func:`escalation_flags` for many children at once (frames with a person column)."""
    if window_days <= 0:
        raise ValueError("window_days must be a positive number of days")
    inc: dict[str, list[dict[str, Any]]] = {}
    for rec in _records(incidents, "occurred_at", (*_INCIDENT_FIELDS, person_col)):
        inc.setdefault(str(rec[person_col]), []).append(rec)
    lk: dict[str, list[dict[str, Any]]] = {}
    for rec in _records(links, "first_seen", (*_LINK_FIELDS, link_person_col)):
        lk.setdefault(str(rec[link_person_col]), []).append(rec)
    return {pid: _flags(inc.get(pid, []), lk.get(pid, []), as_of=as_of, window=window_days,
                        min_recent=min_recent_missing)
            for pid in sorted(set(inc) | set(lk))}


def _flags(inc: list[dict[str, Any]], links: list[dict[str, Any]], *, as_of: date,
           window: int, min_recent: int) -> list[EscalationFlag]:
    inc = sorted((r for r in inc if r["day"] <= as_of),
                 key=lambda r: (r["day"], str(r["incident_id"])))
    flags = _missing_flags([(r["day"], str(r["incident_id"])) for r in inc
                            if r["kind"] == "missing_episode"], window, min_recent)
    firsts: dict[str, dict[str, Any]] = {}
    for r in inc:
        firsts.setdefault(str(r["kind"]), r)
    for kind, (flag_kind, title) in _FIRSTS.items():
        first = firsts.get(kind)
        if first is not None:
            flags.append(EscalationFlag(
                flag_kind, first["day"], title,
                f"{KIND_LABELS[kind]} recorded by "
                f"{text_or_blank(first.get('agency_name')) or first['agency_id']} "
                f"on {first['day'].isoformat()}; none before.",
                (str(first["incident_id"]),),
            ))
    flags += _home_and_outside(inc, window)
    seen: set[str] = set()
    adults = sorted((r for r in links
                     if r.get("other_kind") == "adult_of_concern" and r["day"] <= as_of),
                    key=lambda r: (r["day"], str(r["link_id"])))
    for r in adults:
        if str(r["other_id"]) in seen:
            continue
        seen.add(str(r["other_id"]))
        verified = "verified" if bool(r.get("verified", False)) else "not yet verified"
        agency = text_or_blank(r.get("source_agency_name")) or text_or_blank(r.get("source_agency"))
        grade = _grading(r)
        flags.append(EscalationFlag(
            "new_adult_of_concern", r["day"],
            f"New adult of concern linked ({text_or_blank(r.get('other_label'))})",
            f"{_link_label(r.get('kind'))} link to adult of concern "
            f"{text_or_blank(r.get('other_label'))} first seen {r['day'].isoformat()} "
            f"(source {agency}{', graded ' + grade if grade else ''}, {verified}); "
            f"{len(seen)} adult(s) of concern linked so far.",
            (str(r["link_id"]),),
        ))
    flags.sort(key=lambda f: (f.on, f.kind))
    return flags


def _home_and_outside(inc: list[dict[str, Any]], window: int) -> list[EscalationFlag]:
    intra = [r for r in inc if r["harm_context"] == "intra_familial"]
    extra = [r for r in inc if r["harm_context"] == "extra_familial"
             and CATEGORY.get(str(r["kind"])) in ("harm", "missing")]
    best: tuple[date, str, str] | None = None
    for a in intra:
        for b in extra:
            if abs((a["day"] - b["day"]).days) <= window:
                later = max(a["day"], b["day"])
                if best is None or later < best[0]:
                    best = (later, str(a["incident_id"]), str(b["incident_id"]))
    if best is None:
        return []
    on, ia, ib = best
    return [EscalationFlag(
        "harm_at_home_and_outside", on, "Harm at home and outside together",
        f"Intra-familial and extra-familial harm recorded within {window} days of each other "
        f"(by {on.isoformat()}): the risks add up and need one plan.",
        (ia, ib),
    )]


def flags_frame(flags: list[EscalationFlag]) -> pd.DataFrame:
    """Flags as a table for display: date, what changed, why it matters, evidence."""
    return pd.DataFrame(
        [{"date": f.on, "what changed": f.title, "why it matters": f.explanation,
          "evidence": ", ".join(f.evidence)} for f in flags],
        columns=["date", "what changed", "why it matters", "evidence"],
    )
