"""The store: schema constraints, migrations, the gateway's cap, masking, access and audit."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data import queries
from data.store import Store, schema_version_latest
from domain import audit
from domain.access import Access, Role, Viewer
from domain.errors import (
    AccessDeniedError,
    SchemaError,
    StoreNotFoundError,
    UnknownQueryError,
    ValidationError,
)

POINT = {"lon": -2.4, "lat": 53.1}


def _seed_minimal(store: Store) -> None:
    cur = store.cursor
    cur.execute("INSERT INTO agency VALUES ('pol', 'Police', 'police')")
    cur.execute("INSERT INTO ward VALUES ('W1', 'Ward one', 1000, '\\x00'::BLOB)")
    cur.execute(
        "INSERT INTO place (place_id, kind, name, ward_code, lon, lat, source_agency, "
        "recorded_date) VALUES ('pl1', 'park', 'The Park', 'W1', -2.4, 53.1, 'pol', '2025-01-01')"
    )


def _child_with_open_concern(store: Store) -> None:
    """Agency, ward and child 'a' (shown as P-a) with a concern open since 2025-01-01."""
    _seed_minimal(store)
    _person(store, "a")
    store.cursor.execute(
        "INSERT INTO concern VALUES ('c', 'a', 'cse', 'victim', '2025-01-01', NULL, "
        "'2025-06-01', '2031-01-01', 'pol', '2025-01-01')"
    )


def _person(store: Store, pid: str, kind: str = "child", age: int | None = 14) -> None:
    store.cursor.execute(
        "INSERT INTO person (person_id, pseudonym, kind, given_name, family_name, age_years, "
        "source_agency, recorded_date) VALUES ($id, $ps, $k, 'Ann', 'Smith', $age, 'pol', "
        "'2025-01-01')",
        {"id": pid, "ps": "P-" + pid, "k": kind, "age": age},
    )


def test_migrations_bring_a_new_file_to_the_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    with Store.open(path, create=True) as store:
        assert store.schema_version() == schema_version_latest()
    with Store.open(path) as store:  # reopening applies nothing twice
        assert store.migrate() == []


def test_a_newer_schema_than_known_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    with Store.open(path, create=True) as store:
        store.cursor.execute("INSERT INTO schema_version VALUES (999, 'future', now())")
    with pytest.raises(SchemaError, match="upgrade CSMap"):
        Store.open(path)


def test_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFoundError, match="csmap generate"):
        Store.open(tmp_path / "nope.duckdb")
    assert issubclass(StoreNotFoundError, FileNotFoundError)


def test_connection_is_locked_down(empty_store: Store) -> None:
    with pytest.raises(duckdb.Error, match="locked"):
        empty_store.cursor.execute("SET enable_external_access = true")
    with pytest.raises(duckdb.Error):
        empty_store.cursor.execute("SELECT * FROM read_csv('/etc/passwd')")


@pytest.mark.parametrize(
    ("sql", "why"),
    [
        ("INSERT INTO person (person_id, pseudonym, kind, source_agency, recorded_date) "
         "VALUES ('x', 'X', 'villain', 'pol', '2025-01-01')", "unknown person kind"),
        ("INSERT INTO person (person_id, pseudonym, kind, age_years, source_agency, "
         "recorded_date) VALUES ('x', 'X', 'child', 30, 'pol', '2025-01-01')", "child aged 30"),
        ("INSERT INTO person (person_id, pseudonym, kind, source_agency, recorded_date) "
         "VALUES ('x', 'X', 'child', 'nobody', '2025-01-01')", "unknown agency"),
        ("INSERT INTO place (place_id, kind, name, lon, lat, ward_code, source_agency, "
         "recorded_date) VALUES ('o', 'online', 'Chat', 1, 1, 'W1', 'pol', '2025-01-01')",
         "online space with a point"),
        ("INSERT INTO place (place_id, kind, name, source_agency, recorded_date) "
         "VALUES ('o', 'park', 'Park', 'pol', '2025-01-01')", "physical place with no point"),
        ("INSERT INTO link (link_id, source_person_id, target_person_id, kind, nature, "
         "first_seen, last_seen, source_agency, recorded_date) VALUES ('l', 'a', 'a', 'peer', "
         "'harmful', '2025-01-01', '2025-01-02', 'pol', '2025-01-02')", "self-link"),
        ("INSERT INTO link (link_id, source_person_id, target_person_id, kind, nature, "
         "first_seen, last_seen, source_agency, recorded_date) VALUES ('l', 'a', 'b', 'peer', "
         "'harmful', '2025-02-01', '2025-01-01', 'pol', '2025-02-01')", "last before first"),
        ("INSERT INTO link (link_id, source_person_id, target_person_id, kind, nature, "
         "first_seen, last_seen, source_agency, recorded_date, grading_intel) VALUES ('l', 'a', "
         "'b', 'peer', 'harmful', '2025-01-01', '2025-01-01', 'pol', '2025-01-01', 'F')",
         "grading F"),
        ("INSERT INTO incident (incident_id, occurred_at, kind, harm_context, agency_id, "
         "indicators, recorded_date) VALUES ('i', '2025-01-01', 'missing_episode', "
         "'extra_familial', 'pol', ['spiritual'], '2025-01-01')", "unknown indicator"),
        ("INSERT INTO incident_person VALUES ('nope', 'a', 'victim')", "unknown incident"),
    ],
)
def test_constraints_reject_bad_rows(empty_store: Store, sql: str, why: str) -> None:
    _seed_minimal(empty_store)
    _person(empty_store, "a")
    _person(empty_store, "b")
    with pytest.raises(duckdb.ConstraintException):
        empty_store.cursor.execute(sql)


def test_failed_transaction_leaves_nothing_half_written(empty_store: Store) -> None:
    _seed_minimal(empty_store)
    good = pd.DataFrame({"agency_id": ["a1", "a2"], "name": ["A", "B"], "sector": ["health", "x"]})
    with pytest.raises(duckdb.ConstraintException):
        empty_store.insert_frame("agency", good)
    assert empty_store.counts()["agency"] == 1
    with pytest.raises(ValidationError):
        empty_store.insert_frame("audit_event", good)


def test_row_cap_sets_truncated_and_total(empty_store: Store, admin: Viewer) -> None:
    for _ in range(12):
        empty_store.audit(audit.Consultation(who=audit.Who.of(admin), object_kind="x",
                                             source="x", rows=0))
    res = empty_store.run(
        "admin.audit_events", admin, {"start": "2000-01-01", "end": "2100-01-01"}, limit=5
    )
    assert res.truncated and res.shown == 5 and res.total == 12
    assert "Showing 5 of 12" in res.caption()
    full = empty_store.run(
        "admin.audit_events", admin, {"start": "2000-01-01", "end": "2100-01-01"}, limit=500
    )
    assert not full.truncated


def test_names_are_masked_unless_named_mode(
    empty_store: Store, panel: Viewer, analyst_named: Viewer
) -> None:
    _child_with_open_concern(empty_store)
    shown = empty_store.frame("overview.children_open_concerns", panel, {"as_of": "2025-03-01"})
    assert shown["full_name"].isna().all() and list(shown["label"]) == ["P-a"]
    named = empty_store.frame(
        "overview.children_open_concerns", analyst_named, {"as_of": "2025-03-01"}
    )
    assert list(named["label"]) == ["Ann Smith"]


def test_commissioner_cannot_read_personal_data_and_is_audited(
    empty_store: Store, commissioner: Viewer, admin: Viewer
) -> None:
    with pytest.raises(AccessDeniedError, match="commissioner"):
        empty_store.run("overview.children_open_concerns", commissioner, {"as_of": "2025-01-01"})
    events = empty_store.frame(
        "admin.audit_events", admin, {"start": "2000-01-01", "end": "2100-01-01"}
    )
    assert "access_denied" in set(events["event_type"])


def test_every_personal_read_is_audited(empty_store: Store, panel: Viewer, admin: Viewer) -> None:
    empty_store.run("overview.children_open_concerns", panel, {"as_of": "2025-01-01"})
    events = empty_store.frame(
        "admin.audit_events", admin, {"start": "2000-01-01", "end": "2100-01-01"}
    )
    row = events[events["object_id"] == "overview.children_open_concerns"].iloc[0]
    assert row["actor"] == "test-panel" and row["purpose"] == "testing"


def test_query_arguments_are_checked(empty_store: Store, panel: Viewer) -> None:
    with pytest.raises(UnknownQueryError, match="no query named"):
        empty_store.run("nope", panel)
    with pytest.raises(ValidationError, match="needs parameters: as_of"):
        empty_store.run("overview.children_open_concerns", panel)
    with pytest.raises(ValidationError, match="does not take"):
        empty_store.run("overview.date_range", panel, {"x": 1})


def test_every_query_declares_access_and_uses_bound_parameters() -> None:
    for spec in queries.all_specs():
        assert isinstance(spec.access, Access)
        assert "{" not in spec.sql, f"{spec.name} looks like a format string"
        for p in spec.params:
            assert f"${p}" in spec.sql, f"{spec.name} declares {p} but does not bind it"


def test_query_helpers_declare_the_access_class_they_name() -> None:
    by_name = {s.name: s for s in queries.all_specs()}
    assert by_name["child.links"].access is Access.PERSONAL
    assert by_name["places.agg_cells"].access is Access.AGGREGATE
    assert by_name["reference.wards"].access is Access.REFERENCE
    assert by_name["import.quarantine_reasons"].access is Access.ADMIN
    assert "raw" not in by_name["import.quarantine_reasons"].sql
    assert by_name["import.quarantine"].restricted == ("raw",)
    assert by_name["protection.delete_person"].access is Access.ADMIN
    meeting = by_name["panel.create_meeting"]
    assert meeting.write and meeting.audit_action == "create"
    assert meeting.params == ("meeting_id", "held_on", "title", "created_by", "created_at",
                              "next_held_on")
    assert ("INSERT INTO meeting (meeting_id, held_on, title, created_by, created_at, "
            "next_held_on)") in meeting.sql
    reads = [s for s in by_name.values() if not s.write]
    assert reads and all(s.audit_action is None for s in reads)


def test_viewer_needs_purpose() -> None:
    with pytest.raises(ValidationError, match="purpose"):
        Viewer("me", Role.PANEL, " ")
    with pytest.raises(ValidationError, match="use one of"):
        Viewer("me", "boss", "x")  # type: ignore[arg-type]


def test_a_migration_numbered_below_the_newest_is_still_applied(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    with Store.open(path, create=True) as store:
        store.cursor.execute("DELETE FROM schema_version WHERE version = 1")
        store.cursor.execute("DROP TABLE dataset_meta")
        store.cursor.execute("CREATE TABLE dataset_meta (key VARCHAR, value VARCHAR)")
    # version 1 is missing from the record although later ones are there: it runs again and
    # fails loudly rather than being skipped silently.
    with pytest.raises(SchemaError, match="migration 0001 .* failed and was rolled back"):
        Store.open(path)


def test_a_file_that_is_not_a_database_gets_a_message_saying_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("this is a spreadsheet, not a database\n")
    with pytest.raises(SchemaError, match="not a readable CSMap database.*csmap generate"):
        Store.open(path)


def test_write_audit_keeps_ids_not_case_notes(empty_store: Store, panel: Viewer,
                                              admin: Viewer) -> None:
    empty_store.execute("panel.set_action_status", panel,
                        {"action_id": "A1", "status": "done"})
    empty_store.execute("panel.update_action", panel, {
        "action_id": "A1", "plan": None, "tactic": "referral",
        "description": "Refer to strategy meeting today", "owner_name": "Jo", "owner_role": "",
        "owner_agency": "pol", "due_date": "2026-10-01", "review_date": None,
        "status": "open", "language_flags": ["risky"]})
    rows = empty_store.frame("admin.audit_events", admin,
                             {"start": "2000-01-01", "end": "2100-01-01"})
    row = rows[rows["object_id"] == "panel.update_action"].iloc[0]
    event = audit.from_row(row.to_dict())
    assert isinstance(event, audit.RecordUpdated)
    assert event.statement == "panel.update_action" and event.ids == {"action_id": "A1"}
    assert "description" in event.changed and "language_flags" in event.changed  # names only
    assert "strategy" not in row["fields"] and "risky" not in row["fields"]


def test_run_many_matches_run_one_by_one_and_audits_each(
    empty_store: Store, panel: Viewer, analyst_named: Viewer, commissioner: Viewer,
    admin: Viewer
) -> None:
    from data.store import QueryRequest

    _child_with_open_concern(empty_store)
    requests = {f"q{n}": QueryRequest("overview.children_open_concerns",
                                      {"as_of": "2025-03-01"}, audit_object=f"obj{n}")
                for n in range(6)}
    got = empty_store.run_many(panel, requests)
    assert list(got) == list(requests)
    alone = empty_store.frame("overview.children_open_concerns", panel, {"as_of": "2025-03-01"})
    for res in got.values():
        pd.testing.assert_frame_equal(res.frame, alone)
        assert res.frame["full_name"].isna().all()  # masked as run() masks
    named = empty_store.run_many(analyst_named, {"x": requests["q0"]})
    assert list(named["x"].frame["label"]) == ["Ann Smith"]
    events = empty_store.frame("admin.audit_events", admin,
                               {"start": "2000-01-01", "end": "2100-01-01"})
    assert {f"obj{n}" for n in range(6)} <= set(events["object_id"])
    with pytest.raises(AccessDeniedError):
        empty_store.run_many(commissioner, requests)
    assert empty_store.run_many(panel, {}) == {}


def test_renamed_name_columns_show_names_only_in_named_mode(
    empty_store: Store, panel: Viewer, analyst_named: Viewer
) -> None:
    """``other_label`` / ``other_full_name`` (child.links) read like ``label`` / ``full_name``:
    the name for an entitled viewer in named mode, the pseudonym otherwise."""
    _seed_minimal(empty_store)
    _person(empty_store, "c")
    _person(empty_store, "x", kind="adult_of_concern", age=30)
    empty_store.cursor.execute(
        "INSERT INTO link (link_id, source_person_id, target_person_id, kind, nature, "
        "first_seen, last_seen, source_agency, recorded_date) VALUES ('l1', 'x', 'c', "
        "'associate', 'harmful', '2025-01-01', '2025-02-01', 'pol', '2025-02-01')")
    hidden = empty_store.frame("child.links", panel, {"person_id": "c"})
    assert list(hidden["other_label"]) == ["P-x"] and hidden["other_full_name"].isna().all()
    shown = empty_store.frame("child.links", analyst_named, {"person_id": "c"})
    assert list(shown["other_label"]) == ["Ann Smith"]
    among = empty_store.frame("panel.links_among", panel, {"person_ids": ["c"]})
    assert list(among["source_label"]) == ["P-x"] and list(among["target_label"]) == ["P-c"]
    assert among["source_full_name"].isna().all()
    among = empty_store.frame("panel.links_among", analyst_named, {"person_ids": ["c"]})
    assert list(among["source_label"]) == ["Ann Smith"]
    assert list(among["target_label"]) == ["Ann Smith"]


def test_a_full_name_column_is_masked_even_when_a_query_forgets_it(panel: Viewer) -> None:
    spec = queries.QuerySpec(name="t.forgot", sql="", access=Access.PERSONAL,
                             description="a query that lists no restricted column")
    frame = pd.DataFrame({"pseudonym": ["P-1"], "child_label": ["P-1"],
                          "child_full_name": ["Ann Smith"]})
    masked = Store._mask(frame, spec, panel)
    assert masked["child_full_name"].isna().all()
    assert list(masked["child_label"]) == ["P-1"] and list(masked["label"]) == ["P-1"]
