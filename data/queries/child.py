"""Queries behind the Child page: one child's chronology, links, places, strengths, agencies.

Every query takes ``$person_id``. Facts carry their provenance (source agency, recorded date
and the 3x5x2 grading where it applies). Exact addresses are never shown as place names:
``place_name`` says 'Home' or 'Address of concern, <ward>' (``safe_place_name``).
"""

from __future__ import annotations

from data.queries import full_name, other_person, personal, safe_place_name

_PLACE_NAME = safe_place_name("pl")

# Children with their open concerns and incidents; ``{where}`` narrows the list (a constant).
_CHILDREN = f"""
    SELECT p.person_id, p.pseudonym, {full_name()} AS full_name, p.age_years, p.sex,
           (SELECT count(*) FROM concern c WHERE c.person_id = p.person_id
              AND c.closed_on IS NULL) AS open_concerns,
           (SELECT count(*) FROM incident_person ip WHERE ip.person_id = p.person_id)
             AS incidents
    FROM person p WHERE p.kind = 'child' {{where}}
    ORDER BY open_concerns DESC, incidents DESC, p.pseudonym
"""  # noqa: S608  (constant SQL fragment)

personal("child.children", "Children to choose from", restricted=("full_name",),
         sql=_CHILDREN.format(where=""))

personal("child.search",
         "Children whose pseudonym (or, in named mode, name) contains a search text",
         params=("q", "names"), restricted=("full_name",), search_text="q",
         sql=_CHILDREN.format(where="""
    AND (contains(lower(p.pseudonym), lower($q))
         OR ($names AND contains(lower(coalesce(p.given_name, '') || ' '
                                      || coalesce(p.family_name, '')), lower($q))))"""))

personal("child.profile", "A child's profile", params=("person_id",),
         restricted=("full_name", "date_of_birth", "home_address"), sql=f"""
    SELECT p.person_id, p.pseudonym, {full_name()} AS full_name,
           p.date_of_birth, p.age_years, p.sex, p.ethnicity, p.looked_after,
           p.additional_needs, {safe_place_name("s")} AS school, hw.name AS home_ward,
           h.name AS home_address, p.source_agency, a.name AS source_agency_name,
           p.recorded_date
    FROM person p
    LEFT JOIN place s ON s.place_id = p.school_place_id
    LEFT JOIN place h ON h.place_id = p.home_place_id
    LEFT JOIN ward hw ON hw.ward_code = h.ward_code
    LEFT JOIN agency a ON a.agency_id = p.source_agency
    WHERE p.person_id = $person_id AND p.kind = 'child'
""")  # noqa: S608  (constant SQL fragments)

personal("child.incidents", "A child's incidents across agencies", params=("person_id",),
         restricted=("narrative", "child_words"), sql=f"""
    SELECT i.incident_id, i.occurred_at, i.kind, i.harm_context, i.agency_id,
           a.name AS agency_name, a.sector AS agency_sector, ip.role,
           {_PLACE_NAME} AS place_name, pl.kind AS place_kind, pl.place_id,
           w.name AS ward, i.indicators, i.narrative, i.child_words,
           i.child_words IS NOT NULL AS has_child_words, i.recorded_date,
           i.grading_source, i.grading_intel, i.grading_handling
    FROM incident_person ip
    JOIN incident i USING (incident_id)
    JOIN agency a ON a.agency_id = i.agency_id
    LEFT JOIN place pl ON pl.place_id = i.place_id
    LEFT JOIN ward w ON w.ward_code = pl.ward_code
    WHERE ip.person_id = $person_id
    ORDER BY i.occurred_at, i.incident_id
""")  # noqa: S608  (a constant CASE expression, no user input)

personal("child.links", "A child's links to other people", params=("person_id",),
         restricted=("other_full_name",), sql=f"""
    SELECT l.link_id, o.person_id AS other_id, o.pseudonym AS other_label,
           {full_name("o")} AS other_full_name, o.kind AS other_kind,
           o.role_title AS other_role, l.kind, l.nature, l.first_seen, l.last_seen,
           l.source_agency, a.name AS source_agency_name, l.recorded_date,
           l.grading_source, l.grading_intel, l.grading_handling, l.verified,
           len(l.evidence) AS evidence_count
    FROM link l
    JOIN person o ON o.person_id = {other_person()}
    JOIN agency a ON a.agency_id = l.source_agency
    WHERE $person_id IN (l.source_person_id, l.target_person_id)
    ORDER BY l.nature, o.kind, l.first_seen
""")  # noqa: S608  (constant SQL fragments)

personal("child.places", "Places and online spaces linked to a child", params=("person_id",),
         sql=f"""
    WITH seen AS (
        SELECT place_id, kind AS how, seen_at, source_agency AS held_by FROM presence
        WHERE person_id = $person_id
        UNION ALL
        SELECT i.place_id, 'incident: ' || i.kind, i.occurred_at, i.agency_id
        FROM incident i JOIN incident_person ip USING (incident_id)
        WHERE ip.person_id = $person_id AND i.place_id IS NOT NULL
    )
    SELECT pl.place_id, {_PLACE_NAME} AS place_name, pl.kind AS place_kind, pl.platform,
           w.name AS ward,
           CASE WHEN pl.kind = 'home' THEN NULL ELSE pl.lon END AS lon,
           CASE WHEN pl.kind = 'home' THEN NULL ELSE pl.lat END AS lat, count(*) AS times,
           min(seen_at)::DATE AS first_seen, max(seen_at)::DATE AS last_seen,
           string_agg(DISTINCT how, ', ' ORDER BY how) AS how,
           string_agg(DISTINCT held_by, ', ' ORDER BY held_by) AS agencies
    FROM seen JOIN place pl USING (place_id)
    LEFT JOIN ward w ON w.ward_code = pl.ward_code
    GROUP BY ALL
    ORDER BY times DESC, place_name
""")  # noqa: S608

personal("child.connected_children", "Children connected to a child by links or co-presence",
         params=("person_id", "hours"), restricted=("full_name",), sql=f"""
    WITH by_link AS (
        SELECT o.person_id, 'link: ' || l.kind AS via
        FROM link l
        JOIN person o ON o.person_id = {other_person()}
        WHERE $person_id IN (l.source_person_id, l.target_person_id) AND o.kind = 'child'
    ), by_place AS (
        SELECT b.person_id, 'seen together at ' ||
               {safe_place_name("pl", home="'a home'")} AS via
        FROM presence a
        JOIN presence b ON a.place_id = b.place_id AND a.person_id <> b.person_id
         AND abs(epoch(a.seen_at) - epoch(b.seen_at)) <= $hours * 3600
        JOIN person o ON o.person_id = b.person_id AND o.kind = 'child'
        JOIN place pl ON pl.place_id = a.place_id
        WHERE a.person_id = $person_id AND a.kind <> 'lives_at' AND b.kind <> 'lives_at'
    )
    SELECT p.person_id, p.pseudonym, {full_name()} AS full_name,
           p.age_years, count(*) AS times,
           string_agg(DISTINCT via, '; ' ORDER BY via) AS connected_by
    FROM (SELECT * FROM by_link UNION ALL SELECT * FROM by_place) c
    JOIN person p USING (person_id)
    GROUP BY ALL
    ORDER BY times DESC, p.pseudonym
""")  # noqa: S608  (constant SQL fragment, parameters bound)

personal("child.strengths", "A child's strengths and protective factors", params=("person_id",),
         sql="""
    SELECT s.kind, s.description, a.name AS source_agency, s.recorded_date
    FROM strength s JOIN agency a ON a.agency_id = s.source_agency
    WHERE s.person_id = $person_id ORDER BY s.recorded_date
""")

personal("child.vulnerabilities", "A child's vulnerabilities", params=("person_id",), sql="""
    SELECT v.kind, v.since, a.name AS source_agency, v.recorded_date
    FROM vulnerability v JOIN agency a ON a.agency_id = v.source_agency
    WHERE v.person_id = $person_id ORDER BY v.since NULLS LAST
""")

personal("child.concerns", "A child's safeguarding concerns", params=("person_id",), sql="""
    SELECT c.category, c.role, c.opened_on, c.closed_on, c.review_date, c.retention_until,
           a.name AS source_agency, c.recorded_date
    FROM concern c JOIN agency a ON a.agency_id = c.source_agency
    WHERE c.person_id = $person_id ORDER BY c.opened_on
""")

personal("child.groups", "A child's peer groups", params=("person_id",), sql="""
    SELECT g.group_id, g.name AS group_name, m.start_date, m.end_date,
           a.name AS source_agency,
           (SELECT count(*) FROM group_membership m2 WHERE m2.group_id = g.group_id
              AND m2.end_date IS NULL) AS current_members
    FROM group_membership m JOIN peer_group g USING (group_id)
    JOIN agency a ON a.agency_id = m.source_agency
    WHERE m.person_id = $person_id ORDER BY m.start_date
""")

personal("child.agencies", "Which agencies hold what about a child", params=("person_id",), sql="""
    WITH held AS (
        SELECT i.agency_id, 'incidents' AS what FROM incident i
          JOIN incident_person ip USING (incident_id) WHERE ip.person_id = $person_id
        UNION ALL SELECT source_agency, 'links' FROM link
          WHERE $person_id IN (source_person_id, target_person_id)
        UNION ALL SELECT source_agency, 'sightings' FROM presence WHERE person_id = $person_id
        UNION ALL SELECT source_agency, 'concerns' FROM concern WHERE person_id = $person_id
        UNION ALL SELECT source_agency, 'strengths' FROM strength WHERE person_id = $person_id
        UNION ALL SELECT source_agency, 'vulnerabilities' FROM vulnerability
          WHERE person_id = $person_id
        UNION ALL SELECT agency_id, 'records' FROM person_record WHERE person_id = $person_id
    )
    SELECT a.name AS agency, a.sector,
           count(*) FILTER (WHERE what = 'incidents') AS incidents,
           count(*) FILTER (WHERE what = 'links') AS links,
           count(*) FILTER (WHERE what = 'sightings') AS sightings,
           count(*) FILTER (WHERE what = 'concerns') AS concerns,
           count(*) FILTER (WHERE what = 'strengths') AS strengths,
           count(*) FILTER (WHERE what = 'vulnerabilities') AS vulnerabilities,
           count(*) FILTER (WHERE what = 'records') AS records
    FROM held JOIN agency a USING (agency_id)
    GROUP BY ALL ORDER BY incidents DESC, a.name
""")
