"""The file formats CSMap imports: columns, whether required, type and allowed values.

Allowed values come from the domain vocabulary (:mod:`domain.vocabulary`), which a test keeps
equal to the CHECK constraints of ``data/migrations/0001_initial.sql``. ``docs/import.md``
documents the same tables for people who prepare files.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import vocabulary

PERSON_KINDS = vocabulary.PERSON_KINDS.codes
SEXES = vocabulary.SEXES.codes
INCIDENT_KINDS = vocabulary.INCIDENT_KINDS.codes
HARM_CONTEXTS = vocabulary.HARM_CONTEXTS.codes
INDICATORS = vocabulary.INDICATOR_CATEGORIES.codes
INCIDENT_ROLES = vocabulary.INCIDENT_ROLES.codes
LINK_KINDS = vocabulary.LINK_KINDS.codes
LINK_NATURES = vocabulary.LINK_NATURES.codes
PRESENCE_KINDS = vocabulary.PRESENCE_KINDS.codes
GRADING_SOURCE = vocabulary.GRADING_SOURCE.codes
GRADING_INTEL = vocabulary.GRADING_INTEL.codes
GRADING_HANDLING = vocabulary.GRADING_HANDLING.codes

# Columns whose values are personal: never echoed in messages, masked in pseudonymised mode.
RESTRICTED = frozenset(
    {"given_name", "family_name", "date_of_birth", "postcode", "narrative", "child_words"}
)


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``kind`` is how a cell is read: ``id`` (a reference without spaces), ``text``, ``date``
    (YYYY-MM-DD or DD/MM/YYYY), ``timestamp`` (a date with optional HH:MM[:SS]), ``enum``
    (one of ``allowed``), ``list`` (``;``-separated values from ``allowed``), ``bool``,
    ``people`` (``;``-separated ``person:role`` pairs) or ``ids`` (``;``-separated ids).
    ``ref`` names what an id must already exist as in the store: ``agency``, ``place``,
    ``person`` or ``incident``.
    """

    name: str
    kind: str
    required: bool = False
    allowed: tuple[str, ...] = ()
    ref: str | None = None
    meaning: str = ""


@dataclass(frozen=True)
class FileFormat:
    """An import file kind: its columns, the column holding its own id, and its agency column."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    id_column: str | None
    agency_column: str

    @property
    def header(self) -> str:
        """The expected header line, required columns first."""
        return ",".join(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


_GRADING = (
    Column("grading_source", "enum", allowed=GRADING_SOURCE,
           meaning="3x5x2 source evaluation: 1 reliable, 2 untested, 3 not reliable"),
    Column("grading_intel", "enum", allowed=GRADING_INTEL,
           meaning="3x5x2 intelligence assessment A-E"),
    Column("grading_handling", "enum", allowed=GRADING_HANDLING,
           meaning="3x5x2 handling code: P (may be shared lawfully) or C (conditions apply)"),
)
_SOURCE_AGENCY = Column("source_agency", "id", ref="agency",
                        meaning="agency reporting it; blank when chosen on the Import page")
_RECORDED = Column("recorded_date", "date",
                   meaning="when the agency recorded it; blank means the import date")

PERSON_RECORDS = FileFormat(
    kind="person_records",
    title="Person records (one agency's records of people)",
    id_column=None,
    agency_column="agency_id",
    columns=(
        Column("local_ref", "id", required=True,
               meaning="the agency's own reference for the person (unique per agency)"),
        Column("agency_id", "id", ref="agency",
               meaning="the agency holding the record; blank when chosen on the Import page"),
        Column("given_name", "text", meaning="first name as the agency spells it"),
        Column("family_name", "text", meaning="family name as the agency spells it"),
        Column("date_of_birth", "date", meaning="date of birth"),
        Column("postcode", "text", meaning="home postcode"),
        Column("kind", "enum", allowed=PERSON_KINDS, meaning="who the person is; blank = child"),
        Column("sex", "enum", allowed=SEXES, meaning="F, M, X or U (unknown, the default)"),
        _RECORDED,
    ),
)

INCIDENTS = FileFormat(
    kind="incidents",
    title="Incidents, with the people in them and their roles",
    id_column="incident_id",
    agency_column="agency_id",
    columns=(
        Column("incident_id", "id", required=True, meaning="the agency's incident reference"),
        Column("occurred_at", "timestamp", required=True, meaning="when it happened"),
        Column("kind", "enum", required=True, allowed=INCIDENT_KINDS, meaning="what happened"),
        Column("harm_context", "enum", required=True, allowed=HARM_CONTEXTS,
               meaning="outside the family, inside it, self, or unknown"),
        Column("agency_id", "id", ref="agency",
               meaning="recording agency; blank when chosen on the Import page"),
        Column("place_id", "id", ref="place", meaning="where it happened, if known"),
        Column("people", "people", allowed=INCIDENT_ROLES,
               meaning="who was involved: person:role pairs separated by ';', e.g. "
                       "'P-001:victim;P-014:person_of_concern'. A person is a CSMap person id "
                       "or the local_ref of a confirmed record from the same agency"),
        Column("indicators", "list", allowed=INDICATORS,
               meaning="indicator categories separated by ';'"),
        Column("narrative", "text", meaning="what was recorded (restricted)"),
        Column("child_words", "text", meaning="the child's own words (restricted)"),
        _RECORDED,
        *_GRADING,
    ),
)

LINKS = FileFormat(
    kind="links",
    title="Links between two people",
    id_column="link_id",
    agency_column="source_agency",
    columns=(
        Column("link_id", "id", required=True, meaning="the agency's reference for the link"),
        Column("source_person_id", "id", required=True, ref="person", meaning="one person"),
        Column("target_person_id", "id", required=True, ref="person", meaning="the other"),
        Column("kind", "enum", required=True, allowed=LINK_KINDS, meaning="kind of link"),
        Column("nature", "enum", required=True, allowed=LINK_NATURES,
               meaning="harmful, protective or unknown"),
        Column("first_seen", "date", required=True, meaning="first known date"),
        Column("last_seen", "date", required=True, meaning="last known date (not before first)"),
        _SOURCE_AGENCY,
        Column("verified", "bool", meaning="true/false, yes/no or 1/0; blank = not verified"),
        Column("evidence", "ids", ref="incident",
               meaning="incident ids that evidence the link, separated by ';'"),
        _RECORDED,
        *_GRADING,
    ),
)

PRESENCES = FileFormat(
    kind="presences",
    title="Presences of a person at a place",
    id_column="presence_id",
    agency_column="source_agency",
    columns=(
        Column("presence_id", "id", required=True, meaning="the agency's reference"),
        Column("person_id", "id", required=True, ref="person", meaning="who"),
        Column("place_id", "id", required=True, ref="place", meaning="where"),
        Column("kind", "enum", required=True, allowed=PRESENCE_KINDS,
               meaning="how they were there"),
        Column("seen_at", "timestamp", required=True, meaning="when"),
        _SOURCE_AGENCY,
        Column("incident_id", "id", ref="incident",
               meaning="the incident that recorded it, if any"),
        _RECORDED,
        *_GRADING,
    ),
)

FORMATS: dict[str, FileFormat] = {
    f.kind: f for f in (PERSON_RECORDS, INCIDENTS, LINKS, PRESENCES)
}


def get(kind: str) -> FileFormat:
    """The format called ``kind``, with a message listing the valid ones."""
    from domain.errors import ValidationError

    try:
        return FORMATS[kind]
    except KeyError:
        raise ValidationError(
            f"unknown file type {kind!r}: choose one of {', '.join(FORMATS)}"
        ) from None
