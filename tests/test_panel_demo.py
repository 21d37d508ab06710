"""Child chronology, agenda and pages on the generated demo town (planted escalations)."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboard import common
from data.store import Store
from domain.access import Viewer
from services import briefing
from tests.apptest_support import page_app

PAGES = Path(__file__).resolve().parent.parent / "dashboard" / "views"


def _planted(store: Store) -> list[tuple[str, str, date, date]]:
    """(child id, new adult id, adult first seen, first overdose) of each planted case."""
    rows = store.cursor.execute(
        "SELECT object_id, detail FROM planted_truth WHERE kind = 'escalation' ORDER BY 1"
    ).fetchall()
    out = []
    for cid, detail in rows:
        m = re.search(r"link (\S+) first seen (\d{4}-\d\d-\d\d); first overdose "
                      r"(\d{4}-\d\d-\d\d)", detail)
        assert m, detail
        out.append((cid, m.group(1), date.fromisoformat(m.group(2)),
                    date.fromisoformat(m.group(3))))
    return out


def test_planted_escalations_are_flagged_as_reachable_moments(demo_store: Store,
                                                               panel: Viewer) -> None:
    as_of = common.as_of(demo_store)
    planted = _planted(demo_store)
    assert planted
    for cid, adult, seen, overdose in planted:
        story = briefing.child_story(demo_store, panel, cid, as_of=as_of)
        recent = [f for f in story.flags if f.on > as_of - timedelta(days=90)]
        kinds = {f.kind for f in recent}
        assert "missing_more_frequent" in kinds, (cid, story.flags)
        od = next(f for f in story.flags if f.kind == "first_overdose")
        assert od.on == overdose
        new_adult = [f for f in recent if f.kind == "new_adult_of_concern" and f.on == seen]
        assert new_adult, (cid, adult, story.flags)
        link_ids = set(story.links.loc[story.links["other_id"] == adult, "link_id"])
        assert set(new_adult[0].evidence) <= link_ids
        for f in story.flags:
            assert f.explanation and str(f.on.year) in f.explanation


def test_missing_escalation_is_not_everywhere(demo_store: Store, panel: Viewer) -> None:
    """Precision: few children beyond the planted ones get a recent missing escalation."""
    as_of = common.as_of(demo_store)
    since = as_of - timedelta(days=90)
    inc = demo_store.frame("panel.recent_child_incidents", panel,
                           {"since": date(2000, 1, 1), "as_of": as_of}, limit=200_000)
    from analytics import chronology

    flags = chronology.flags_by_person(inc, None, as_of=as_of)
    flagged = {c for c, fs in flags.items()
               if any(f.kind == "missing_more_frequent" and f.on > since for f in fs)}
    planted = {c for c, *_ in _planted(demo_store)}
    assert planted <= flagged
    children = demo_store.frame("child.children", panel)
    assert len(flagged) <= max(3 * len(planted), len(children) // 20), len(flagged)


def test_agenda_suggests_every_planted_escalation(demo_store: Store, panel: Viewer) -> None:
    as_of = common.as_of(demo_store)
    since, items = briefing.suggestions(demo_store, panel, meeting_id="no-meeting",
                                        held_on=as_of, as_of=as_of)
    children = {i.subject_id for i in items if i.subject_kind == "child"}
    assert {c for c, *_ in _planted(demo_store)} <= children
    kinds = [i.subject_kind for i in items]
    assert kinds == sorted(kinds, key=["child", "place", "group"].index) or "place" in kinds
    assert len(items) < 80


@pytest.mark.parametrize("page", ["child.py", "panel.py"])
def test_pages_run_on_the_demo_town(demo_db: Path, monkeypatch: pytest.MonkeyPatch,
                                    tmp_path: Path, page: str) -> None:
    # a copy: this process may already hold demo_db open (demo_store), and DuckDB refuses a
    # second Store.open of one file in one process
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    monkeypatch.setenv("CSMAP_DB_PATH", str(copy))
    at = page_app(str(PAGES / page), default_timeout=90)
    at.session_state["csmap_role"] = "panel"
    at.session_state["csmap_mode"] = "pseudonymised"
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_suggestions_come_a_few_at_a_time(demo_db: Path, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    monkeypatch.setenv("CSMAP_DB_PATH", str(copy))
    at = page_app(str(PAGES / "panel.py"), default_timeout=90)
    at.session_state["csmap_role"] = "panel"
    at.run()
    at.button(key="panel_create").click().run()
    assert not at.exception, at.exception

    def accepts() -> int:
        return sum(1 for b in at.button if b.key.startswith("agenda_accept_"))

    assert accepts() == 12
    at.button(key="agenda_more").click().run()
    assert accepts() == 24
