"""The domain vocabulary equals the schema's CHECK lists; one label and one colour per term;
one grading formatter (Python and SQL agree); one open / overdue rule."""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path

import duckdb
import networkx as nx
import pytest

from data import queries
from domain import vocabulary as v
from domain.access import ROLE_LABELS, Role

ROOT = Path(__file__).resolve().parent.parent

# (table, column) -> the vocabulary that must equal its CHECK list.
CHECKED: dict[tuple[str, str], v.Vocabulary] = {
    ("agency", "sector"): v.SECTORS,
    ("place", "kind"): v.PLACE_KINDS,
    ("person", "kind"): v.PERSON_KINDS,
    ("person", "sex"): v.SEXES,
    ("link", "kind"): v.LINK_KINDS,
    ("link", "nature"): v.LINK_NATURES,
    ("link", "grading_source"): v.GRADING_SOURCE,
    ("link", "grading_intel"): v.GRADING_INTEL,
    ("link", "grading_handling"): v.GRADING_HANDLING,
    ("presence", "kind"): v.PRESENCE_KINDS,
    ("presence", "grading_source"): v.GRADING_SOURCE,
    ("presence", "grading_intel"): v.GRADING_INTEL,
    ("presence", "grading_handling"): v.GRADING_HANDLING,
    ("incident", "kind"): v.INCIDENT_KINDS,
    ("incident", "harm_context"): v.HARM_CONTEXTS,
    ("incident", "indicators"): v.INDICATOR_CATEGORIES,
    ("incident", "grading_source"): v.GRADING_SOURCE,
    ("incident", "grading_intel"): v.GRADING_INTEL,
    ("incident", "grading_handling"): v.GRADING_HANDLING,
    ("incident_person", "role"): v.INCIDENT_ROLES,
    ("concern", "category"): v.CONCERN_CATEGORIES,
    ("concern", "role"): v.CONCERN_ROLES,
    ("strength", "kind"): v.STRENGTH_KINDS,
    ("vulnerability", "kind"): v.VULNERABILITY_KINDS,
    ("agenda_item", "subject_kind"): v.AGENDA_SUBJECT_KINDS,
    ("agenda_item", "status"): v.AGENDA_ITEM_STATUSES,
    ("action", "tactic"): v.ACTION_TACTICS,
    ("action", "status"): v.ACTION_STATUSES,
    ("action", "plan"): v.ACTION_PLANS,
    ("meeting_attendee", "attendance"): v.ATTENDANCE,
    ("assessment", "subject_kind"): v.ASSESSMENT_SUBJECT_KINDS,
    ("assessment", "domain"): v.ASSESSMENT_DOMAINS,
}
# CHECK lists that are not domain vocabulary shown on screens: audit event types (owned by
# domain/audit.py and compared with it in test_audit_events), what the generator planted,
# import and sign-in bookkeeping.
NOT_VOCABULARY = {("audit_event", "action"), ("audit_event", "event_type"),
                  ("planted_truth", "kind"), ("import_batch", "file_kind"),
                  ("quarantine_row", "status"), ("merge_decision", "decision"),
                  ("user_session", "auth_mode"), ("user_session", "end_reason"),
                  ("erasure", "step")}  # services.protection.STEPS (tests/test_erasure.py)


def _schema_checks() -> dict[tuple[str, str], tuple[str, ...]]:
    """(table, column) -> the values its CHECK constraint allows, read from the migrations."""
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for path in sorted((ROOT / "data" / "migrations").glob("*.sql")):
        sql = re.sub(r"--[^\n]*", "", path.read_text())
        for table, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", sql, flags=re.S):
            for col, values in re.findall(r"(\w+)\s+\w+[^,]*?CHECK \([^()]*?\b\w+ IN \(([^)]*)\)",
                                          body, flags=re.S):
                found[(table, col)] = tuple(re.findall(r"'([^']*)'", values))
            for values, col in re.findall(r"list_has_all\(\[([^\]]*)\], (\w+)\)", body):
                found[(table, col)] = tuple(re.findall(r"'([^']*)'", values))
            for col, lo, hi in re.findall(r"(grading_\w+)\s+INTEGER CHECK \(\w+ IS NULL OR \w+ "
                                          r"BETWEEN (\d+) AND (\d+)\)", body):
                found[(table, col)] = tuple(str(n) for n in range(int(lo), int(hi) + 1))
    return found


def test_the_parser_reads_every_check_list() -> None:
    checks = _schema_checks()
    assert set(checks) == set(CHECKED) | NOT_VOCABULARY
    assert checks[("incident", "harm_context")] == ("extra_familial", "intra_familial", "self",
                                                    "unknown")
    assert checks[("link", "grading_source")] == ("1", "2", "3")


@pytest.mark.parametrize("where", sorted(CHECKED), ids=".".join)
def test_each_vocabulary_equals_its_check_list(where: tuple[str, str]) -> None:
    assert CHECKED[where].codes == _schema_checks()[where]


def test_a_code_reads_the_same_in_every_vocabulary() -> None:
    seen: dict[str, str] = {}
    for vocab in v.LABELLED:
        for t in vocab:
            assert seen.setdefault(t.code, t.label) == t.label, (vocab.name, t.code)
            assert v.label(t.code) == t.label


def test_label_covers_roles_and_tidies_unknown_codes() -> None:
    assert v.label("self") == "Self-harm context" == v.HARM_CONTEXTS.label("self")
    assert v.label(Role.ANALYST.value) == ROLE_LABELS[Role.ANALYST]
    assert v.label("co_presence") == "Co presence"
    assert v.label(None) == ""


def test_every_label_passes_the_language_check() -> None:
    from analytics import language

    for vocab in (*v.LABELLED, v.NODE_KINDS, v.GRADING_SOURCE, v.GRADING_INTEL,
                  v.GRADING_HANDLING, v.SEXES, v.ASSESSMENT_SUBJECT_KINDS):
        for t in vocab:
            assert language.check(t.label) == [], t.label


def test_an_adult_of_concern_has_one_colour_in_graph_pack_and_legend() -> None:
    from dashboard.components import network_graph
    from services import svg

    purple = v.PERSON_KINDS.colour("adult_of_concern")
    assert network_graph.NODE_KINDS["adult_of_concern"][1] == purple
    assert svg.NODE_COLOURS["adult_of_concern"] == purple
    graph = nx.Graph()
    graph.add_node("a1", kind="adult_of_concern", label="AoC-1")
    assert f'fill="{purple}"' in svg.network_extract(graph)
    # no person kind shares a colour with a harmful or protective link
    assert not set(v.PERSON_KINDS.colours().values()) & set(v.LINK_NATURES.colours().values())


def test_screens_use_the_vocabulary_not_copies() -> None:
    from dashboard.components import network_graph, place_filters
    from data import meetings
    from data.importers import formats
    from services import panel_map

    assert v.INCIDENT_KINDS.codes == formats.INCIDENT_KINDS
    assert v.PERSON_KINDS.codes == formats.PERSON_KINDS
    assert v.LINK_KINDS.codes == formats.LINK_KINDS
    assert v.INCIDENT_KINDS.codes == place_filters.INCIDENT_KINDS
    assert v.ACTION_TACTICS.codes == meetings.TACTICS
    assert list(network_graph.NODE_KINDS) == list(v.NODE_KINDS.codes)
    assert panel_map.KIND_COLOURS["hotel"] == v.PLACE_KINDS.colour("hotel")


def test_demo_weights_are_keyed_by_vocabulary_codes() -> None:
    from data import demo_vocabulary as demo

    for weights in (demo.CHILD_ONLY_KINDS, demo.ADULT_INCIDENT_KINDS, demo.HARM_CONTEXT,
                    demo.INCIDENT_AGENCY, demo.INDICATORS, demo.NARRATIVE):
        assert set(weights) <= set(v.INCIDENT_KINDS.codes)
    assert set(demo.HARM_CONTEXT.values()) <= set(v.HARM_CONTEXTS.codes)
    assert {c for cs in demo.INDICATORS.values() for c in cs} <= set(
        v.INDICATOR_CATEGORIES.codes)
    for by_kind in (demo.PLACE_NAMES, demo.PUBLIC_KIND_P, demo.GUARDIANSHIP, demo.PLACE_SOURCE):
        assert set(by_kind) <= set(v.PLACE_KINDS.codes)
    assert set(demo.STRENGTHS) <= set(v.STRENGTH_KINDS.codes)
    assert {sector for _, _, sector in demo.AGENCIES} <= set(v.SECTORS.codes)


# -- grading ---------------------------------------------------------------------------------

def test_grading_reads_as_analysts_write_it() -> None:
    assert v.grading_text(2, "B", "P") == "2B P"
    assert v.grading_text(2.0, "B", None) == "2B"
    assert v.grading_text(None, None, "C") == "C"
    assert v.grading_text(None, float("nan"), None) == "ungraded"
    assert v.grading_text(None, None, None, absent="") == ""


def test_sql_and_python_grading_agree_for_every_combination() -> None:
    parts = [(None, *v.GRADING_SOURCE.codes), (None, *v.GRADING_INTEL.codes),
             (None, *v.GRADING_HANDLING.codes)]
    combos = list(itertools.product(*parts))
    con = duckdb.connect()
    con.execute("CREATE TABLE g (grading_source INTEGER, grading_intel VARCHAR, "
                "grading_handling VARCHAR, n INTEGER)")
    con.executemany("INSERT INTO g VALUES (?, ?, ?, ?)",
                    [(None if s is None else int(s), i, h, n)
                     for n, (s, i, h) in enumerate(combos)])
    sql = f"SELECT n, {queries.grading_sql('g')} FROM g ORDER BY n"  # noqa: S608  (constant)
    rows = con.execute(sql).fetchall()
    assert len(rows) == 4 * 6 * 3
    for (n, sql_text), (s, i, h) in zip(rows, combos, strict=True):
        assert sql_text == v.grading_text(s, i, h, absent=""), (n, s, i, h)


def test_no_query_formats_grading_by_hand() -> None:
    for path in (ROOT / "data" / "queries").glob("*.py"):
        if path.name == "__init__.py":  # where grading_sql is written, once
            continue
        text = path.read_text()
        assert "grading_source::VARCHAR" not in text, path.name


# -- actions ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "due", "review", "overdue"), [
    ("open", date(2026, 1, 1), None, True),
    ("in_progress", date(2026, 1, 1), None, True),
    ("open", date(2026, 3, 1), None, False),
    ("open", date(2026, 3, 1), date(2026, 1, 15), True),  # review date passed
    ("open", date(2026, 3, 1), date(2026, 4, 1), False),
    ("done", date(2026, 1, 1), date(2026, 1, 2), False),
    ("cancelled", date(2026, 1, 1), None, False),
    ("open", date(2026, 2, 1), None, False),  # due today is not yet overdue
])
def test_overdue_rule(status: str, due: date, review: date | None, overdue: bool) -> None:
    assert v.action_is_overdue(status, due, review, today=date(2026, 2, 1)) is overdue
