"""Queries and write statements behind the Panel page: meetings, agenda, actions, assessments.

Reads feed the agenda suggestions (:mod:`analytics.agenda`) and the one-screen item
summaries; writes are registered statements run through ``Store.execute`` (audited). Ids and
timestamps are made by :mod:`data.meetings`, which pages call.
"""

from __future__ import annotations

from data.queries import (
    action_open_sql,
    full_name,
    grading_sql,
    insert,
    personal,
    safe_place_name,
    write,
)

_SAFE = safe_place_name("pl")

# A readable label for an agenda subject: pseudonym, place name or group name.
_SUBJECT_LABEL = """
    CASE ai.subject_kind
      WHEN 'child' THEN (SELECT pseudonym FROM person WHERE person_id = ai.subject_id)
      WHEN 'person' THEN (SELECT pseudonym FROM person WHERE person_id = ai.subject_id)
      WHEN 'place' THEN (SELECT SAFE_NAME FROM place p_subj
                         WHERE p_subj.place_id = ai.subject_id)
      WHEN 'group' THEN (SELECT name FROM peer_group WHERE group_id = ai.subject_id)
    END
"""
_SUBJECT_LABEL = _SUBJECT_LABEL.replace("SAFE_NAME",
                                       safe_place_name("p_subj", home="'Home address'"))
_SUBJECT_NAME = """
    CASE WHEN ai.subject_kind IN ('child', 'person') THEN
      (SELECT given_name || ' ' || family_name FROM person WHERE person_id = ai.subject_id)
    END
"""

# -- reads ---------------------------------------------------------------------------------

personal("panel.meetings", "Panel meetings", sql=f"""
    SELECT m.meeting_id, m.held_on, m.title, m.created_by, m.created_at, m.next_held_on,
           (SELECT count(*) FROM agenda_item ai WHERE ai.meeting_id = m.meeting_id
              AND ai.status = 'accepted') AS items,
           (SELECT count(*) FROM action x WHERE x.meeting_id = m.meeting_id
              AND {action_open_sql("x")}) AS open_actions
    FROM meeting m ORDER BY m.held_on DESC, m.created_at DESC
""")  # noqa: S608  (constant SQL fragment)

personal("panel.meeting", "One panel meeting", params=("meeting_id",),
         sql="SELECT meeting_id, held_on, title, created_by, created_at, next_held_on "
             "FROM meeting WHERE meeting_id = $meeting_id")

personal("panel.attendees", "Who attended a meeting (or sent apologies)",
         params=("meeting_id",), sql="""
    SELECT t.attendee_id, t.name, t.role, t.agency_id, a.name AS agency_name, t.attendance,
           t.recorded_by, t.recorded_at
    FROM meeting_attendee t JOIN agency a USING (agency_id)
    WHERE t.meeting_id = $meeting_id ORDER BY t.attendance DESC, a.name, t.name
""")

personal("panel.previous_meeting", "The meeting before a date", params=("held_on",),
         sql="SELECT meeting_id, held_on FROM meeting WHERE held_on < $held_on "
             "ORDER BY held_on DESC LIMIT 1")

# An item's decision is its newest saved wording; its language flags are the reason's, then
# those of every wording of the decision (kept on record when the wording changes).
personal("panel.items", "A meeting's agenda items", params=("meeting_id",),
         restricted=("full_name",), sql=f"""
    SELECT ai.item_id, ai.meeting_id, ai.subject_kind, ai.subject_id,
           {_SUBJECT_LABEL} AS pseudonym, {_SUBJECT_NAME} AS full_name, ai.reason, ai.status,
           ai.position,
           (SELECT d.decision FROM item_decision d WHERE d.item_id = ai.item_id
            ORDER BY d.recorded_at DESC, d.decision_id DESC LIMIT 1) AS decision,
           list_concat(ai.language_flags, coalesce((
               SELECT list(f.flag ORDER BY f.first_at, f.first_pos)
               FROM (SELECT u.flag, min(u.at) AS first_at, min(u.pos) AS first_pos
                     FROM (SELECT unnest(d.language_flags) AS flag, d.recorded_at AS at,
                                  generate_subscripts(d.language_flags, 1) AS pos
                           FROM item_decision d WHERE d.item_id = ai.item_id) u
                     GROUP BY u.flag) f
               WHERE NOT list_contains(ai.language_flags, f.flag)), [])) AS language_flags
    FROM agenda_item ai WHERE ai.meeting_id = $meeting_id
    ORDER BY ai.position, ai.item_id
""")  # noqa: S608  (constant SQL fragments)

personal("panel.decisions", "Every saved wording of an item's decision", params=("item_id",),
         sql="""
    SELECT decision_id, decision, language_flags, recorded_by, recorded_at
    FROM item_decision WHERE item_id = $item_id ORDER BY recorded_at DESC, decision_id DESC
""")

_ACTION_COLUMNS = f"""
    x.action_id, x.meeting_id, m.held_on, x.item_id, x.plan, x.tactic, x.description,
    x.owner_name, x.owner_role, x.owner_agency, a.name AS owner_agency_name, x.due_date,
    x.review_date, x.status,
    x.created_by, x.created_at, x.language_flags, ai.subject_kind,
    {_SUBJECT_LABEL} AS subject
"""

personal("panel.actions", "A meeting's decisions and actions", params=("meeting_id",), sql=f"""
    SELECT {_ACTION_COLUMNS}
    FROM action x JOIN meeting m USING (meeting_id)
    JOIN agency a ON a.agency_id = x.owner_agency
    LEFT JOIN agenda_item ai ON ai.item_id = x.item_id
    WHERE x.meeting_id = $meeting_id ORDER BY x.due_date, x.action_id
""")  # noqa: S608

personal("panel.action", "One action", params=("action_id",), sql=f"""
    SELECT {_ACTION_COLUMNS}
    FROM action x JOIN meeting m USING (meeting_id)
    JOIN agency a ON a.agency_id = x.owner_agency
    LEFT JOIN agenda_item ai ON ai.item_id = x.item_id
    WHERE x.action_id = $action_id
""")  # noqa: S608

personal("panel.open_actions", "Open actions from every meeting", sql=f"""
    SELECT {_ACTION_COLUMNS}
    FROM action x JOIN meeting m USING (meeting_id)
    JOIN agency a ON a.agency_id = x.owner_agency
    LEFT JOIN agenda_item ai ON ai.item_id = x.item_id
    WHERE {action_open_sql("x")} ORDER BY x.due_date, x.action_id
""")  # noqa: S608

personal("panel.subject_actions", "Actions about one agenda subject across meetings",
         params=("subject_kind", "subject_id"), sql=f"""
    SELECT {_ACTION_COLUMNS}
    FROM action x JOIN meeting m USING (meeting_id)
    JOIN agency a ON a.agency_id = x.owner_agency
    JOIN agenda_item ai ON ai.item_id = x.item_id
    WHERE ai.subject_kind = $subject_kind AND ai.subject_id = $subject_id
    ORDER BY x.due_date, x.action_id
""")  # noqa: S608

personal("panel.assessments", "Peer-group and location assessments",
         params=("subject_kind", "subject_id"), sql="""
    SELECT s.assessment_id, s.domain, s.body, s.source_agency, a.name AS source_name,
           s.assessed_on, s.created_by, s.language_flags
    FROM assessment s JOIN agency a ON a.agency_id = s.source_agency
    WHERE s.subject_kind = $subject_kind AND s.subject_id = $subject_id
    ORDER BY s.assessed_on DESC, s.domain
""")

personal("panel.places", "Places and online spaces to choose from", sql=f"""
    SELECT pl.place_id, {_SAFE} AS name, pl.kind, w.name AS ward, pl.guardianship
    FROM place pl LEFT JOIN ward w USING (ward_code)
    WHERE pl.kind <> 'home' ORDER BY name
""")  # noqa: S608  (constant SQL fragment, parameters bound)

personal("panel.groups", "Peer groups to choose from", sql="""
    SELECT g.group_id, g.name,
           (SELECT count(*) FROM group_membership m WHERE m.group_id = g.group_id
              AND m.end_date IS NULL) AS members
    FROM peer_group g ORDER BY g.name
""")

# -- agenda suggestion inputs -------------------------------------------------------------

personal("panel.new_concerns", "Children's concerns opened in a period", params=("since", "as_of"),
         sql="""
    SELECT c.person_id, p.pseudonym, c.category, c.opened_on, a.name AS source_agency
    FROM concern c JOIN person p USING (person_id)
    JOIN agency a ON a.agency_id = c.source_agency
    WHERE p.kind = 'child' AND c.opened_on > $since AND c.opened_on <= $as_of
    ORDER BY c.opened_on
""")

personal("panel.recent_child_incidents",
         "Full incident history of children with a recent incident or adult link",
         params=("since", "as_of"), sql="""
    WITH recent AS (
        SELECT ip.person_id FROM incident_person ip JOIN incident i USING (incident_id)
        WHERE i.occurred_at > $since AND i.occurred_at <= $as_of + INTERVAL 1 DAY
        UNION
        SELECT CASE WHEN s.kind = 'child' THEN l.source_person_id
                    ELSE l.target_person_id END
        FROM link l JOIN person s ON s.person_id = l.source_person_id
        JOIN person t ON t.person_id = l.target_person_id
        WHERE l.first_seen > $since AND l.first_seen <= $as_of
          AND ((s.kind = 'child' AND t.kind = 'adult_of_concern')
            OR (t.kind = 'child' AND s.kind = 'adult_of_concern'))
    )
    SELECT ip.person_id, p.pseudonym, i.incident_id, i.occurred_at, i.kind,
           i.harm_context, i.agency_id, a.name AS agency_name
    FROM recent JOIN incident_person ip USING (person_id)
    JOIN person p ON p.person_id = ip.person_id AND p.kind = 'child'
    JOIN incident i USING (incident_id)
    JOIN agency a ON a.agency_id = i.agency_id
    WHERE i.occurred_at <= $as_of + INTERVAL 1 DAY
    ORDER BY ip.person_id, i.occurred_at
""")

personal("panel.child_adult_links", "Links between children and adults of concern",
         params=("as_of",), sql="""
    SELECT c.person_id AS child_id, c.pseudonym AS child_label, l.link_id,
           o.person_id AS other_id, o.pseudonym AS other_label, o.kind AS other_kind,
           l.kind, l.nature, l.first_seen, l.source_agency, a.name AS source_agency_name,
           l.recorded_date, l.grading_source, l.grading_intel, l.grading_handling,
           l.verified
    FROM link l
    JOIN person s ON s.person_id = l.source_person_id
    JOIN person t ON t.person_id = l.target_person_id
    JOIN person c ON c.person_id = CASE WHEN s.kind = 'child' THEN s.person_id
                                        ELSE t.person_id END
    JOIN person o ON o.person_id = CASE WHEN s.kind = 'child' THEN t.person_id
                                        ELSE s.person_id END
    JOIN agency a ON a.agency_id = l.source_agency
    WHERE c.kind = 'child' AND o.kind = 'adult_of_concern' AND l.first_seen <= $as_of
    ORDER BY l.first_seen
""")

personal("panel.place_incidents", "Incidents involving children at places (not homes)",
         params=("start", "as_of"), sql=f"""
    SELECT pl.place_id, {_SAFE} AS label, i.incident_id, ip.person_id, i.occurred_at
    FROM incident i JOIN place pl USING (place_id)
    JOIN incident_person ip USING (incident_id)
    JOIN person p ON p.person_id = ip.person_id AND p.kind = 'child'
    WHERE pl.kind <> 'home' AND i.occurred_at > $start
      AND i.occurred_at <= $as_of + INTERVAL 1 DAY
""")  # noqa: S608  (constant SQL fragment, parameters bound)

personal("panel.group_adult_links",
         "Peer groups whose members were newly linked to adults of concern",
         params=("since", "as_of"), sql="""
    SELECT g.group_id, g.name AS group_label, o.pseudonym AS adult_label,
           c.pseudonym AS child_label, l.first_seen
    FROM group_membership m JOIN peer_group g USING (group_id)
    JOIN person c ON c.person_id = m.person_id
    JOIN link l ON c.person_id IN (l.source_person_id, l.target_person_id)
    JOIN person o ON o.person_id = CASE WHEN l.source_person_id = c.person_id
                                        THEN l.target_person_id ELSE l.source_person_id END
    WHERE o.kind = 'adult_of_concern' AND l.first_seen > $since AND l.first_seen <= $as_of
      AND m.start_date <= $as_of AND (m.end_date IS NULL OR m.end_date >= l.first_seen)
    ORDER BY l.first_seen
""")

# -- persons of concern and items joined up -------------------------------------------------

personal("panel.adults_of_concern", "Adults of concern to put on an agenda",
         restricted=("full_name",), sql=f"""
    WITH ends AS (
        SELECT source_person_id AS person_id, target_person_id AS other_id FROM link
        UNION ALL
        SELECT target_person_id, source_person_id FROM link
    )
    SELECT p.person_id, p.pseudonym, {full_name()} AS full_name,
           count(DISTINCT c.person_id) AS children
    FROM person p
    LEFT JOIN ends e ON e.person_id = p.person_id
    LEFT JOIN person c ON c.person_id = e.other_id AND c.kind = 'child'
    WHERE p.kind = 'adult_of_concern'
    GROUP BY ALL ORDER BY children DESC, p.pseudonym
""")  # noqa: S608  (constant SQL fragments)

personal("panel.person_profile", "An adult of concern's profile for a person item",
         params=("person_id",), restricted=("full_name", "date_of_birth"), sql=f"""
    SELECT p.person_id, p.pseudonym, {full_name()} AS full_name, p.date_of_birth,
           p.age_years, p.sex, p.role_title, a.name AS source_agency_name, p.recorded_date
    FROM person p LEFT JOIN agency a ON a.agency_id = p.source_agency
    WHERE p.person_id = $person_id AND p.kind = 'adult_of_concern'
""")  # noqa: S608  (constant SQL fragments)

_OTHER = "CASE WHEN l.source_person_id = {who} THEN l.target_person_id ELSE l.source_person_id END"
_CTX_PLACE = safe_place_name("pl")

# What each accepted item of a meeting touches: adults of concern and places (no homes, no
# schools), so items that share one are shown together.
personal("panel.item_contexts", "Adults of concern and places each agenda item touches",
         params=("meeting_id",), sql=f"""
    WITH items AS (
        SELECT item_id, subject_kind, subject_id FROM agenda_item
        WHERE meeting_id = $meeting_id AND status = 'accepted'
    ), adults AS (
        SELECT it.item_id, o.person_id AS context_id, o.pseudonym AS context_label
        FROM items it JOIN link l ON it.subject_kind = 'child'
             AND it.subject_id IN (l.source_person_id, l.target_person_id)
        JOIN person o ON o.person_id = {_OTHER.format(who="it.subject_id")}
        WHERE o.kind = 'adult_of_concern'
        UNION
        SELECT it.item_id, p.person_id, p.pseudonym FROM items it
        JOIN person p ON p.person_id = it.subject_id WHERE it.subject_kind = 'person'
        UNION
        SELECT it.item_id, o.person_id, o.pseudonym
        FROM items it JOIN group_membership gm ON it.subject_kind = 'group'
             AND gm.group_id = it.subject_id AND gm.end_date IS NULL
        JOIN link l ON gm.person_id IN (l.source_person_id, l.target_person_id)
        JOIN person o ON o.person_id = {_OTHER.format(who="gm.person_id")}
        WHERE o.kind = 'adult_of_concern'
        UNION
        SELECT it.item_id, p.person_id, p.pseudonym
        FROM items it JOIN presence pr ON it.subject_kind = 'place'
             AND pr.place_id = it.subject_id
        JOIN person p ON p.person_id = pr.person_id AND p.kind = 'adult_of_concern'
    ), places AS (
        SELECT it.item_id, pl.place_id AS context_id, {_CTX_PLACE} AS context_label
        FROM items it JOIN place pl ON it.subject_kind = 'place' AND pl.place_id = it.subject_id
        UNION
        SELECT it.item_id, pl.place_id, {_CTX_PLACE}
        FROM items it JOIN presence pr ON it.subject_kind IN ('child', 'person')
             AND pr.person_id = it.subject_id
             AND pr.kind IN ('found_at_after_missing', 'harmed_at', 'seen_at', 'frequents')
        JOIN place pl ON pl.place_id = pr.place_id
        WHERE pl.kind NOT IN ('home', 'school')
        UNION
        SELECT it.item_id, pl.place_id, {_CTX_PLACE}
        FROM items it JOIN incident_person ip ON it.subject_kind IN ('child', 'person')
             AND ip.person_id = it.subject_id
        JOIN incident i ON i.incident_id = ip.incident_id AND i.harm_context = 'extra_familial'
        JOIN place pl ON pl.place_id = i.place_id
        WHERE pl.kind NOT IN ('home', 'school')
    )
    SELECT item_id, 'adult' AS context_kind, context_id, context_label FROM adults
    UNION ALL
    SELECT item_id, 'place', context_id, context_label FROM places
    ORDER BY item_id, context_kind, context_label
""")  # noqa: S608  (constant SQL fragments)

# -- item summaries: places, groups, map and network extracts -----------------------------

personal("panel.place_profile", "A place's profile for a location item", params=("place_id",),
         sql=f"""
    SELECT pl.place_id, {_SAFE} AS name, pl.kind, pl.platform, pl.guardianship,
           w.name AS ward,
           pl.ward_code, pl.lon, pl.lat, a.name AS source_agency, pl.recorded_date
    FROM place pl LEFT JOIN ward w USING (ward_code)
    JOIN agency a ON a.agency_id = pl.source_agency
    WHERE pl.place_id = $place_id AND pl.kind <> 'home'
""")  # noqa: S608  (constant SQL fragment, parameters bound)

personal("panel.place_incidents_detail", "Incidents at one place", params=("place_id",), sql="""
    SELECT i.incident_id, i.occurred_at, i.kind, i.harm_context, i.agency_id,
           a.name AS agency_name, i.indicators, i.recorded_date, i.grading_source,
           i.grading_intel, i.grading_handling,
           (SELECT count(DISTINCT ip.person_id) FROM incident_person ip
              JOIN person p USING (person_id)
              WHERE ip.incident_id = i.incident_id AND p.kind = 'child') AS children
    FROM incident i JOIN agency a ON a.agency_id = i.agency_id
    WHERE i.place_id = $place_id ORDER BY i.occurred_at
""")

personal("panel.place_people", "People seen at or harmed at one place", params=("place_id",),
         restricted=("full_name",), sql=f"""
    WITH seen AS (
        SELECT person_id, seen_at AS seen_on, source_agency AS agency,
               {grading_sql("presence")} AS grading
        FROM presence WHERE place_id = $place_id AND kind <> 'lives_at'
        UNION ALL
        SELECT ip.person_id, i.occurred_at, i.agency_id,
               {grading_sql("i")}
        FROM incident i JOIN incident_person ip
          USING (incident_id) WHERE i.place_id = $place_id
    )
    SELECT p.person_id, p.pseudonym, {full_name()} AS full_name,
           p.kind, count(*) AS times, min(seen_on)::DATE AS first_seen,
           max(seen_on)::DATE AS last_seen,
           string_agg(DISTINCT a.name, ', ' ORDER BY a.name) AS sources,
           string_agg(DISTINCT nullif(seen.grading, ''), ', '
                      ORDER BY nullif(seen.grading, '')) AS gradings
    FROM seen JOIN person p USING (person_id)
    LEFT JOIN agency a ON a.agency_id = seen.agency
    WHERE p.kind IN ('child', 'adult_of_concern')
    GROUP BY ALL ORDER BY p.kind, times DESC, p.pseudonym
""")  # noqa: S608  (constant SQL fragments)

personal("panel.group_members", "A peer group's members", params=("group_id",),
         restricted=("full_name",), sql=f"""
    SELECT p.person_id, p.pseudonym, {full_name()} AS full_name,
           p.kind, p.age_years, m.start_date, m.end_date, a.name AS source_agency
    FROM group_membership m JOIN person p USING (person_id)
    JOIN agency a ON a.agency_id = m.source_agency
    WHERE m.group_id = $group_id ORDER BY m.end_date NULLS FIRST, p.pseudonym
""")  # noqa: S608  (constant SQL fragments)

personal("panel.links_among", "Links touching a set of people (network extract)",
         params=("person_ids",), restricted=("source_full_name", "target_full_name"), sql=f"""
    SELECT l.link_id, l.source_person_id, s.pseudonym AS source_label, s.kind AS source_kind,
           {full_name("s")} AS source_full_name, {full_name("t")} AS target_full_name,
           l.target_person_id, t.pseudonym AS target_label, t.kind AS target_kind,
           l.kind, l.nature, l.verified, l.first_seen, l.last_seen,
           a.name AS source_agency_name, l.recorded_date,
           l.grading_source, l.grading_intel, l.grading_handling
    FROM link l
    JOIN person s ON s.person_id = l.source_person_id
    JOIN person t ON t.person_id = l.target_person_id
    JOIN agency a ON a.agency_id = l.source_agency
    WHERE list_contains($person_ids, l.source_person_id)
       OR list_contains($person_ids, l.target_person_id)
    ORDER BY l.link_id
""")  # noqa: S608  (constant SQL fragments)

personal("panel.places_of_people",
         "Places (with points) where a set of people were seen (map extract)",
         params=("person_ids",), sql=f"""
    SELECT pl.place_id, {_SAFE} AS name, pl.kind, pl.lon, pl.lat, pl.ward_code,
           count(*) AS times
    FROM presence pr JOIN place pl USING (place_id)
    WHERE list_contains($person_ids, pr.person_id) AND pl.kind NOT IN ('home', 'online')
    GROUP BY ALL ORDER BY times DESC
""")  # noqa: S608  (constant SQL fragment, parameters bound)

# -- writes ------------------------------------------------------------------------------------

insert("panel.create_meeting", "Create a panel meeting", "meeting",
       ("meeting_id", "held_on", "title", "created_by", "created_at", "next_held_on"))

write("panel.set_next_meeting", "Record the date of the next meeting",
      params=("meeting_id", "next_held_on"), audit_action="update",
      sql="UPDATE meeting SET next_held_on = $next_held_on WHERE meeting_id = $meeting_id")

insert("panel.add_attendee", "Record a meeting attendee or apologies", "meeting_attendee",
       ("attendee_id", "meeting_id", "name", "role", "agency_id", "attendance", "recorded_by",
        "recorded_at"))

write("panel.remove_attendee", "Remove an attendee entered by mistake",
      params=("attendee_id",), audit_action="delete",
      sql="DELETE FROM meeting_attendee WHERE attendee_id = $attendee_id")

insert("panel.add_item", "Add an agenda item", "agenda_item",
       ("item_id", "meeting_id", "subject_kind", "subject_id", "reason", "status", "position",
        "language_flags"))

write("panel.set_item_status", "Accept or remove an agenda item", params=("item_id", "status"),
      audit_action="update",
      sql="UPDATE agenda_item SET status = $status WHERE item_id = $item_id")

# A decision is a new row each time it is saved: nothing rewrites the agenda item, which
# actions refer to (DuckDB runs an UPDATE of a list column as a delete and an insert, which
# a foreign key refuses).
insert("panel.record_decision", "Record an agenda item's decision", "item_decision",
       ("decision_id", "item_id", "decision", "language_flags", "recorded_by", "recorded_at"))

_ACTION_FIELDS = ("plan", "tactic", "description", "owner_name", "owner_role", "owner_agency",
                  "due_date", "review_date", "status", "language_flags")

insert("panel.add_action", "Record an action", "action",
       ("action_id", "meeting_id", "item_id", *_ACTION_FIELDS, "created_by", "created_at"))

write("panel.update_action", "Change what an action says", params=("action_id", *_ACTION_FIELDS),
      audit_action="update",
      sql="UPDATE action SET "  # noqa: S608  (constant column names)
          + ", ".join(f"{c} = ${c}" for c in _ACTION_FIELDS) + " WHERE action_id = $action_id")

write("panel.set_action_status", "Update an action's status", params=("action_id", "status"),
      audit_action="update",
      sql="UPDATE action SET status = $status WHERE action_id = $action_id")

insert("panel.add_assessment", "Record a peer-group or location assessment", "assessment",
       ("assessment_id", "subject_kind", "subject_id", "domain", "body", "source_agency",
        "assessed_on", "created_by", "language_flags"))
