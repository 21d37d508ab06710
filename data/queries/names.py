"""Finding names of people held in the store inside free text typed by users (agenda reasons,
decisions, action descriptions), so a pseudonymised output can replace them with pseudonyms.

The query is given the texts and returns only what it found *in them* (the span as typed)
with the pseudonym of the person it names: no name that was not already in the text leaves
the store.
"""

from __future__ import annotations

from data.queries import personal

_EDGE = r"(^|[^\pL\pN])"
_END = r"([^\pL\pN]|$)"

# A full name in any of three orders (case-insensitive), or a given or family name of at
# least three letters on its own (case-sensitive, so "will" is not "Will").
personal("names.in_texts", "Names of people held found in texts typed by users",
         params=("texts",), sql=f"""
    WITH t AS (SELECT unnest($texts::VARCHAR[]) AS text,
                      unnest(range(len($texts::VARCHAR[]))) AS i),
    p AS (SELECT pseudonym, given_name AS g, family_name AS f FROM person
          WHERE given_name IS NOT NULL AND family_name IS NOT NULL),
    hits AS (SELECT t.i, t.text, p.pseudonym, p.g, p.f FROM t JOIN p
             ON contains(lower(t.text), lower(p.f)) OR contains(lower(t.text), lower(p.g))),
    found AS (
        SELECT i, pseudonym, TRUE AS whole, unnest(regexp_extract_all(text,
            '(?i){_EDGE}(' || regexp_escape(g || ' ' || f) || '|' || regexp_escape(f || ', ' || g)
            || '|' || regexp_escape(f || ' ' || g) || '){_END}', 2)) AS found
        FROM hits
        UNION ALL
        SELECT i, pseudonym, FALSE, unnest(regexp_extract_all(text,
            '{_EDGE}(' || regexp_escape(g) || '|' || regexp_escape(f) || '){_END}', 2))
        FROM hits)
    SELECT DISTINCT i, pseudonym, whole, found FROM found
    WHERE length(found) >= 3 ORDER BY i, whole DESC, length(found) DESC, found, pseudonym
""")  # noqa: S608  (constant SQL fragments, no user input)
