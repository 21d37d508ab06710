"""Queries behind the Network page and the network analytics: people, links, presences, groups.

Filters shared by links and presences (all bound, never interpolated):

``start``, ``end``
    the time window (dates, inclusive). A link counts when it was seen at some point in the
    window; a presence when it happened in it.
``agencies``
    source agencies to keep (an empty list keeps all).
``min_intel``
    weakest 3x5x2 intelligence grade kept (A best ... E worst; NULL keeps all);
    ``include_ungraded`` says whether records with no grading are kept when it is set.

Links also take ``kinds`` and ``natures`` (empty lists keep all).
"""

from __future__ import annotations

from data.queries import admin_only, aggregate, any_of, exact_address, personal, safe_place_name

_GRADING = """
  ($min_intel::VARCHAR IS NULL
   OR (grading_intel IS NOT NULL AND grading_intel <= $min_intel::VARCHAR)
   OR (grading_intel IS NULL AND $include_ungraded::BOOLEAN))
"""
_AGENCY = any_of("agencies", "source_agency")

personal("network.people", "People in the network (pseudonyms; names only in named mode)",
         restricted=("full_name",), sql="""
    SELECT person_id, pseudonym, kind,
           given_name || ' ' || family_name AS full_name,
           age_years, sex, looked_after, source_agency, recorded_date
    FROM person ORDER BY person_id
""")

personal("network.places", "Places and online spaces in the network (homes by reference only)",
         restricted=("exact_address",), sql=f"""
    SELECT pl.place_id, pl.kind,
           {safe_place_name("pl", home="'Home ' || pl.place_id")} AS name,
           {exact_address("pl")} AS exact_address,
           w.name AS ward, pl.platform, pl.source_agency, pl.recorded_date
    FROM place pl LEFT JOIN ward w USING (ward_code)
    ORDER BY pl.place_id
""")  # noqa: S608  (constant SQL fragment, parameters bound)

personal("network.links", "Links between people with provenance and grading",
         params=("start", "end", "kinds", "natures", "agencies", "min_intel", "include_ungraded"),
         sql=f"""
    SELECT link_id, source_person_id, target_person_id, kind, nature, first_seen,
           last_seen, source_agency, recorded_date, grading_source, grading_intel,
           grading_handling, verified, evidence
    FROM link
    WHERE first_seen <= $end::DATE AND last_seen >= $start::DATE
      AND {any_of("kinds", "kind")} AND {any_of("natures", "nature")}
      AND {_AGENCY} AND {_GRADING}
    ORDER BY link_id
""")  # noqa: S608  (constant SQL fragments, parameters bound)

personal("network.presences", "People seen at places with provenance and grading",
         params=("start", "end", "agencies", "min_intel", "include_ungraded"), sql=f"""
    SELECT presence_id, person_id, place_id, kind, seen_at, source_agency, recorded_date,
           grading_source, grading_intel, grading_handling, incident_id
    FROM presence
    WHERE seen_at >= $start::DATE AND seen_at < $end::DATE + INTERVAL 1 DAY
      AND {_AGENCY} AND {_GRADING}
    ORDER BY presence_id
""")  # noqa: S608  (constant SQL fragments, parameters bound)

personal("network.groups", "Recorded peer groups and their members in a window",
         params=("start", "end"), sql="""
    SELECT g.group_id, g.name, m.person_id, m.start_date, m.end_date,
           m.source_agency, m.recorded_date
    FROM peer_group g JOIN group_membership m USING (group_id)
    WHERE m.start_date <= $end::DATE AND (m.end_date IS NULL OR m.end_date >= $start::DATE)
    ORDER BY g.group_id, m.person_id
""")

aggregate("network.fingerprint", "Counts that change when network data changes (cache key)", sql="""
    SELECT (SELECT count(*) FROM link) AS links,
           (SELECT max(recorded_date) FROM link)::VARCHAR AS links_recorded,
           (SELECT count(*) FROM presence) AS presences,
           (SELECT count(*) FROM person) AS people,
           (SELECT count(*) FROM place) AS places
""")

admin_only("network.planted", "What the synthetic generator planted (for checking the analytics)",
           sql="SELECT kind, object_id, detail FROM planted_truth ORDER BY kind, object_id")
