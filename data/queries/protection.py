"""Data protection (administrators): subject access, deletion everywhere, retention review,
disproportionality counts.

Every query takes ``$person_id`` where it is about one person. The table list these cover is
:data:`services.protection.PERSON_REFERENCES`; a test fails when the schema gains a person
reference that list does not cover. Deletion statements take explicit id lists worked out
before anything is deleted (``$incident_ids``, ``$item_ids``, ``$record_ids`` of agency records
awaiting merge review, ``$quarantine_ids`` of quarantined import rows), so each statement
removes exactly the rows the plan counted.

Agency records awaiting merge review (``person_record.person_id`` still NULL) and quarantined
import rows (the raw row as JSON) name no person id, so they are found by what identifies the
person (:func:`_identifies`): at least two of their full name, date of birth (or with day and
month swapped) and postcode, compared as record linkage compares them (case, accents and
punctuation ignored), against the person's own record and every agency record of theirs. A
quarantined row naming their person id or an agency reference of theirs is theirs too.
"""

from __future__ import annotations

from data.queries import admin_only, write
from domain.access import Access

_PERSON = ("person_id",)


def _name_key(expr: str) -> str:
    """SQL: a name as record linkage compares it (lower case, no accents or punctuation)."""
    return (f"nullif(trim(lower(regexp_replace(strip_accents({expr}), "
            f"'[^A-Za-z'' -]', '', 'g'))), '')")


def _postcode_key(expr: str) -> str:
    """SQL: a postcode without spaces, upper case."""
    return f"nullif(upper(regexp_replace({expr}, '\\s', '', 'g')), '')"


# What is known to identify the person: their own record and every agency record of theirs.
# The CTE ``known`` (g, f, d, pc) is the start of each query below that matches by identity.
_KNOWN = f"""
    known AS (
        SELECT {_name_key('given_name')} AS g, {_name_key('family_name')} AS f,
               date_of_birth AS d, NULL::VARCHAR AS pc
        FROM person WHERE person_id = $person_id
        UNION ALL
        SELECT {_name_key('given_name')}, {_name_key('family_name')}, date_of_birth,
               {_postcode_key('postcode')}
        FROM person_record WHERE person_id = $person_id)
"""  # noqa: S608  (constant SQL fragments, no user input)


def _identifies(g: str, f: str, d: str, pc: str) -> str:
    """SQL: true when at least two of name (given and family), date of birth (or with day
    and month swapped) and postcode equal what is ``known`` about the person."""
    swapped = f"CASE WHEN day({d}) <= 12 THEN make_date(year({d}), day({d}), month({d})) END"
    return f"""(
        (CASE WHEN EXISTS (SELECT 1 FROM known k WHERE k.g = {g} AND k.f = {f})
              THEN 1 ELSE 0 END)
      + (CASE WHEN EXISTS (SELECT 1 FROM known k WHERE k.d = {d} OR k.d = {swapped})
              THEN 1 ELSE 0 END)
      + (CASE WHEN EXISTS (SELECT 1 FROM known k WHERE k.pc = {pc}) THEN 1 ELSE 0 END)
    ) >= 2"""  # noqa: S608  (constant SQL fragments, no user input)


def _raw(field: str) -> str:
    """SQL: one cell of a quarantined row's raw JSON (NULL when the JSON is unreadable)."""
    return f"CASE WHEN json_valid(q.raw) THEN json_extract_string(q.raw, '$.{field}') END"


_RAW_DOB = (f"coalesce(try_cast({_raw('date_of_birth')} AS DATE), "
            f"try_strptime({_raw('date_of_birth')}, '%d/%m/%Y')::DATE)")
_WORD = "'(^|[^A-Za-z0-9_-])' || regexp_escape({}) || '($|[^A-Za-z0-9_-])'"

_NAMES = ("given_name", "family_name", "date_of_birth", "full_name")


def _read(name: str, description: str, sql: str, *, params: tuple[str, ...] = _PERSON,
          restricted: tuple[str, ...] = (), on_audit_store: bool = False) -> None:
    admin_only(f"protection.{name}", description, sql, params=params, restricted=restricted,
               on_audit_store=on_audit_store)


def _write(name: str, description: str, sql: str, params: tuple[str, ...],
           action: str = "delete") -> None:
    write(f"protection.{name}", description, sql, params=params, audit_action=action,
          access=Access.ADMIN)


# -- choosing a person ------------------------------------------------------------------------

_read("people", "People held in the store", params=(), restricted=("full_name",), sql="""
    SELECT p.person_id, p.pseudonym, p.kind,
           p.given_name || ' ' || p.family_name AS full_name
    FROM person p ORDER BY p.kind, p.pseudonym
""")

# -- subject access: one query per section ------------------------------------------------------

_read("sar_person", "A person's own record", restricted=_NAMES + ("home_address",), sql="""
    SELECT p.person_id, p.pseudonym, p.kind, p.given_name, p.family_name,
           p.given_name || ' ' || p.family_name AS full_name, p.date_of_birth, p.age_years,
           p.sex, p.ethnicity, p.looked_after, p.additional_needs, p.role_title,
           s.name AS school, h.name AS home_address, p.source_agency, p.recorded_date
    FROM person p
    LEFT JOIN place s ON s.place_id = p.school_place_id
    LEFT JOIN place h ON h.place_id = p.home_place_id
    WHERE p.person_id = $person_id
""")

_read("sar_records", "A person's agency records", restricted=_NAMES + ("postcode",), sql="""
    SELECT r.record_id, r.agency_id, r.local_ref, r.given_name, r.family_name,
           r.date_of_birth, r.postcode, r.kind, r.sex, r.recorded_date
    FROM person_record r WHERE r.person_id = $person_id ORDER BY r.agency_id, r.record_id
""")

_read("sar_merge_decisions", "Record-linkage decisions about a person", sql="""
    SELECT m.record_id_l, m.record_id_r, m.decision, m.match_probability, m.decided_by,
           m.decided_at
    FROM merge_decision m
    WHERE m.person_id = $person_id
       OR m.record_id_l IN (SELECT record_id FROM person_record WHERE person_id = $person_id)
       OR m.record_id_r IN (SELECT record_id FROM person_record WHERE person_id = $person_id)
    ORDER BY m.decided_at
""")

_read("sar_concerns", "A person's concerns with review and end dates", sql="""
    SELECT c.concern_id, c.category, c.role, c.opened_on, c.closed_on, c.review_date,
           c.retention_until AS end_date, c.source_agency, c.recorded_date
    FROM concern c WHERE c.person_id = $person_id ORDER BY c.opened_on
""")

_read("sar_strengths", "A person's strengths", sql="""
    SELECT s.strength_id, s.kind, s.description, s.source_agency, s.recorded_date
    FROM strength s WHERE s.person_id = $person_id ORDER BY s.recorded_date
""")

_read("sar_vulnerabilities", "A person's vulnerabilities", sql="""
    SELECT v.vulnerability_id, v.kind, v.since, v.source_agency, v.recorded_date
    FROM vulnerability v WHERE v.person_id = $person_id ORDER BY v.recorded_date
""")

_read("sar_links", "A person's links, both directions, with provenance", sql="""
    SELECT l.link_id,
           CASE WHEN l.source_person_id = $person_id THEN 'from' ELSE 'to' END AS direction,
           o.pseudonym AS other_person, o.kind AS other_kind, l.kind, l.nature,
           l.first_seen, l.last_seen, l.source_agency, l.recorded_date, l.grading_source,
           l.grading_intel, l.grading_handling, l.verified,
           array_to_string(l.evidence, ' ') AS evidence
    FROM link l
    JOIN person o ON o.person_id = CASE WHEN l.source_person_id = $person_id
                                        THEN l.target_person_id ELSE l.source_person_id END
    WHERE $person_id IN (l.source_person_id, l.target_person_id)
    ORDER BY l.first_seen, l.link_id
""")

_HOME = "CASE WHEN pl.kind = 'home' THEN 'Home' ELSE pl.name END AS place_name, " \
        "CASE WHEN pl.kind = 'home' THEN pl.name END AS home_address"

_read("sar_presences", "Where a person was recorded", restricted=("home_address",), sql=f"""
    SELECT pr.presence_id, pr.kind, pr.seen_at, pl.place_id, pl.kind AS place_kind, {_HOME},
           pl.ward_code, pr.source_agency, pr.recorded_date,
           pr.grading_source, pr.grading_intel, pr.grading_handling, pr.incident_id
    FROM presence pr JOIN place pl USING (place_id)
    WHERE pr.person_id = $person_id ORDER BY pr.seen_at
""")  # noqa: S608  (a constant CASE expression, no user input)

_read("sar_incidents", "Incidents a person appears in, with their role",
      restricted=("narrative", "child_words", "home_address"), sql=f"""
    SELECT i.incident_id, ip.role, i.occurred_at, i.kind, i.harm_context, i.place_id, {_HOME},
           i.agency_id AS source_agency, i.recorded_date,
           array_to_string(i.indicators, ' ') AS indicators, i.narrative, i.child_words,
           i.grading_source, i.grading_intel, i.grading_handling,
           (SELECT count(*) FROM incident_person o
             WHERE o.incident_id = i.incident_id AND o.person_id <> $person_id)
             AS other_people
    FROM incident_person ip JOIN incident i USING (incident_id)
    LEFT JOIN place pl ON pl.place_id = i.place_id
    WHERE ip.person_id = $person_id ORDER BY i.occurred_at
""")  # noqa: S608  (a constant CASE expression, no user input)

_read("sar_groups", "A person's peer-group memberships", sql="""
    SELECT g.group_id, g.name AS group_name, gm.start_date, gm.end_date, gm.source_agency,
           gm.recorded_date
    FROM group_membership gm JOIN peer_group g USING (group_id)
    WHERE gm.person_id = $person_id ORDER BY gm.start_date
""")

_read("sar_agenda", "Panel agenda items about a person", sql="""
    SELECT a.item_id, a.meeting_id, m.held_on, a.reason, a.status,
           (SELECT d.decision FROM item_decision d WHERE d.item_id = a.item_id
            ORDER BY d.recorded_at DESC LIMIT 1) AS decision
    FROM agenda_item a JOIN meeting m USING (meeting_id)
    WHERE a.subject_kind IN ('child', 'person') AND a.subject_id = $person_id
    ORDER BY m.held_on
""")

_read("sar_actions", "Panel actions on agenda items about a person", sql="""
    SELECT ac.action_id, ac.meeting_id, ac.item_id, ac.plan, ac.tactic, ac.description,
           ac.owner_name, ac.owner_role, ac.owner_agency, ac.due_date, ac.review_date,
           ac.status, ac.created_by
    FROM action ac JOIN agenda_item a USING (item_id)
    WHERE a.subject_kind IN ('child', 'person') AND a.subject_id = $person_id
    ORDER BY ac.due_date
""")

_read("sar_assessments", "Assessments of peer groups a person belongs to", sql="""
    SELECT s.assessment_id, s.subject_kind, s.subject_id, s.domain, s.body, s.source_agency,
           s.assessed_on, s.created_by
    FROM assessment s
    WHERE s.subject_kind = 'group' AND s.subject_id IN
          (SELECT group_id FROM group_membership WHERE person_id = $person_id)
    ORDER BY s.assessed_on
""")

# Who it was shared with: every audit event naming the person (in its people, or as its
# object), read from the audit store. Events moved there from before events had types keep
# the ids of the people their old text named (data/store.py), never the text.
_read("sar_audit", "Who viewed, searched or disclosed a person's data", on_audit_store=True,
      sql="""
    SELECT e.event_id, e.occurred_at, e.actor, e.role, e.event_type, e.object_kind,
           e.object_id, e.purpose, array_to_string(e.recipients, '; ') AS recipients, e.fields
    FROM audit_event e
    WHERE list_contains(e.person_ids, $person_id)
       OR (e.object_kind = 'person' AND e.object_id = $person_id)
    ORDER BY e.event_id
""")

# -- deletion: the plan (counts), then the statements -----------------------------------------

_read("delete_plan_incidents", "Incidents only this person appears in", sql="""
    SELECT incident_id FROM incident_person GROUP BY incident_id
    HAVING bool_and(person_id = $person_id)
""")

_read("delete_plan_items", "Agenda items about this person", sql="""
    SELECT item_id FROM agenda_item
    WHERE subject_kind IN ('child', 'person') AND subject_id = $person_id
""")

_read("delete_plan_records", "Agency records awaiting merge review that identify this person",
      sql=f"""
    WITH {_KNOWN}
    SELECT r.record_id FROM person_record r
    WHERE r.person_id IS NULL AND {_identifies(_name_key('r.given_name'),
                                               _name_key('r.family_name'), 'r.date_of_birth',
                                               _postcode_key('r.postcode'))}
    ORDER BY r.record_id
""")  # noqa: S608  (constant SQL fragments, no user input)

_read("delete_plan_quarantine", "Quarantined import rows that identify this person", sql=f"""
    WITH {_KNOWN}
    SELECT q.batch_id || '#' || q.row_number AS quarantine_id FROM quarantine_row q
    WHERE regexp_matches(q.raw, {_WORD.format('$person_id')})
       OR EXISTS (SELECT 1 FROM person_record r WHERE r.person_id = $person_id
                  AND regexp_matches(q.raw, {_WORD.format('r.local_ref')}))
       OR {_identifies(_name_key(_raw('given_name')), _name_key(_raw('family_name')),
                       _RAW_DOB, _postcode_key(_raw('postcode')))}
    ORDER BY q.batch_id, q.row_number
""")  # noqa: S608  (constant SQL fragments, no user input)

_read("delete_counts", "Rows per table that deletion would remove",
      params=("person_id", "incident_ids", "item_ids", "record_ids", "quarantine_ids"), sql="""
    SELECT 'person' AS "table", count(*) AS n FROM person WHERE person_id = $person_id
    UNION ALL SELECT 'person_record', count(*) FROM person_record
        WHERE person_id = $person_id OR list_contains($record_ids, record_id)
    UNION ALL SELECT 'merge_decision', count(*) FROM merge_decision m
        WHERE m.person_id = $person_id
           OR m.record_id_l IN (SELECT record_id FROM person_record WHERE person_id = $person_id)
           OR m.record_id_r IN (SELECT record_id FROM person_record WHERE person_id = $person_id)
           OR list_contains($record_ids, m.record_id_l)
           OR list_contains($record_ids, m.record_id_r)
    UNION ALL SELECT 'quarantine_row', count(*) FROM quarantine_row
        WHERE list_contains($quarantine_ids, batch_id || '#' || row_number)
    UNION ALL SELECT 'group_membership', count(*) FROM group_membership
        WHERE person_id = $person_id
    UNION ALL SELECT 'link', count(*) FROM link
        WHERE $person_id IN (source_person_id, target_person_id)
    UNION ALL SELECT 'presence', count(*) FROM presence WHERE person_id = $person_id
    UNION ALL SELECT 'incident_person', count(*) FROM incident_person
        WHERE person_id = $person_id OR list_contains($incident_ids, incident_id)
    UNION ALL SELECT 'incident', count(*) FROM incident
        WHERE list_contains($incident_ids, incident_id)
    UNION ALL SELECT 'concern', count(*) FROM concern WHERE person_id = $person_id
    UNION ALL SELECT 'strength', count(*) FROM strength WHERE person_id = $person_id
    UNION ALL SELECT 'vulnerability', count(*) FROM vulnerability WHERE person_id = $person_id
    UNION ALL SELECT 'agenda_item', count(*) FROM agenda_item
        WHERE list_contains($item_ids, item_id)
    UNION ALL SELECT 'action', count(*) FROM action WHERE list_contains($item_ids, item_id)
    UNION ALL SELECT 'item_decision', count(*) FROM item_decision
        WHERE list_contains($item_ids, item_id)
    UNION ALL SELECT 'planted_truth', count(*) FROM planted_truth WHERE object_id = $person_id
""")

_P = ("person_id",)
_PR = ("person_id", "record_ids")
_PI = ("person_id", "incident_ids")
_I = ("incident_ids",)
_IT = ("item_ids",)

# Phase 1 (one transaction): every row that refers to the person, and what their incidents
# left in other people's rows. Order matters only within the SQL of each statement.
_write("unlink_evidence", "Remove deleted incidents from other links' evidence", """
    UPDATE link SET evidence = list_filter(evidence, lambda x: NOT list_contains($incident_ids, x))
    WHERE len(list_intersect(evidence, $incident_ids)) > 0
""", _I, action="update")
_write("unlink_presences", "Detach other people's presences from deleted incidents", """
    UPDATE presence SET incident_id = NULL
    WHERE list_contains($incident_ids, incident_id) AND person_id <> $person_id
""", _PI, action="update")
_write("delete_merge_decisions", "Delete a person's record-linkage decisions", """
    DELETE FROM merge_decision
    WHERE person_id = $person_id
       OR record_id_l IN (SELECT record_id FROM person_record WHERE person_id = $person_id)
       OR record_id_r IN (SELECT record_id FROM person_record WHERE person_id = $person_id)
       OR list_contains($record_ids, record_id_l) OR list_contains($record_ids, record_id_r)
""", _PR)
_write("delete_records", "Delete a person's agency records, and those awaiting merge review "
       "that identify them", """
    DELETE FROM person_record
    WHERE person_id = $person_id OR (person_id IS NULL AND list_contains($record_ids, record_id))
""", _PR)
_write("delete_quarantine", "Delete quarantined import rows that identify a person", """
    DELETE FROM quarantine_row
    WHERE list_contains($quarantine_ids, batch_id || '#' || row_number)
""", ("quarantine_ids",))
_write("delete_groups", "Delete a person's group memberships",
       "DELETE FROM group_membership WHERE person_id = $person_id", _P)
_write("delete_links", "Delete a person's links",
       "DELETE FROM link WHERE $person_id IN (source_person_id, target_person_id)", _P)
_write("delete_presences", "Delete a person's presences",
       "DELETE FROM presence WHERE person_id = $person_id", _P)
_write("delete_incident_people", "Delete a person's part in incidents", """
    DELETE FROM incident_person
    WHERE person_id = $person_id OR list_contains($incident_ids, incident_id)
""", _PI)
_write("delete_concerns", "Delete a person's concerns",
       "DELETE FROM concern WHERE person_id = $person_id", _P)
_write("delete_strengths", "Delete a person's strengths",
       "DELETE FROM strength WHERE person_id = $person_id", _P)
_write("delete_vulnerabilities", "Delete a person's vulnerabilities",
       "DELETE FROM vulnerability WHERE person_id = $person_id", _P)
_write("delete_actions", "Delete actions on agenda items about a person",
       "DELETE FROM action WHERE list_contains($item_ids, item_id)", _IT)
_write("delete_decisions", "Delete decisions on agenda items about a person",
       "DELETE FROM item_decision WHERE list_contains($item_ids, item_id)", _IT)
_write("delete_planted", "Delete generator truth about a person",
       "DELETE FROM planted_truth WHERE object_id = $person_id", _P)
# The purpose typed for an erasure may name the person. Every spelling of the person held
# here (their record and every agency record of theirs, including those awaiting merge
# review), given and family names alone, full names either way round, dates of birth as typed
# and postcodes, and the pseudonym, are redacted from it, case-insensitively and as whole
# words. It runs first in phase 1, while the names are still there to look up. (The audit
# store is append-only and never redacted: its purposes and recipients have full names
# replaced by pseudonyms when written, and events hold ids, not text: data/store.py.)
_TERMS = """
    WITH parts AS (
        SELECT given_name AS g, family_name AS f, date_of_birth AS d, NULL::VARCHAR AS pc
        FROM person WHERE person_id = $person_id
        UNION ALL
        SELECT given_name, family_name, date_of_birth, postcode FROM person_record
        WHERE person_id = $person_id OR list_contains($record_ids, record_id)),
    terms AS (
        SELECT DISTINCT trim(t) AS t FROM parts, unnest([
            g || ' ' || f, f || ' ' || g, f || ', ' || g, g, f, strftime(d, '%Y-%m-%d'),
            strftime(d, '%d/%m/%Y'), pc, regexp_replace(pc, '\\s', '', 'g')]) AS u(t)
        UNION SELECT pseudonym FROM person WHERE person_id = $person_id),
    rx AS (
        SELECT '(?i)(^|[^\\pL\\pN])(' || string_agg(regexp_escape(t), '|'
               ORDER BY length(t) DESC, t) || ')([^\\pL\\pN]|$)' AS pattern
        FROM terms WHERE length(t) >= 2)
"""


def _redacted(expr: str) -> str:
    """SQL: ``expr`` with every term of ``rx.pattern`` replaced (twice, for adjacent ones)."""
    once = f"regexp_replace({expr}, rx.pattern, '\\1[deleted person]\\3', 'g')"
    return f"regexp_replace({once}, rx.pattern, '\\1[deleted person]\\3', 'g')"


_write("redact_erasure_purpose", "Redact a person's names from the purpose of their erasure",
       f"""
    {_TERMS}
    UPDATE erasure SET purpose = {_redacted('erasure.purpose')}
    FROM rx WHERE rx.pattern IS NOT NULL AND erasure.person_id = $person_id
""", _PR, action="update")  # noqa: S608  (constant SQL fragments, no user input)
# Non-key columns can change in the same transaction (DuckDB refuses only key changes of
# referenced rows), so phase 1 already leaves nothing but the id and pseudonym.
_write("blank_person", "Blank a person's identifying details", """
    UPDATE person SET given_name = NULL, family_name = NULL, date_of_birth = NULL,
        age_years = NULL, ethnicity = NULL, role_title = NULL, looked_after = FALSE,
        additional_needs = FALSE, sex = 'U'
    WHERE person_id = $person_id
""", _P, action="update")

# Phase 2 (after phase 1 commits): rows other rows referred to. DuckDB refuses to delete a
# row whose references were deleted in the same transaction, hence a second transaction.
_write("delete_items", "Delete agenda items about a person",
       "DELETE FROM agenda_item WHERE list_contains($item_ids, item_id)", _IT)
_write("delete_incidents", "Delete incidents only this person appeared in",
       "DELETE FROM incident WHERE list_contains($incident_ids, incident_id)", _I)
_write("delete_person", "Delete a person",
       "DELETE FROM person WHERE person_id = $person_id", _P)

# -- retention review -------------------------------------------------------------------------

# Review is due on open concerns whose review date has passed; a closed concern is listed
# only once its end (retention) date has passed.
_read("retention", "Concerns past their review or end date", params=("as_of",), sql="""
    SELECT c.concern_id, p.person_id, p.pseudonym, p.kind, c.category, c.role, c.opened_on,
           c.closed_on, c.review_date, c.retention_until AS end_date,
           c.retention_until < $as_of AS past_end,
           c.review_date < $as_of AND (c.closed_on IS NULL OR c.closed_on > $as_of)
             AS review_due,
           c.source_agency
    FROM concern c JOIN person p USING (person_id)
    WHERE c.retention_until < $as_of
       OR (c.review_date < $as_of AND (c.closed_on IS NULL OR c.closed_on > $as_of))
    ORDER BY past_end DESC, c.review_date, p.pseudonym
""")

_write("extend_concern", "Extend a concern's review and end dates", """
    UPDATE concern SET review_date = $review_date, retention_until = $end_date
    WHERE concern_id = $concern_id
""", ("concern_id", "review_date", "end_date"), action="update")

# -- disproportionality -----------------------------------------------------------------------

_read("equality_people", "Sex, ethnicity, age and open concern per person (no ids)",
      params=("as_of",), sql="""
    SELECT p.kind, p.sex, p.ethnicity, p.age_years,
           EXISTS (SELECT 1 FROM concern c WHERE c.person_id = p.person_id
                     AND c.opened_on <= $as_of
                     AND (c.closed_on IS NULL OR c.closed_on > $as_of)) AS open_concern
    FROM person p
""")

# Phase 3 (after phase 2 commits): the person's home, when nothing else refers to it (a home
# shared by a household stays while anyone else lives there or is recorded there).
_read("home_place", "A person's home place", sql="""
    SELECT pl.place_id FROM person p JOIN place pl ON pl.place_id = p.home_place_id
    WHERE p.person_id = $person_id AND pl.kind = 'home'
""")
_write("delete_home", "Delete a home no one else refers to", """
    DELETE FROM place pl
    WHERE pl.place_id = $place_id AND pl.kind = 'home'
      AND NOT EXISTS (SELECT 1 FROM person p
                      WHERE $place_id IN (p.home_place_id, p.school_place_id))
      AND NOT EXISTS (SELECT 1 FROM presence pr WHERE pr.place_id = $place_id)
      AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.place_id = $place_id)
""", ("place_id",))
_read("place_exists", "Whether a place is still held", params=("place_id",),
      sql="SELECT place_id FROM place WHERE place_id = $place_id")

# -- the erasure in progress (resumable; see services.protection.erase_person) ----------------

_read("erasure_pending", "An erasure started and not finished", params=(), sql="""
    SELECT person_id, pseudonym, step, plan, requested_by, purpose, started_at
    FROM erasure ORDER BY started_at
""")
_write("erasure_start", "Record that an erasure has started (ids and counts only)", """
    INSERT INTO erasure VALUES ($person_id, $pseudonym, 'planned', $plan, $requested_by,
                                $purpose, $started_at)
""", ("person_id", "pseudonym", "plan", "requested_by", "purpose", "started_at"),
       action="create")
_write("erasure_step", "Record the step an erasure has reached", """
    UPDATE erasure SET step = $step WHERE person_id = $person_id
""", ("person_id", "step"), action="update")
