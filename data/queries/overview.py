"""Queries behind the Overview page."""

from __future__ import annotations

from data.queries import aggregate, full_name, personal, safe_place_name

personal("overview.children_open_concerns", "Children with open concerns", params=("as_of",),
         restricted=("full_name",), sql=f"""
    SELECT p.person_id, p.pseudonym,
           {full_name()} AS full_name,
           p.age_years, p.sex, w.name AS ward,
           string_agg(DISTINCT c.category, ', ' ORDER BY c.category) AS categories,
           min(c.opened_on) AS first_opened,
           min(c.review_date) AS next_review,
           string_agg(DISTINCT c.source_agency, ', ' ORDER BY c.source_agency) AS agencies
    FROM concern c
    JOIN person p USING (person_id)
    LEFT JOIN place h ON h.place_id = p.home_place_id
    LEFT JOIN ward w ON w.ward_code = h.ward_code
    WHERE p.kind = 'child' AND c.opened_on <= $as_of
      AND (c.closed_on IS NULL OR c.closed_on > $as_of)
    GROUP BY ALL
    ORDER BY next_review, p.pseudonym
""")  # noqa: S608  (constant SQL fragments)

aggregate("overview.headline", "Headline counts", params=("as_of",), sql="""
    SELECT
      (SELECT count(DISTINCT person_id) FROM concern c JOIN person p USING (person_id)
         WHERE p.kind = 'child' AND c.opened_on <= $as_of
           AND (c.closed_on IS NULL OR c.closed_on > $as_of)) AS children_open_concerns,
      (SELECT count(*) FROM incident WHERE occurred_at <= $as_of) AS incidents,
      (SELECT count(*) FROM place WHERE kind NOT IN ('home', 'online')) AS places,
      (SELECT count(*) FROM place WHERE kind = 'online') AS online_spaces,
      (SELECT count(DISTINCT agency_id) FROM incident) AS agencies_contributing
""")

aggregate("overview.incidents_by_month_kind", "Incidents by month and kind",
          params=("start", "end"), sql="""
    SELECT date_trunc('month', occurred_at)::DATE AS month, kind, harm_context,
           count(*) AS incidents
    FROM incident
    WHERE occurred_at >= $start AND occurred_at < $end
    GROUP BY ALL ORDER BY month, kind
""")

personal("overview.top_places", "Places with the most distinct children",
         params=("start", "end", "n"), sql=f"""
    SELECT pl.place_id, {safe_place_name("pl")} AS name, pl.kind, w.name AS ward,
           count(DISTINCT ip.person_id) AS children, count(DISTINCT i.incident_id) AS incidents
    FROM incident i
    JOIN place pl USING (place_id)
    LEFT JOIN ward w ON w.ward_code = pl.ward_code
    JOIN incident_person ip USING (incident_id)
    JOIN person p ON p.person_id = ip.person_id AND p.kind = 'child'
    WHERE i.occurred_at >= $start AND i.occurred_at < $end AND pl.kind <> 'home'
    GROUP BY ALL ORDER BY children DESC, incidents DESC, name LIMIT $n
""")  # noqa: S608  (constant SQL fragment, parameters bound)

aggregate("overview.agencies", "Agencies contributing records", params=("start", "end"), sql="""
    SELECT a.agency_id, a.name, a.sector, count(i.incident_id) AS incidents
    FROM agency a LEFT JOIN incident i
      ON i.agency_id = a.agency_id AND i.occurred_at >= $start AND i.occurred_at < $end
    GROUP BY ALL ORDER BY incidents DESC, a.name
""")

aggregate("overview.date_range", "First and last incident dates",
          sql="SELECT min(occurred_at)::DATE AS first, max(occurred_at)::DATE AS last "
              "FROM incident")
