"""Would it have helped Child L? The item summary shows the whole child for the period: harm
at home beside harm outside, every serious harm, reachable moments, the child's own words;
professionals are the team around the child, not strengths; a strength beside harm from the
same source is flagged for the panel to weigh."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from analytics import whole_child
from dashboard import common
from data.store import Store
from domain import vocabulary
from domain.access import Mode, Viewer
from services import item_summary

AS_OF = date(2026, 9, 30)


def _incidents(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([
        {"incident_id": f"I{k}", "occurred_at": datetime.combine(AS_OF - timedelta(days=d),
                                                                  datetime.min.time()),
         "kind": kind, "harm_context": ctx, "place_name": "Station Hotel",
         "ward": "Crewe Central", "agency_name": "Police", "agency_id": "pol"}
        for k, (d, kind, ctx) in enumerate(rows)])


def _child_l() -> pd.DataFrame:
    """Child L's shape: 4 domestic abuse incidents at home, 7 sexual assaults outside (one in
    the last weeks), an arrest and a school exclusion, one sexual assault before the period."""
    rows = [(30 + 60 * k, "domestic_abuse_at_home", "intra_familial") for k in range(4)]
    rows += [(10 + 45 * k, "sexual_assault", "extra_familial") for k in range(7)]
    rows += [(5, "arrest", "extra_familial"), (20, "exclusion", "unknown"),
             (500, "sexual_assault", "extra_familial")]
    return _incidents(rows)


def test_the_summary_of_child_l_shows_both_harms_not_the_arrest_instead() -> None:
    hp = whole_child.harm_period(_child_l(), start=AS_OF - timedelta(days=364), end=AS_OF)
    assert [c.line() for c in hp.home] == ["Domestic abuse at home: 4 (latest 31 Aug 2026)"]
    assert [c.line() for c in hp.outside] == ["Sexual assault: 7 (latest 20 Sep 2026)"]
    assert {c.kind for c in hp.records} == {"arrest", "exclusion"}
    assert len(hp.serious) == 11  # every sexual assault and domestic abuse, one line each
    assert hp.serious[0] == ("20 Sep 2026: Sexual assault (extra-familial), Station Hotel, "
                             "Crewe Central; Police")


def test_professionals_are_the_team_not_strengths_and_family_support_is_weighed() -> None:
    links = pd.DataFrame(
        [{"kind": "professional", "nature": "protective", "other_kind": "professional",
          "other_label": f"PR-{k}", "other_role": "Social worker",
          "source_agency_name": ("Social care", "Police", "School")[k % 3]} for k in range(13)]
        + [{"kind": "trusted_adult", "nature": "protective", "other_kind": "trusted_adult",
            "other_label": "TA-1", "other_role": "Youth worker", "source_agency_name": "YOS"},
           {"kind": "peer", "nature": "protective", "other_kind": "child",
            "other_label": "CH-9", "other_role": None, "source_agency_name": "School"},
           {"kind": "associate", "nature": "harmful", "other_kind": "adult_of_concern",
            "other_label": "AC-1", "other_role": None, "source_agency_name": "Police"}])
    rel = whole_child.relationships(links)
    assert rel.protective == ["Trusted adult TA-1 (Youth worker), recorded by YOS",
                              "Friend CH-9, recorded by School"]
    assert rel.team[0].startswith("13 professional(s) from 3 agencies know the child")
    assert not any("PR-" in line for line in rel.protective)
    strengths = pd.DataFrame([{"kind": "family_support"}, {"kind": "school"}])
    hp = whole_child.harm_period(_child_l(), start=AS_OF - timedelta(days=364), end=AS_OF)
    weigh = whole_child.strengths_to_weigh(strengths, links, hp)
    assert weigh[0].startswith("Family support is recorded as a strength, beside harm at "
                               "home in the period (Domestic abuse at home: 4")
    assert "School is recorded as a strength, beside 1 school exclusion(s)" in weigh[1]
    assert whole_child.strengths_to_weigh(strengths, links, whole_child.harm_period(
        _child_l().iloc[4:], start=AS_OF - timedelta(days=364), end=AS_OF))[0].startswith(
        "School")  # no harm at home: family support is not questioned


def _planted_children(store: Store) -> list[str]:
    rows = store.cursor.execute("""
        SELECT DISTINCT t.object_id FROM planted_truth t JOIN person p
          ON p.person_id = t.object_id AND p.kind = 'child' ORDER BY 1""").fetchall()
    return [r[0] for r in rows]


@pytest.mark.slow
def test_every_planted_child_summary_holds_every_harm_of_the_period(demo_store: Store,
                                                                     panel: Viewer) -> None:
    """Walk every planted child of the demo town: each incident kind in the period must be
    in the summary (harm at home, outside, to self, or other records), with its count."""
    as_of = common.as_of(demo_store)
    start = item_summary.period_start(as_of)
    children = _planted_children(demo_store)
    assert len(children) > 100
    kinds_seen: set[str] = set()
    for cid in children:
        truth = demo_store.cursor.execute("""
            SELECT i.kind, count(*) FROM incident i JOIN incident_person ip USING (incident_id)
            WHERE ip.person_id = $p AND i.occurred_at::DATE BETWEEN $s AND $e GROUP BY 1""",
            {"p": cid, "s": start, "e": as_of}).fetchall()
        s = item_summary.item_summary(demo_store, panel, {
            "item_id": "x", "subject_kind": "child", "subject_id": cid, "label": cid,
            "reason": "walk"}, as_of=as_of)
        text = s.whole_harm_text
        for kind, n in truth:
            kinds_seen.add(kind)
            assert f"{vocabulary.INCIDENT_KINDS.label(kind)}: {n} (latest" in text, (cid, kind)
            if kind in vocabulary.SERIOUS_HARM_KINDS:
                assert sum(vocabulary.INCIDENT_KINDS.label(kind) + " (" in line
                           for line in s.serious) == n, (cid, kind)
        assert s.voice and s.moments
    assert {"sexual_assault", "domestic_abuse_at_home", "self_harm", "overdose"} <= kinds_seen


def test_the_childs_words_are_quoted_only_where_the_viewer_may_read_them(
        demo_store: Store, panel: Viewer) -> None:
    as_of = common.as_of(demo_store)
    cid = demo_store.cursor.execute("""
        SELECT ip.person_id FROM incident i JOIN incident_person ip USING (incident_id)
        WHERE i.child_words IS NOT NULL AND i.occurred_at::DATE > $s
        ORDER BY i.occurred_at DESC LIMIT 1""", {"s": as_of - timedelta(days=200)}
    ).fetchone()[0]
    words = demo_store.cursor.execute("""
        SELECT i.child_words FROM incident i JOIN incident_person ip USING (incident_id)
        WHERE ip.person_id = $p AND i.child_words IS NOT NULL ORDER BY i.occurred_at DESC
        LIMIT 1""", {"p": cid}).fetchone()[0]
    item = {"item_id": "x", "subject_kind": "child", "subject_id": cid, "label": cid,
            "reason": "words"}
    hidden = item_summary.item_summary(demo_store, panel, item, as_of=as_of)
    assert "restricted" in hidden.voice[0] and words[:30] not in " ".join(hidden.voice)
    shown = item_summary.item_summary(demo_store, panel.with_mode(Mode.NAMED), item,
                                      as_of=as_of)
    assert " ".join(words.split())[:30] in shown.voice[0]
