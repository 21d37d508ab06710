"""Typed audit events (domain/audit.py): each type round-trips through the store, nothing else
can be written, flows write only known types, and search text never reaches the trail."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

import duckdb
import pytest

from analytics import analysis
from data import network as netdata
from data.store import Store, _migrations
from domain import audit
from domain.access import Mode, Role, Viewer
from domain.errors import AccessDeniedError, ValidationError
from services import network as network_service
from services import protection

ADMIN = Viewer("test-admin", Role.ADMIN, "audit test")
PANEL = Viewer("panel-amy", Role.PANEL, "MACE preparation", session="S-42")
WHO = audit.Who.of(PANEL)
EVER = {"start": date(2000, 1, 1), "end": date(2100, 1, 1)}

SAMPLES: dict[str, audit.AuditEvent] = {
    "consultation": audit.Consultation(
        who=WHO, object_kind="person", object_id="C1", person_ids=("C1", "C2"),
        source="child.profile", rows=2,
        parameters={"person_id": "C1", "as_of": "2026-09-30", "kinds": ["peer"]}),
    "disclosure": audit.Disclosure(
        who=audit.Who.of(PANEL, purpose="circulate to panel"), object_kind="meeting_pack",
        object_id="M1", person_ids=("C1",), what="meeting pack", file_format="pdf",
        recipients=("MACE panel members", "DPO"), named=False,
        counts={"items": 3, "bytes": 1024}),
    "search": audit.Search(who=WHO, object_kind="query", object_id="child.search",
                           person_ids=("C7",), text_length=11, results=1,
                           parameters={"names": True, "q": {"chars": 11}}),
    "access_denied": audit.AccessDenied(
        who=audit.Who(actor="c", role=Role.COMMISSIONER, purpose="x"), object_kind="query",
        object_id="child.profile", person_ids=("C1",), needed="personal",
        parameters={"person_id": "C1"}),
    "record_created": audit.RecordCreated(who=WHO, object_kind="statement",
                                          object_id="panel.add_item", statement="panel.add_item",
                                          ids={"item_id": "I1", "subject_id": "C1"},
                                          changed=("reason", "status")),
    "record_updated": audit.RecordUpdated(who=WHO, object_kind="statement",
                                          object_id="panel.set_item_status",
                                          statement="panel.set_item_status",
                                          ids={"item_id": "I1"}, changed=("status",)),
    "record_deleted": audit.RecordDeleted(who=audit.Who.of(ADMIN), object_kind="statement",
                                          object_id="protection.delete_links",
                                          person_ids=("C1",),
                                          statement="protection.delete_links",
                                          ids={"person_id": "C1"}),
    "erasure": audit.Erasure(who=audit.Who.of(ADMIN, purpose="erasure request"),
                             object_kind="person", object_id="C1", person_ids=("C1",),
                             rows={"person": 1, "link": 4}, incident_ids=("INC-1",),
                             agenda_item_ids=("I1", "I2")),
    "data_imported": audit.DataImported(who=audit.Who.of(ADMIN), object_kind="import_batch",
                                        object_id="IB-1", file_kind="links", total=10,
                                        accepted=9, rejected=1),
}


def _rows(store: Store) -> list[dict[str, object]]:
    frame = store.frame("admin.audit_events", ADMIN, EVER, limit=100_000)
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def test_samples_cover_every_writable_event_type() -> None:
    writable = {n for n, t in audit.EVENT_TYPES.items() if t.writable}
    assert set(SAMPLES) == writable
    assert all(type(e).name == n for n, e in SAMPLES.items())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_event_type_round_trips_through_the_store(empty_store: Store, name: str) -> None:
    event = SAMPLES[name]
    empty_store.audit(event)
    (row,) = [r for r in _rows(empty_store) if r["event_type"] == name]
    assert row["actor"] == event.who.actor and row["purpose"] == event.who.purpose
    assert list(row["person_ids"]) == list(event.person_ids)  # type: ignore[call-overload]
    assert list(row["recipients"]) == list(event.disclosed_to())  # type: ignore[call-overload]
    assert audit.from_row(row) == event


def test_the_schema_knows_exactly_the_domain_event_types(empty_store: Store) -> None:
    (check,) = empty_store.audit_log.cursor.execute(
        "SELECT expression FROM duckdb_constraints() WHERE table_name = 'audit_event' "
        "AND constraint_type = 'CHECK' AND expression LIKE '%event_type IN%'").fetchone() or ("",)
    assert set(re.findall(r"'([a-z_]+)'", check)) == set(audit.EVENT_TYPES)


def test_free_form_and_unknown_events_cannot_be_written(empty_store: Store) -> None:
    with pytest.raises(ValidationError, match="takes audit events"):
        empty_store.audit("view")  # type: ignore[arg-type]

    @dataclass(frozen=True, kw_only=True)
    class Gossip(audit.AuditEvent):
        name: ClassVar[str] = "gossip"

    with pytest.raises(ValidationError, match="not an audit event type that may be written"):
        empty_store.audit(Gossip(who=WHO, object_kind="x"))
    with pytest.raises(ValidationError, match="not an audit event type that may be written"):
        empty_store.audit(audit.LegacyEvent(who=WHO, object_kind="x", action="view"))
    insert = ("INSERT INTO audit_event (event_id, occurred_at, actor, role, event_type, "
              "object_kind, purpose, recipients, prev_hash, hash, hmac) VALUES (9, now(), "
              "'a', 'panel', $t, 'x', 'p', $r, '', '', '')")
    with pytest.raises(duckdb.ConstraintException):
        empty_store.audit_log.cursor.execute(insert, {"t": "view", "r": []})  # pre-0007 action
    with pytest.raises(duckdb.ConstraintException):  # nobody received it
        empty_store.audit_log.cursor.execute(insert, {"t": "disclosure", "r": []})
    assert _rows(empty_store) == []


def test_a_disclosure_needs_recipients() -> None:
    for nobody in ((), ("", "  ")):
        with pytest.raises(ValidationError, match="Say who will receive it"):
            audit.Disclosure(who=WHO, object_kind="x", what="x", file_format="csv",
                             recipients=nobody, named=False)
    assert audit.parse_recipients(" MACE panel; DPO,\nthe requester ,") == (
        "MACE panel", "DPO", "the requester")


def test_parameters_keep_ids_dates_and_codes_not_text() -> None:
    kept = audit.safe_parameters(
        {"person_id": "C1", "as_of": date(2026, 9, 30), "n": 5, "named": True,
         "kinds": ["peer", "family"], "note": "Seen at the hotel with him",
         "q": "Amelia", "mixed": ["ok", "two words"]}, hide=("q",))
    assert kept == {"person_id": "C1", "as_of": "2026-09-30", "n": 5, "named": True,
                    "kinds": ["peer", "family"], "note": {"chars": 26},
                    "q": {"chars": 6}, "mixed": {"items": 2}}
    assert audit.id_parameters({"item_id": "I1", "incident_ids": ["A"], "decision": "x"}) == {
        "item_id": "I1", "incident_ids": ["A"]}


def test_who_carries_the_session_and_an_export_purpose() -> None:
    assert audit.Who.of(PANEL) == audit.Who("panel-amy", Role.PANEL, "MACE preparation", "S-42")
    assert audit.Who.of(PANEL, purpose=" SAR 41 ").purpose == "SAR 41"
    assert audit.Who.of(PANEL, purpose=" ").purpose == "MACE preparation"
    assert PANEL.with_mode(Mode.NAMED).session == "S-42"


# -- flows over the demo town -------------------------------------------------------------------

@pytest.fixture
def town(demo_copy: Store) -> Store:
    """A fresh copy of the small demo town per test (these tests write)."""
    return demo_copy


def _full_name(store: Store, person_id: str) -> str:
    row = store.cursor.execute("SELECT given_name || ' ' || family_name FROM person "
                               "WHERE person_id = $p", {"p": person_id}).fetchone()
    assert row is not None
    return str(row[0])


def test_search_text_of_a_name_is_not_stored_in_clear(town: Store) -> None:
    named = Viewer("analyst-bo", Role.ANALYST, "disruption", Mode.NAMED)
    full = _full_name(town, "C000012")
    found = town.run("child.search", named, {"q": full.lower(), "names": True})
    assert "C000012" in set(found.frame["person_id"])
    q = netdata.NetworkQuery(start=date(2026, 1, 1), end=date(2026, 9, 30))
    f = netdata.load(town, named, q)
    graph = analysis.analyse(f.people, f.places, f.links, f.presences,
                             as_of=date(2026, 9, 30)).view_graph
    network_service.record_search(town, named, text=full, centre="C000012", hops=2,
                                  results=1, graph=graph)
    hits = town.audit_log.cursor.execute(
        "SELECT count(*) FROM audit_event WHERE regexp_matches(lower(CAST(audit_event AS "
        "VARCHAR)), $n)", {"n": re.escape(full.split()[-1].lower())}).fetchone()
    assert hits == (0,)
    searches = [audit.from_row(r) for r in _rows(town) if r["event_type"] == "search"]
    assert len(searches) == 2
    assert all(isinstance(s, audit.Search) and s.text_length == len(full) for s in searches)
    assert all("C000012" in s.person_ids for s in searches)  # found by a subject access report
    report = protection.subject_access(town, ADMIN, "C000012").sections["shared"]
    assert (report["event_type"] == "search").sum() == 2


def test_every_row_the_flows_write_has_a_known_type(town: Store) -> None:
    """Views, a search, writes, an import, a refusal, disclosures and an erasure: every row
    written is a known type and reads back as its typed event."""
    from data import meetings
    from data.importers import import_file
    from tests.import_support import sample

    panel = Viewer("chair", Role.PANEL, "MACE")
    town.run("child.search", panel, {"q": "YP-0001", "names": False})
    town.run("child.profile", panel, {"person_id": "C000012"})
    mid = meetings.create_meeting(town, panel, held_on=date(2026, 9, 30), title="Sept MACE")
    meetings.add_item(town, panel, meeting_id=mid, subject_kind="child", subject_id="C000012",
                      reason="Missing twice", status="accepted")
    town.run("panel.items", panel, {"meeting_id": mid})
    with pytest.raises(AccessDeniedError):
        town.run("child.profile", Viewer("c", Role.COMMISSIONER, "x"),
                 {"person_id": "C000012"})
    import_file(town, ADMIN, kind="links", file_name="links.csv", data=sample("links.csv"),
                today=date(2026, 9, 30))
    report = protection.subject_access(town, ADMIN, "C000012")
    protection.export_subject_access(town, ADMIN, report, purpose="SAR 2026-041",
                                     recipients=["the requester"])
    protection.delete_person(town, ADMIN, "C000012", confirm=report.pseudonym,
                             purpose="erasure request")
    rows = _rows(town)
    events = [audit.from_row(r) for r in rows]
    assert {type(e).name for e in events} >= {
        "consultation", "search", "record_created", "access_denied", "data_imported",
        "disclosure", "record_deleted", "record_updated", "erasure"}
    assert all(e.writable for e in events)
    shown = [e for e in events if isinstance(e, audit.Consultation)
             and e.source == "panel.items" and e.parameters == {"meeting_id": mid}]
    assert shown[0].person_ids == ("C000012",)  # newest first: agenda subjects are shown
    for r in rows:  # no case-note text or name reaches the fields
        assert "Missing twice" not in str(r["fields"])


# -- migration of rows written before types -----------------------------------------------------

def test_rows_from_before_types_become_legacy_events(tmp_path: Path) -> None:
    """An old database's audit rows move into the audit store, chained in their order; the
    free text of old events does not (it may hold a name typed into a search): its length
    does, and the people it named by id, pseudonym or full name join the event's people."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR "
                "NOT NULL, applied_at TIMESTAMP NOT NULL)")
    for version, description, sql in _migrations():
        if version < 7:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES ($v, $d, now())",
                        {"v": version, "d": description})
    con.execute("INSERT INTO agency VALUES ('SC', 'Social care', 'social_care')")
    con.execute("INSERT INTO person (person_id, pseudonym, kind, given_name, family_name, "
                "source_agency, recorded_date) VALUES ('C7', 'YP-7', 'child', 'Ann', 'Smith', "
                "'SC', DATE '2026-01-01')")
    con.execute("INSERT INTO audit_event VALUES (nextval('audit_event_seq'), now(), 'old', "
                "'panel', 'view', 'person', 'C9', 'prep', 'query=child.profile rows=1'), "
                "(nextval('audit_event_seq'), now(), 'old', 'analyst', 'search', 'network', "
                "'C8', 'why', 'hops=1 q=''Ann Smith''')")
    con.close()
    with Store.open(path) as store:
        rows = _rows(store)
        store.audit(SAMPLES["search"])
        ids = [r[0] for r in store.audit_log.cursor.execute(
            "SELECT event_id FROM audit_event ORDER BY event_id").fetchall()]
        gone = store.cursor.execute("SELECT count(*) FROM information_schema.tables "
                                    "WHERE table_name = 'audit_event'").fetchone()
        assert store.audit_log.verify().ok
        sar = protection.subject_access(store, ADMIN, "C7").sections["shared"]
    events = sorted((audit.from_row(r) for r in rows), key=lambda e: str(e.object_id))
    assert all(isinstance(e, audit.LegacyEvent) for e in events)
    assert [(e.action, e.person_ids, e.detail, e.detail_chars)  # type: ignore[attr-defined]
            for e in events] == [("search", ("C7",), None, 20), ("view", ("C9",), None, 26)]
    assert "Smith" not in json.dumps([str(r) for r in rows])
    assert gone == (0,)  # the case database no longer holds an audit table
    assert ids == [1, 2, 3, 4]  # the order carries on (3: the read of the trail above)
    assert "C8" in set(sar["object_id"])  # the old search for her name, found by her id
    with Store.open(path) as again:  # opening again moves nothing twice
        kinds = [e["event_type"] for e in again.audit_log.events()]
        assert kinds.count("legacy") == 2 and again.audit_log.verify().ok


def test_a_statement_names_a_known_change_and_a_search_its_text_parameter() -> None:
    from data.queries import QuerySpec
    from domain.access import Access

    with pytest.raises(ValueError, match="audit_action must be one of create, update, delete"):
        QuerySpec(name="t.x", sql="SELECT 1", access=Access.ADMIN, description="x",
                  write=True, audit_action="tweak")
    with pytest.raises(ValueError, match="search_text names no parameter"):
        QuerySpec(name="t.y", sql="SELECT $q", access=Access.ADMIN, description="y",
                  params=("q",), search_text="text")


def test_a_full_name_typed_into_a_purpose_or_recipients_is_written_as_the_pseudonym(
        town: Store) -> None:
    """The audit store is append-only and cannot be redacted later: a person's full name
    typed into a purpose or a disclosure's recipients is replaced by their pseudonym (either
    order, any case) before the event is written."""
    given, family, pseudonym, pid = town.cursor.execute(
        "SELECT given_name, family_name, pseudonym, person_id FROM person "
        "WHERE kind = 'child' ORDER BY person_id LIMIT 1").fetchone()
    town.audit(audit.Disclosure(
        who=audit.Who("test-admin", Role.ADMIN, f"SAR for {family.upper()}, {given}"),
        object_kind="person", object_id=pid, person_ids=(pid,), what="subject access report",
        file_format="csv", recipients=(f"{given} {family} by secure email",), named=False))
    purpose, recipients = town.audit_log.cursor.execute(
        "SELECT purpose, recipients FROM audit_event ORDER BY event_id DESC LIMIT 1").fetchone()
    assert purpose == f"SAR for {pseudonym}" and recipients == [f"{pseudonym} by secure email"]
    assert given not in purpose + " ".join(recipients)
