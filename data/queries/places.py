"""Queries behind the Map page (panels, personal) and the Hotspots page (commissioners).

Aggregate queries (``places.agg_*``) return counts by ward, quarter and place kind only: never
a person id, pseudonym, name, place id or point. The commissioners' page publishes them only
through :mod:`analytics.suppression`. Personal queries (``places.map_*``, ``places.profile_*``)
are for panels and analysts; the gateway audits them and masks exact home addresses and names.

Every incident filter takes ``start``/``end`` (half-open) and four lists, each empty for "all":
``kinds`` (incident kinds), ``agencies`` (agency ids), ``indicators`` (physical, emotional,
material, behavioural: an incident matches if it has any) and ``contexts`` (harm context:
extra_familial, intra_familial, self, unknown).
"""

from __future__ import annotations

from data.queries import aggregate, any_of, full_name, grading_sql, personal

FILTER_PARAMS = ("start", "end", "kinds", "agencies", "indicators", "contexts")

_FILTER = f"""
    i.occurred_at >= $start AND i.occurred_at < $end
    AND {any_of("kinds", "i.kind")} AND {any_of("agencies", "i.agency_id")}
    AND (len($indicators::VARCHAR[]) = 0 OR list_has_any(i.indicators, $indicators::VARCHAR[]))
    AND {any_of("contexts", "i.harm_context")}
"""

# scope: 'place' (id is a place_id) or 'ward' (id is a ward_code)
_SCOPE = """
    (($scope = 'place' AND pl.place_id = $id) OR ($scope = 'ward' AND pl.ward_code = $id))
"""

# Exact addresses of concern are restricted: a masked ``address`` column plus a safe ``name``.
_NAME = """CASE WHEN pl.kind = 'address_of_concern'
                THEN 'Address of concern, ' || coalesce(w.name, 'unknown ward')
                ELSE pl.name END"""
_ADDRESS = "CASE WHEN pl.kind = 'address_of_concern' THEN pl.name END"

_FRAGMENTS = {"@FILTER": _FILTER, "@SCOPE": _SCOPE, "@NAME": _NAME, "@ADDRESS": _ADDRESS,
              "@FULL_NAME": full_name("p"), "@GRADING_I": grading_sql("i"),
              "@GRADING_PR": grading_sql("pr"),
              "@PLACE_KINDS": any_of("place_kinds", "pl.kind")}


def _q(sql: str) -> str:
    """Fill the shared fragments (constants, never user input) into a query."""
    for marker, fragment in _FRAGMENTS.items():
        sql = sql.replace(marker, fragment)
    return sql


# -- aggregates (commissioners and everyone) ------------------------------------------------
aggregate("places.agg_cells", "Incident counts by ward, quarter and place kind",
          params=("start", "end"), sql=_q("""
    SELECT pl.ward_code,
           strftime(i.occurred_at, '%Y') || '-Q' || quarter(i.occurred_at) AS quarter,
           pl.kind AS place_kind,
           count(DISTINCT i.incident_id) AS incidents
    FROM incident i JOIN place pl USING (place_id)
    WHERE i.occurred_at >= $start AND i.occurred_at < $end AND pl.ward_code IS NOT NULL
    GROUP BY ALL ORDER BY ALL
"""))

aggregate("places.agg_ward_children", "Distinct children linked to incidents, by ward",
          params=("start", "end", "place_kinds"), sql=_q("""
    SELECT pl.ward_code, count(DISTINCT ip.person_id) AS children
    FROM incident i
    JOIN place pl USING (place_id)
    JOIN incident_person ip USING (incident_id)
    JOIN person p ON p.person_id = ip.person_id AND p.kind = 'child'
    WHERE i.occurred_at >= $start AND i.occurred_at < $end AND pl.ward_code IS NOT NULL
      AND (len($place_kinds::VARCHAR[]) = 0
           OR list_contains($place_kinds::VARCHAR[], pl.kind))
    GROUP BY ALL ORDER BY ALL
"""))

# Evening: 18:00 to 01:59; weekend: Saturday and Sunday (DuckDB: dayofweek 0 = Sunday).
_EVENING = "(hour(i.occurred_at) >= 18 OR hour(i.occurred_at) < 2)"
_WEEKEND = "(dayofweek(i.occurred_at) IN (0, 6))"

aggregate("places.agg_ward_outreach",
          "Incidents (all, evening, weekend) and distinct children linked (all, out of hours) "
          "by ward, for a place kind and harm contexts",
          params=("start", "end", "place_kinds", "contexts"), sql=_q(f"""
    WITH hits AS (
        SELECT pl.ward_code, i.incident_id, {_EVENING} AS evening, {_WEEKEND} AS weekend
        FROM incident i JOIN place pl USING (place_id)
        WHERE i.occurred_at >= $start AND i.occurred_at < $end AND pl.ward_code IS NOT NULL
          AND @PLACE_KINDS AND {any_of("contexts", "i.harm_context")}
    )
    SELECT h.ward_code,
           count(DISTINCT h.incident_id) AS incidents,
           count(DISTINCT CASE WHEN h.evening THEN h.incident_id END) AS evening_incidents,
           count(DISTINCT CASE WHEN h.weekend THEN h.incident_id END) AS weekend_incidents,
           count(DISTINCT p.person_id) AS children,
           count(DISTINCT CASE WHEN h.evening OR h.weekend THEN p.person_id END)
               AS out_of_hours_children
    FROM hits h
    LEFT JOIN incident_person ip USING (incident_id)
    LEFT JOIN person p ON p.person_id = ip.person_id AND p.kind = 'child'
    GROUP BY ALL ORDER BY ALL
"""))  # noqa: S608  (constant SQL fragments, parameters bound)

aggregate("places.agg_coverage",
          "When each agency's incident records start and end (dates only), for data coverage",
          sql="""
    SELECT a.name AS agency, min(i.occurred_at)::DATE AS first, max(i.occurred_at)::DATE AS last
    FROM incident i JOIN agency a USING (agency_id)
    GROUP BY ALL ORDER BY first, agency
""")

aggregate("places.agg_date_span", "First and last incident dates and the demo's as-of date",
          sql=_q("""
    SELECT min(occurred_at)::DATE AS first, max(occurred_at)::DATE AS last,
           (SELECT max(value) FROM dataset_meta WHERE key = 'as_of') AS as_of
    FROM incident
"""))

# -- the map (panels, analysts) --------------------------------------------------------------
personal("places.map_places", "Places on the map with incidents and distinct children",
         params=FILTER_PARAMS, restricted=("address",), sql=_q("""
    WITH hits AS (
        SELECT i.place_id, count(DISTINCT i.incident_id) AS incidents,
               count(DISTINCT CASE WHEN p.kind = 'child' THEN ip.person_id END) AS children
        FROM incident i
        LEFT JOIN incident_person ip USING (incident_id)
        LEFT JOIN person p ON p.person_id = ip.person_id
        WHERE @FILTER
        GROUP BY i.place_id
    )
    SELECT pl.place_id, pl.kind, @NAME AS name, @ADDRESS AS address,
           pl.lon, pl.lat, pl.ward_code, w.name AS ward, pl.guardianship,
           pl.source_agency, pl.recorded_date,
           coalesce(h.incidents, 0) AS incidents, coalesce(h.children, 0) AS children
    FROM place pl
    LEFT JOIN hits h USING (place_id)
    LEFT JOIN ward w ON w.ward_code = pl.ward_code
    WHERE pl.kind NOT IN ('home', 'online')
    ORDER BY incidents DESC, pl.name
"""))

personal("places.map_incident_times",
         "When each incident happened at each mapped place (for repeat locations)",
         params=FILTER_PARAMS, sql=_q("""
    SELECT i.incident_id, i.occurred_at, i.place_id
    FROM incident i
    JOIN place pl USING (place_id)
    WHERE pl.kind NOT IN ('home', 'online') AND @FILTER
    ORDER BY i.place_id, i.occurred_at
"""))

# Homes are snapped to a grid of about 500 m before they leave the database: the map shows
# where harm inside the home clusters, never which house (a shared screen, BRIEF section 8).
HOME_GRID_LAT = 0.0045  # degrees: about 500 m north-south
HOME_GRID_LON = 0.0075  # degrees: about 500 m east-west at 53 degrees north

personal("places.map_homes",
         "Homes involved in intra-familial incidents, counted per 500 m grid cell",
         params=FILTER_PARAMS, sql=_q("""
    WITH h AS (
        SELECT pl.place_id, pl.lon, pl.lat, count(DISTINCT i.incident_id) AS incidents,
               max(i.occurred_at) AS latest
        FROM incident i
        JOIN place pl USING (place_id)
        WHERE pl.kind = 'home' AND i.harm_context = 'intra_familial' AND @FILTER
              AND pl.lon IS NOT NULL AND pl.lat IS NOT NULL
        GROUP BY ALL
    )
    SELECT round(round(lon / @GLON) * @GLON, 5) AS lon,
           round(round(lat / @GLAT) * @GLAT, 5) AS lat,
           count(*) AS homes, sum(incidents)::INTEGER AS incidents, max(latest) AS latest
    FROM h
    GROUP BY 1, 2 ORDER BY incidents DESC, lat, lon
""").replace("@GLON", repr(HOME_GRID_LON)).replace("@GLAT", repr(HOME_GRID_LAT)))

personal("places.map_online", "Online spaces with incidents and distinct children",
         params=FILTER_PARAMS, sql=_q("""
    SELECT pl.place_id, pl.name, pl.platform,
           count(DISTINCT i.incident_id) AS incidents,
           count(DISTINCT CASE WHEN p.kind = 'child' THEN ip.person_id END) AS children,
           max(i.occurred_at)::DATE AS latest
    FROM place pl
    LEFT JOIN incident i ON i.place_id = pl.place_id AND @FILTER
    LEFT JOIN incident_person ip ON ip.incident_id = i.incident_id
    LEFT JOIN person p ON p.person_id = ip.person_id
    WHERE pl.kind = 'online'
    GROUP BY ALL ORDER BY incidents DESC, pl.name
"""))

# -- place / ward profile (location assessment) ---------------------------------------------
_PROFILE = ("scope", "id", *FILTER_PARAMS)

personal("places.profile_incidents",
         "Incidents at a place or in a ward, latest first, with provenance", params=_PROFILE,
         sql=_q("""
    SELECT i.incident_id, i.occurred_at, i.kind, i.harm_context, i.agency_id,
           a.name AS agency, array_to_string(i.indicators, ', ') AS indicators,
           pl.place_id, pl.kind AS place_kind, pl.ward_code,
           @GRADING_I AS grading, i.recorded_date
    FROM incident i
    JOIN place pl USING (place_id)
    JOIN agency a ON a.agency_id = i.agency_id
    WHERE @SCOPE AND @FILTER
    ORDER BY i.occurred_at DESC, i.incident_id
"""))

personal("places.profile_when", "Incidents at a place or in a ward by weekday and hour",
         params=_PROFILE, sql=_q("""
    SELECT isodow(i.occurred_at) - 1 AS dow, hour(i.occurred_at) AS hour,
           count(*) AS incidents
    FROM incident i JOIN place pl USING (place_id)
    WHERE @SCOPE AND @FILTER
    GROUP BY ALL ORDER BY ALL
"""))

personal("places.profile_months",
         "Incidents and distinct children at a place or in a ward by month", params=_PROFILE,
         sql=_q("""
    SELECT date_trunc('month', i.occurred_at)::DATE AS month,
           count(DISTINCT i.incident_id) AS incidents,
           count(DISTINCT CASE WHEN p.kind = 'child' THEN ip.person_id END) AS children
    FROM incident i JOIN place pl USING (place_id)
    LEFT JOIN incident_person ip USING (incident_id)
    LEFT JOIN person p ON p.person_id = ip.person_id
    WHERE @SCOPE AND @FILTER
    GROUP BY ALL ORDER BY ALL
"""))

personal("places.profile_kinds", "Incidents at a place or in a ward by kind and reporting agency",
         params=_PROFILE, sql=_q("""
    SELECT i.kind, a.name AS agency, count(*) AS incidents
    FROM incident i JOIN place pl USING (place_id)
    JOIN agency a ON a.agency_id = i.agency_id
    WHERE @SCOPE AND @FILTER
    GROUP BY ALL ORDER BY incidents DESC
"""))

personal("places.profile_children", "Distinct children linked to a place or ward", params=_PROFILE,
         restricted=("full_name",), sql=_q("""
    WITH inc AS (
        SELECT ip.person_id, i.incident_id, i.occurred_at AS at, i.agency_id
        FROM incident i JOIN place pl USING (place_id)
        JOIN incident_person ip USING (incident_id)
        WHERE @SCOPE AND @FILTER
    ), pres AS (
        SELECT pr.person_id, NULL AS incident_id, pr.seen_at AS at,
               pr.source_agency AS agency_id
        FROM presence pr JOIN place pl USING (place_id)
        WHERE @SCOPE AND pr.seen_at >= $start AND pr.seen_at < $end
              AND pr.kind <> 'lives_at'  -- living in a ward is not being linked to harm
    ), allp AS (SELECT * FROM inc UNION ALL SELECT * FROM pres)
    SELECT p.person_id, p.pseudonym, @FULL_NAME AS full_name,
           p.age_years, count(DISTINCT allp.incident_id) AS incidents,
           count(*) FILTER (WHERE allp.incident_id IS NULL) AS sightings,
           max(allp.at)::DATE AS last_seen,
           string_agg(DISTINCT allp.agency_id, ', ' ORDER BY allp.agency_id) AS agencies
    FROM allp JOIN person p ON p.person_id = allp.person_id AND p.kind = 'child'
    GROUP BY ALL ORDER BY incidents DESC, last_seen DESC, p.pseudonym
"""))

personal("places.profile_adults", "Adults of concern seen at a place or in a ward",
         params=("scope", "id", "start", "end"), restricted=("full_name",), sql=_q("""
    WITH seen AS (
        SELECT pr.person_id, pr.kind AS how, pr.seen_at AS at, pr.source_agency,
               @GRADING_PR AS grading
        FROM presence pr JOIN place pl USING (place_id)
        WHERE @SCOPE AND pr.seen_at >= $start AND pr.seen_at < $end
              AND pr.kind <> 'lives_at'
        UNION ALL
        SELECT ip.person_id, 'incident: ' || ip.role, i.occurred_at, i.agency_id,
               @GRADING_I
        FROM incident i JOIN place pl USING (place_id)
        JOIN incident_person ip USING (incident_id)
        WHERE @SCOPE AND i.occurred_at >= $start AND i.occurred_at < $end
    )
    SELECT p.person_id, p.pseudonym, @FULL_NAME AS full_name,
           count(*) AS sightings, min(seen.at)::DATE AS first_seen,
           max(seen.at)::DATE AS last_seen,
           string_agg(DISTINCT seen.how, ', ' ORDER BY seen.how) AS how_seen,
           string_agg(DISTINCT seen.source_agency, ', ' ORDER BY seen.source_agency)
               AS source_agencies,
           string_agg(DISTINCT nullif(seen.grading, ''), ', ') AS gradings
    FROM seen JOIN person p ON p.person_id = seen.person_id AND p.kind = 'adult_of_concern'
    GROUP BY ALL ORDER BY sightings DESC, p.pseudonym
"""))

personal("places.profile_notes", "Guardianship, strengths and assessment notes for a place or ward",
         params=("scope", "id"), sql=_q("""
    SELECT 'guardianship' AS domain, @NAME || ': ' || pl.guardianship AS note,
           pl.source_agency, pl.recorded_date AS dated
    FROM place pl LEFT JOIN ward w ON w.ward_code = pl.ward_code
    WHERE @SCOPE AND pl.guardianship IS NOT NULL AND pl.kind <> 'home'
    UNION ALL
    SELECT a.domain, a.body, a.source_agency, a.assessed_on
    FROM assessment a
    WHERE (a.subject_kind = $scope AND a.subject_id = $id)
       OR ($scope = 'ward' AND a.subject_kind = 'place' AND a.subject_id IN (
            SELECT place_id FROM place WHERE ward_code = $id AND kind <> 'home'))
    ORDER BY dated DESC
"""))

personal("places.profile_actions", "Disruption actions linked to a place or the places of a ward",
         params=("scope", "id"), sql=_q("""
    SELECT ac.action_id, ac.tactic, ac.description, ac.owner_agency, ac.due_date,
           ac.review_date, ac.status, m.held_on AS agreed_at_meeting,
           @NAME AS place
    FROM action ac
    JOIN agenda_item ai ON ai.item_id = ac.item_id AND ai.subject_kind = 'place'
    JOIN place pl ON pl.place_id = ai.subject_id
    LEFT JOIN ward w ON w.ward_code = pl.ward_code
    JOIN meeting m ON m.meeting_id = ac.meeting_id
    WHERE @SCOPE
    ORDER BY ac.due_date
"""))
