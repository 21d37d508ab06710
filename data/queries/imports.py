"""Queries behind imports: ids to validate against, batches, quarantine, merge review."""

from __future__ import annotations

from data.queries import admin_only, personal, write

# -- ids the importers check references and duplicates against (run as the import system
#    viewer; ids only, no personal details) --------------------------------------------------
for _name, _sql in {
    "agency_ids": "SELECT agency_id AS id FROM agency",
    "place_ids": "SELECT place_id AS id FROM place",
    "person_ids": "SELECT person_id AS id FROM person",
    "incident_ids": "SELECT incident_id AS id FROM incident",
    "link_ids": "SELECT link_id AS id FROM link",
    "presence_ids": "SELECT presence_id AS id FROM presence",
}.items():
    admin_only(f"import.{_name}", f"Existing {_name.replace('_', ' ')} (import validation)", _sql)

admin_only("import.record_keys", "Agency references of person records (import validation)",
           sql="SELECT agency_id, local_ref, person_id FROM person_record")

# -- batches and quarantine --------------------------------------------------------------------
_BATCHES_SQL = """
    SELECT batch_id, imported_at, file_kind, file_name, agency_id, imported_by, role,
           total_rows, accepted_rows, rejected_rows,
           (SELECT count(*) FROM quarantine_row q
             WHERE q.batch_id = b.batch_id AND q.status = 'open') AS open_quarantine
    FROM import_batch b ORDER BY imported_at DESC, batch_id LIMIT $n
"""
# File names may name a person, so batches are not aggregate data: analysts and admins only.
personal("import.batches", "Import batches with their row counts", params=("n",),
         sql=_BATCHES_SQL)
admin_only("import.batches_admin", "Import batches with their row counts (administrators)",
           params=("n",), sql=_BATCHES_SQL)

# Rows with their raw contents (restricted) for panels and analysts; administrators see only
# why rows were rejected.
_QUARANTINE_SQL = """
    SELECT q.batch_id, b.file_name, q.row_number, q.columns, q.reasons, q.status{raw}
    FROM quarantine_row q JOIN import_batch b USING (batch_id)
    WHERE $batch_id = '' OR q.batch_id = $batch_id
    ORDER BY b.imported_at DESC, q.batch_id, q.row_number
"""
personal("import.quarantine", "Rejected import rows kept in quarantine", params=("batch_id",),
         restricted=("raw",), sql=_QUARANTINE_SQL.format(raw=", q.raw"))
admin_only("import.quarantine_reasons", "Why rows were quarantined (no row contents)",
           params=("batch_id",), sql=_QUARANTINE_SQL.format(raw=""))

write("import.resolve_quarantine_row", "Mark a quarantined row as dealt with",
      params=("batch_id", "row_number"), audit_action="update", sql="""
    UPDATE quarantine_row SET status = 'resolved'
    WHERE batch_id = $batch_id AND row_number = $row_number
""")

# -- record linkage and merge review ----------------------------------------------------------
personal("import.person_records", "Agencies' person records for record linkage",
         restricted=("given_name", "family_name", "date_of_birth", "postcode"), sql="""
    SELECT r.record_id, r.person_id, p.pseudonym, r.agency_id, r.local_ref,
           r.given_name, r.family_name, r.date_of_birth, r.postcode,
           coalesce(r.kind, p.kind, 'child') AS kind, r.recorded_date
    FROM person_record r LEFT JOIN person p USING (person_id)
    ORDER BY r.record_id
""")

personal("import.merge_decisions", "Decisions already made on candidate record matches", sql="""
    SELECT record_id_l, record_id_r, decision, match_probability, person_id, decided_by,
           decided_at
    FROM merge_decision ORDER BY decided_at DESC
""")

personal("import.record_pair", "Two person records under merge review",
         params=("record_l", "record_r"), sql="""
    SELECT record_id, person_id, agency_id, coalesce(kind, 'child') AS kind
    FROM person_record WHERE record_id IN ($record_l, $record_r) ORDER BY record_id
""")

write("import.set_record_person", "Confirm which person an agency record belongs to",
      params=("record_id", "person_id"), audit_action="update", sql="""
    UPDATE person_record SET person_id = $person_id
    WHERE record_id = $record_id AND (person_id IS NULL OR person_id = $person_id)
""")

write("import.person_from_record", "Register a new person from a confirmed agency record",
      params=("record_id", "person_id", "pseudonym"), audit_action="create", sql="""
    INSERT INTO person (person_id, pseudonym, kind, given_name, family_name, date_of_birth,
                        sex, source_agency, recorded_date)
    SELECT $person_id, $pseudonym, coalesce(kind, 'child'), given_name, family_name,
           date_of_birth, coalesce(sex, 'U'), agency_id, recorded_date
    FROM person_record WHERE record_id = $record_id
""")

write("import.record_merge_decision", "Record a merge review decision",
      params=("record_l", "record_r", "decision", "probability", "person_id", "actor", "at"),
      audit_action="create", sql="""
    INSERT INTO merge_decision VALUES ($record_l, $record_r, $decision, $probability,
                                       $person_id, $actor, $at)
""")
