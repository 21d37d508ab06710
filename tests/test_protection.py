"""Data protection: subject access, deletion everywhere, retention review (data layer)."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from data import queries as registry
from data.queries import QuerySpec
from data.store import Store
from domain import audit
from domain.access import Access, Mode, Role, Viewer
from domain.errors import AccessDeniedError, NotFoundError, ValidationError
from services import protection

ADMIN = Viewer("test-admin", Role.ADMIN, "subject access request test")
AS_OF = date(2026, 9, 30)  # the small demo's "today"


@pytest.fixture
def town(demo_copy: Store) -> Store:
    """A fresh copy of the small demo town per test (these tests write)."""
    return demo_copy


def _q(store: Store, sql: str, params: dict[str, object] | None = None) -> list[tuple]:
    return store.cursor.execute(sql, params or {}).fetchall()


def _aq(store: Store, sql: str, params: dict[str, object] | None = None) -> list[tuple]:
    """A query of the audit store (its own file beside the case database)."""
    return store.audit_log.cursor.execute(sql, params or {}).fetchall()


def _child_with_shared_incident(store: Store) -> tuple[str, str, str]:
    """(child, pseudonym, an incident they share with someone else)."""
    row = _q(store, """
        SELECT ip.person_id, p.pseudonym, ip.incident_id FROM incident_person ip
        JOIN person p USING (person_id)
        WHERE p.kind = 'child' AND ip.incident_id IN (
            SELECT incident_id FROM incident_person GROUP BY 1 HAVING count(*) > 1)
          AND ip.person_id IN (SELECT source_person_id FROM link)
          AND ip.person_id IN (SELECT target_person_id FROM link)
        ORDER BY 1 LIMIT 1""")[0]
    return str(row[0]), str(row[1]), str(row[2])


def _add_panel_and_merge_rows(store: Store, pid: str) -> None:
    """An agenda item and an action about the child, a merge decision on their record."""
    now = datetime(2026, 9, 1, 10)
    cur = store.cursor
    cur.execute("INSERT INTO meeting (meeting_id, held_on, title, created_by, created_at) "
                "VALUES ('M1', DATE '2026-09-01', 'MACE', 'chair', $t)",
                {"t": now})
    cur.execute("INSERT INTO agenda_item (item_id, meeting_id, subject_kind, subject_id, "
                "reason, status) VALUES ('IT1', 'M1', 'child', $p, 'new concern', 'accepted')",
                {"p": pid})
    agency = _q(store, "SELECT agency_id FROM agency LIMIT 1")[0][0]
    cur.execute("INSERT INTO action (action_id, meeting_id, item_id, tactic, owner_agency, "
                "due_date, status, created_by, created_at) VALUES ('AC1', 'M1', 'IT1', "
                "'safety_planning', $a, DATE '2026-10-01', 'open', 'chair', $t)",
                {"a": agency, "t": now})
    cur.execute("INSERT INTO item_decision VALUES ('D1', 'IT1', 'Strategy meeting', [], "
                "'chair', $t)", {"t": now})
    rec = _q(store, "SELECT record_id FROM person_record WHERE person_id = $p", {"p": pid})
    other = _q(store, "SELECT record_id FROM person_record WHERE person_id <> $p LIMIT 1",
               {"p": pid})[0][0]
    mine = rec[0][0] if rec else "R-none"
    left, right = sorted([mine, other])
    cur.execute("INSERT INTO merge_decision VALUES ($l, $r, 'rejected', 0.4, NULL, 'rev', $t)",
                {"l": left, "r": right, "t": now})


def _text_everywhere(store: Store, needle: str) -> dict[str, int]:
    """Rows per table:column whose text (lists included) holds ``needle`` as a whole word."""
    cols = _q(store, """SELECT table_name, column_name FROM duckdb_columns()
                        WHERE database_name = current_database() AND schema_name = 'main'
                          AND (data_type = 'VARCHAR' OR data_type = 'VARCHAR[]')""")
    hits: dict[str, int] = {}
    for table, column in cols:
        assert re.fullmatch(r"[a-z_]+", table) and re.fullmatch(r"[a-z_]+", column)
        n = _q(store, f"SELECT count(*) FROM {table} "  # noqa: S608 (names from the catalog)
                      f"WHERE regexp_matches(CAST({column} AS VARCHAR), $n)",
               {"n": protection.id_pattern(needle)})[0][0]
        if n:
            hits[f"{table}.{column}"] = int(n)
    return hits


def _audit_text(store: Store, needle: str) -> int:
    """Events in the audit store whose text (any column) holds ``needle`` as a whole word."""
    return int(_aq(store, "SELECT count(*) FROM audit_event e "
                          "WHERE regexp_matches(CAST(e AS VARCHAR), $n)",
                   {"n": protection.id_pattern(needle)})[0][0])


# -- the table list covers the schema ---------------------------------------------------------

def test_every_person_reference_in_the_schema_is_covered(empty_store: Store) -> None:
    """Fails when a migration adds a column that can hold a person id without a rule here."""
    covered = {f"{r.table}.{r.column}" for r in protection.PERSON_REFERENCES}
    exempt = set(protection.NOT_PERSON_REFERENCES)
    cols = _q(empty_store, """SELECT table_name, column_name FROM duckdb_columns()
                              WHERE schema_name = 'main'""")
    in_audit = _aq(empty_store, """SELECT table_name, column_name FROM duckdb_columns()
                                   WHERE schema_name = 'main'""")  # the audit store's own file
    existing = {f"{t}.{c}" for t, c in [*cols, *in_audit]}
    looks_personal = {f"{t}.{c}" for t, c in cols
                      if c in ("person_id", "subject_id", "object_id")
                      or c.endswith("_person_id")}
    fks = _q(empty_store, """SELECT table_name, constraint_column_names FROM
                             duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'
                             AND constraint_text ILIKE '%REFERENCES person(%'""")
    for table, columns in fks:
        looks_personal |= {f"{table}.{c}" for c in columns}
    missing = looks_personal - covered - exempt
    assert not missing, f"add these to data/protection.PERSON_REFERENCES: {sorted(missing)}"
    assert covered <= existing, sorted(covered - existing)
    statements = " ".join(registry.get(q).sql for q in protection.PHASE_1 + protection.PHASE_2)
    counts_sql = registry.get("protection.delete_counts").sql
    for ref in protection.PERSON_REFERENCES:
        if ref.table not in ("audit_event", "erasure"):
            assert re.search(rf"\b(FROM|UPDATE) {ref.table}\b", statements), ref.table
            assert f"'{ref.table}'" in counts_sql, ref.table


def test_protection_queries_are_admin_only() -> None:
    specs = [s for s in registry.all_specs() if s.name.startswith("protection.")]
    assert len(specs) > 20
    assert {s.access for s in specs} == {Access.ADMIN}


# -- subject access ---------------------------------------------------------------------------

def test_subject_access_reports_everything_and_who_saw_it(town: Store) -> None:
    pid, pseudonym, _ = _child_with_shared_incident(town)
    _add_panel_and_merge_rows(town, pid)
    panel = Viewer("panel-amy", Role.PANEL, "MACE preparation", Mode.NAMED)
    town.run("child.profile", panel, {"person_id": pid})  # a view of this child
    analyst = audit.Who.of(Viewer("analyst-bo", Role.ANALYST, "disruption"))
    town.audit(audit.Search(who=analyst, object_kind="network", object_id=pid,
                            person_ids=(pid,), text_length=8, results=1))
    town.audit(audit.Disclosure(who=audit.Who.of(panel, purpose="circulate to panel"),
                                object_kind="meeting_pack", object_id="M1", person_ids=(pid,),
                                what="meeting pack", file_format="pdf",
                                recipients=("MACE panel",), named=False))
    town.audit(audit.Consultation(who=audit.Who.of(panel), object_kind="query",
                                  object_id="panel.links_among", source="panel.links_among",
                                  rows=2, person_ids=(pid, "C999999")))
    town.audit(audit.Consultation(who=audit.Who.of(panel), object_kind="query",
                                  object_id="not.about.them", source="x", rows=1,
                                  person_ids=("C999999",)))

    report = protection.subject_access(town, ADMIN, pid)
    assert report.pseudonym == pseudonym and report.kind == "child"
    counts = report.counts()
    for key in ("person", "links", "incidents", "agenda", "actions", "merge_decisions",
                "shared"):
        assert counts[key] >= 1, key
    assert set(report.sections["links"]["direction"]) == {"from", "to"}
    assert report.sections["links"]["source_agency"].notna().all()
    assert set(report.sections["incidents"]["role"]) <= {
        "victim", "at_risk", "subject", "person_of_concern", "witness"}
    # administrators see pseudonyms: names and dates of birth are masked
    assert report.sections["person"]["given_name"].isna().all()
    assert report.sections["person"]["date_of_birth"].isna().all()
    shared = report.sections["shared"]
    who = set(zip(shared["actor"], shared["event_type"], strict=True))
    assert {("panel-amy", "consultation"), ("analyst-bo", "search"),
            ("panel-amy", "disclosure")} <= who
    assert "MACE preparation" in set(shared["purpose"])
    assert "MACE panel" in set(shared["recipients"])
    assert (shared["object_id"] == "panel.links_among").any()  # id inside a list
    assert not (shared["object_id"] == "not.about.them").any()
    # the report's own reads are recorded against the person too
    again = protection.subject_access(town, ADMIN, pid).sections["shared"]
    assert (again["actor"] == "test-admin").any()


def test_person_reads_are_logged_against_the_person(town: Store) -> None:
    pid, _, _ = _child_with_shared_incident(town)
    town.run("child.profile", Viewer("p", Role.PANEL, "prep"), {"person_id": pid})
    row = _aq(town, "SELECT object_kind, object_id, event_type, fields, person_ids "
                   "FROM audit_event ORDER BY event_id DESC LIMIT 1")[0]
    assert row[:3] == ("person", pid, "consultation")
    assert json.loads(row[3])["source"] == "child.profile" and row[4] == [pid]


def test_export_is_audited_with_purpose_and_csv_has_sections(town: Store) -> None:
    pid, pseudonym, _ = _child_with_shared_incident(town)
    town.cursor.execute("INSERT INTO strength SELECT 'S-x', $p, 'other', '=HYPERLINK(1)', "
                        "agency_id, DATE '2026-01-01' FROM agency LIMIT 1", {"p": pid})
    report = protection.subject_access(town, ADMIN, pid)
    with pytest.raises(ValidationError, match="Say why"):
        protection.export_subject_access(town, ADMIN, report, purpose=" ",
                                         recipients=["the requester"])
    with pytest.raises(ValidationError, match="Say who will receive it"):
        protection.export_subject_access(town, ADMIN, report, purpose="SAR 2026-041",
                                         recipients=[" "])
    assert not _aq(town, "SELECT * FROM audit_event WHERE event_type = 'disclosure'")
    data = protection.export_subject_access(town, ADMIN, report, purpose="SAR 2026-041",
                                            recipients=["the requester", "DPO"])
    frame = pd.read_csv(io.BytesIO(data))
    assert frame.columns[0] == "section"
    assert set(frame["section"]) == {k for k, n in report.counts().items() if n}
    assert len(frame) == report.total_rows
    assert "'=HYPERLINK(1)" in set(frame["description"])  # neutralised for spreadsheets
    row = _aq(town, "SELECT event_type, object_kind, object_id, purpose, recipients, "
                   "person_ids, fields FROM audit_event WHERE event_type = 'disclosure'")[-1]
    assert row[:6] == ("disclosure", "person", pid, "SAR 2026-041", ["the requester", "DPO"],
                       [pid])
    fields = json.loads(row[6])
    assert fields["named"] is False and fields["what"] == "subject access report"
    assert fields["counts"]["rows"] == report.total_rows and pseudonym not in row[6]


def test_other_roles_are_refused_and_unknown_people_named(town: Store) -> None:
    for role in (Role.PANEL, Role.ANALYST, Role.COMMISSIONER):
        with pytest.raises(AccessDeniedError):
            protection.subject_access(town, Viewer("x", role, "testing"), "C000001")
    with pytest.raises(NotFoundError, match="No person"):
        protection.subject_access(town, ADMIN, "nobody")
    with pytest.raises(NotFoundError, match="ZZ-1"):
        protection.find_person(town, ADMIN, "ZZ-1")
    assert protection.find_person(town, ADMIN, "yp-00001") == "C000001"


# -- deletion ---------------------------------------------------------------------------------

def test_deletion_removes_the_person_everywhere_and_keeps_shared_incidents(town: Store) -> None:
    pid, pseudonym, shared_incident = _child_with_shared_incident(town)
    _add_panel_and_merge_rows(town, pid)
    given, family = _q(town, "SELECT given_name, family_name FROM person "
                             "WHERE person_id = $p", {"p": pid})[0]
    full = f"{given} {family}"
    others_before = _q(town, "SELECT count(*) FROM incident_person WHERE incident_id = $i "
                             "AND person_id <> $p", {"i": shared_incident, "p": pid})[0][0]
    plan = protection.plan_deletion(town, ADMIN, pid)
    assert plan.counts["agenda_item"] == 1 and plan.counts["action"] == 1
    assert plan.counts["merge_decision"] == 1 and plan.counts["link"] >= 2

    done = protection.delete_person(town, ADMIN, pid, confirm=pseudonym,
                                    purpose="erasure request")
    assert done.counts == plan.counts | ({"place": 1} if "place" in done.counts else {})
    assert _text_everywhere(town, pseudonym) == {}
    assert _text_everywhere(town, full) == {}
    assert _text_everywhere(town, pid) == {}
    # the audit store is append-only and was not touched: its events never held the name or
    # the pseudonym, only the id
    assert _audit_text(town, pseudonym) == _audit_text(town, full) == 0
    assert _audit_text(town, pid) > 0 and town.audit_log.verify().ok
    # the shared incident stays, with its other people, without this person
    assert _q(town, "SELECT count(*) FROM incident WHERE incident_id = $i",
              {"i": shared_incident})[0][0] == 1
    assert _q(town, "SELECT count(*) FROM incident_person WHERE incident_id = $i",
              {"i": shared_incident})[0][0] == others_before
    for incident in plan.incident_ids:  # incidents no one else was in: only ids in the audit
        assert _text_everywhere(town, incident) == {}
    assert _q(town, "SELECT count(*) FROM meeting WHERE meeting_id = 'M1'")[0][0] == 1
    event = _aq(town, "SELECT purpose, fields, person_ids FROM audit_event "
                     "WHERE event_type = 'erasure' AND object_kind = 'person'")
    assert len(event) == 1 and event[0][0] == "erasure request" and event[0][2] == [pid]
    assert json.loads(event[0][1])["rows"] == done.counts
    assert json.loads(event[0][1])["incident_ids"] == plan.incident_ids
    with pytest.raises(NotFoundError):
        protection.find_person(town, ADMIN, pseudonym)


def test_deletion_needs_the_typed_pseudonym_and_a_purpose(town: Store) -> None:
    pid, pseudonym, _ = _child_with_shared_incident(town)
    before = protection.plan_deletion(town, ADMIN, pid).counts
    with pytest.raises(ValidationError, match=f"type the pseudonym {pseudonym}"):
        protection.delete_person(town, ADMIN, pid, confirm="yes", purpose="erasure request")
    with pytest.raises(ValidationError, match="Say why"):
        protection.delete_person(town, ADMIN, pid, confirm=pseudonym, purpose="")
    with pytest.raises(AccessDeniedError):
        protection.delete_person(town, Viewer("p", Role.PANEL, "x"), pid, confirm=pseudonym,
                                 purpose="erasure request")
    assert protection.plan_deletion(town, ADMIN, pid).counts == before


def test_deletion_is_all_or_nothing(town: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure at the last statement of the transaction leaves every row in place."""
    registry.register(QuerySpec(name="test.fail_midway", access=Access.ADMIN,
                                description="Fail on purpose", params=("person_id",),
                                write=True, sql="SELECT error('disk full') "
                                                "WHERE $person_id IS NOT NULL"))
    monkeypatch.setattr(protection, "PHASE_1", protection.PHASE_1 + ("test.fail_midway",))
    pid, pseudonym, _ = _child_with_shared_incident(town)
    before = protection.plan_deletion(town, ADMIN, pid).counts
    with pytest.raises(Exception, match="disk full"):
        protection.delete_person(town, ADMIN, pid, confirm=pseudonym, purpose="erasure")
    assert protection.plan_deletion(town, ADMIN, pid).counts == before
    assert _q(town, "SELECT given_name IS NOT NULL FROM person WHERE person_id = $p",
              {"p": pid}) == [(True,)]


def test_deleting_an_adult_of_concern_keeps_the_children_s_incidents(town: Store) -> None:
    adult, pseudonym = _q(town, """
        SELECT p.person_id, p.pseudonym FROM person p JOIN incident_person ip USING (person_id)
        WHERE p.kind = 'adult_of_concern' GROUP BY ALL ORDER BY count(*) DESC LIMIT 1""")[0]
    incidents = [r[0] for r in _q(town, "SELECT incident_id FROM incident_person "
                                        "WHERE person_id = $p", {"p": adult})]
    plan = protection.plan_deletion(town, ADMIN, adult)
    protection.delete_person(town, ADMIN, adult, confirm=pseudonym, purpose="retention ended")
    kept = {r[0] for r in _q(town, "SELECT incident_id FROM incident")}
    assert set(incidents) - set(plan.incident_ids) <= kept
    assert _text_everywhere(town, pseudonym) == {}


# -- retention --------------------------------------------------------------------------------

def test_retention_review_lists_and_extends(town: Store) -> None:
    review = protection.retention_review(town, ADMIN, as_of=AS_OF)
    assert review.review_due == int(review.concerns["review_due"].sum()) > 0
    assert set(review.concerns.columns) >= {"pseudonym", "review_date", "end_date"}
    assert "given_name" not in review.concerns.columns
    later = protection.retention_review(town, ADMIN, as_of=date(2040, 1, 1))
    total = _q(town, "SELECT count(*) FROM concern")[0][0]
    assert later.past_end == len(later.concerns) == total
    concern = str(review.concerns["concern_id"].iloc[0])
    with pytest.raises(ValidationError, match="after"):
        protection.extend_concern(town, ADMIN, concern, review_date=AS_OF,
                                  end_date=date(2027, 9, 30), as_of=AS_OF)
    with pytest.raises(ValidationError, match="before the review"):
        protection.extend_concern(town, ADMIN, concern, review_date=date(2027, 9, 30),
                                  end_date=date(2027, 1, 1), as_of=AS_OF)
    protection.extend_concern(town, ADMIN, concern, review_date=date(2026, 12, 31),
                              end_date=date(2029, 9, 30), as_of=AS_OF)
    after = protection.retention_review(town, ADMIN, as_of=AS_OF)
    assert concern not in set(after.concerns["concern_id"])
    assert len(after.concerns) == len(review.concerns) - 1
    row = _aq(town, "SELECT event_type, object_id, fields FROM audit_event "
                   "WHERE object_id = 'protection.extend_concern'")
    assert len(row) == 1 and row[0][0] == "record_updated"
    assert json.loads(row[0][2])["ids"] == {"concern_id": concern}


def test_cli_writes_the_report_and_audits_it(town: Store, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from services.cli import app

    path = town.path
    town.close()
    out = tmp_path / "sar.csv"
    runner = CliRunner()
    res = runner.invoke(app, ["subject-access", "YP-00012", "--out", str(out), "--purpose",
                              "SAR 2026-041", "--recipients", "the requester", "--db", path])
    assert res.exit_code == 0, res.output
    assert "YP-00012" in res.output and out.read_text().startswith("section,")
    bad = runner.invoke(app, ["subject-access", "nobody", "--out", str(out), "--purpose",
                              "SAR", "--recipients", "the requester", "--db", path])
    assert bad.exit_code == 2 and "No one with the pseudonym" in bad.output
    nobody = runner.invoke(app, ["subject-access", "YP-00012", "--out", str(tmp_path / "x"),
                                 "--purpose", "SAR 2026-041", "--recipients", " , ",
                                 "--db", path])
    assert nobody.exit_code == 2 and "Say who will receive it" in nobody.output
    with Store.open(path) as store:
        assert store.audit_log.cursor.execute(
            "SELECT purpose, recipients FROM audit_event WHERE event_type = 'disclosure'"
        ).fetchall() == [("SAR 2026-041", ["the requester"])]
