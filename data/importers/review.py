"""Merge review: candidate matches between agencies' person records, confirmed by a person.

Nothing is merged automatically. :func:`review_queue` lists pairs that record linkage
(:mod:`data.importers.linkage`) scores at or above the ``linkage_threshold`` setting, leaving
out pairs already decided or already known to be the same person. :func:`confirm_match` sets
``person_record.person_id`` on both records (registering a new person when neither record
has one yet); :func:`reject_match` records that they are different people. Both are
registered write statements run in one transaction and audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import pandas as pd

from data.importers import linkage
from data.store import Store
from domain import settings
from domain.access import Mode, Viewer
from domain.errors import NotFoundError, ValidationError

_BIG = 2**62
SHOWN_WITH_NAMES = ("name_l", "name_r", "dob_l", "dob_r", "postcode_l", "postcode_r")


def _pair(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise ValidationError("a record cannot be matched with itself")
    return (a, b) if a < b else (b, a)


def review_queue(store: Store, viewer: Viewer, *, threshold: float | None = None,
                 seed: int = 7) -> pd.DataFrame:
    """Undecided candidate pairs, best first, for ``viewer`` to confirm or reject.

    Each row: record_id_l/r, agency_l/r, local_ref_l/r, pseudonym_l/r (of the person a
    record already belongs to, if any), match_probability, the level each comparison
    reached (given_name, family_name, dob, postcode) and, in named mode only, name_l/r,
    dob_l/r and postcode_l/r (masked to None otherwise). Linkage reads the records
    unmasked (audited as 'record linkage'); the queue shown honours the viewer's mode.
    """
    limit = settings.get("linkage_threshold") if threshold is None else threshold
    named = viewer.with_mode(Mode.NAMED)
    records = store.frame("import.person_records", named, limit=_BIG,
                          audit_object="import.person_records (record linkage)")
    decided = store.frame("import.merge_decisions", viewer, limit=_BIG)
    pairs = linkage.score_pairs(records, threshold=float(limit), seed=seed)
    if not decided.empty and not pairs.empty:
        done = set(zip(decided["record_id_l"], decided["record_id_r"], strict=True))
        keep = [(a, b) not in done for a, b in zip(pairs["record_id_l"], pairs["record_id_r"],
                                                   strict=True)]
        pairs = pairs[keep]
    rec = records.set_index("record_id")
    out = pairs.reset_index(drop=True)
    for side in ("l", "r"):
        ids = out[f"record_id_{side}"]
        for col, src in (("agency", "agency_id"), ("local_ref", "local_ref"),
                         ("person_id", "person_id"), ("pseudonym", "pseudonym")):
            out[f"{col}_{side}"] = ids.map(rec[src]).to_numpy()
        given = ids.map(rec["given_name"]).fillna("")
        family = ids.map(rec["family_name"]).fillna("")
        out[f"name_{side}"] = (given + " " + family).str.strip().to_numpy()
        out[f"dob_{side}"] = ids.map(rec["date_of_birth"]).to_numpy()
        out[f"postcode_{side}"] = ids.map(rec["postcode"]).to_numpy()
    if not out.empty:
        same = out["person_id_l"].notna() & (out["person_id_l"] == out["person_id_r"])
        both = out["person_id_l"].notna() & out["person_id_r"].notna()
        out = out[~same & ~both].reset_index(drop=True)
    if not viewer.shows_names:
        for col in SHOWN_WITH_NAMES:
            out[col] = None
    return out


def _records(store: Store, viewer: Viewer, a: str, b: str) -> pd.DataFrame:
    recs = store.frame("import.record_pair", viewer, {"record_l": a, "record_r": b})
    if len(recs) != 2:
        missing = {a, b} - set(recs["record_id"])
        raise NotFoundError(f"no person record {', '.join(sorted(missing))}")
    return recs.set_index("record_id")


def confirm_match(store: Store, viewer: Viewer, record_a: str, record_b: str, *,
                  probability: float | None = None) -> str:
    """Confirm two records are the same person; returns that person's id.

    The record already linked to a person lends it to the other; when neither is linked a
    new person (with a fresh pseudonym) is registered from the first record.
    """
    left, right = _pair(record_a, record_b)
    recs = _records(store, viewer, left, right)
    ids = [p for p in recs["person_id"] if pd.notna(p)]
    statements: list[tuple[str, dict[str, object]]] = []
    if len(set(ids)) > 1:
        raise ValidationError(
            f"{left} and {right} already belong to two different people; merging two people "
            "is not done here. Reject this pair, or ask an administrator to merge the people."
        )
    if ids:
        person_id = str(ids[0])
    else:
        person_id = f"P-IMP-{uuid.uuid4().hex[:10].upper()}"
        pseudonym = f"IMP-{uuid.uuid4().hex[:8].upper()}"
        statements.append(("import.person_from_record",
                           {"record_id": left, "person_id": person_id, "pseudonym": pseudonym}))
    for rid in (left, right):
        statements.append(("import.set_record_person", {"record_id": rid, "person_id": person_id}))
    statements.append(("import.record_merge_decision", _decision(
        viewer, left, right, "confirmed", probability, person_id)))
    store.execute_many(viewer, statements)
    return person_id


def reject_match(store: Store, viewer: Viewer, record_a: str, record_b: str, *,
                 probability: float | None = None) -> None:
    """Record that two records are different people, so the pair is not proposed again."""
    left, right = _pair(record_a, record_b)
    _records(store, viewer, left, right)
    store.execute_many(viewer, [("import.record_merge_decision", _decision(
        viewer, left, right, "rejected", probability, None))])


def _decision(viewer: Viewer, left: str, right: str, decision: str,
              probability: float | None, person_id: str | None) -> dict[str, object]:
    return {"record_l": left, "record_r": right, "decision": decision,
            "probability": None if probability is None else float(probability),
            "person_id": person_id, "actor": viewer.actor, "at": datetime.now()}
