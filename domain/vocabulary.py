"""The domain vocabulary: every enumerated term CSMap stores, defined once.

Each term has the ``code`` the store holds, the ``label`` the product shows (its own words,
checked by the language test) and, where it carries meaning on screen, a ``colour`` used by
every page, map legend, graph and the meeting pack alike. ``tests/test_vocabulary.py``
checks that each vocabulary equals the CHECK list of its column in
``data/migrations/*.sql``.

Also here, because every layer needs them: :func:`label` (a readable label for any stored
code), :func:`grading_text` (the one 3x5x2 grading formatter) and the open / overdue rule
for actions (:func:`action_is_open`, :func:`action_is_overdue`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.access import ROLE_LABELS, Role


@dataclass(frozen=True)
class Term:
    """One enumerated value.

    Attributes
    ----------
    code : what the store holds (``missing_episode``).
    label : what a person reads (``Missing episode``).
    colour : the hex colour it has on every screen, or None when colour says nothing.
    short : a lower-case form for use inside a sentence (``CSE``, ``county lines``).
    """

    code: str
    label: str
    colour: str | None = None
    short: str | None = None

    @property
    def phrase(self) -> str:
        """The term inside a sentence: :attr:`short` when set, else the label in lower case."""
        return self.short if self.short is not None else self.label[:1].lower() + self.label[1:]


@dataclass(frozen=True)
class Vocabulary:
    """An ordered set of terms for one stored column (``incident.kind``...)."""

    name: str
    terms: tuple[Term, ...]

    def __post_init__(self) -> None:
        codes = [t.code for t in self.terms]
        if len(set(codes)) != len(codes):
            raise ValueError(f"vocabulary {self.name!r} repeats a code")

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes in display order."""
        return tuple(t.code for t in self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __contains__(self, code: object) -> bool:
        return any(t.code == code for t in self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, code: str) -> Term:
        """The term with that code (KeyError when the code is not in this vocabulary)."""
        for t in self.terms:
            if t.code == code:
                return t
        raise KeyError(f"{code!r} is not a {self.name}")

    def label(self, code: Any) -> str:
        """The label of ``code``; an unknown code reads as itself, tidied (never an error)."""
        if code is None:
            return ""
        text = str(code)
        for t in self.terms:
            if t.code == text:
                return t.label
        return _tidy(text)

    def phrase(self, code: Any) -> str:
        """``code`` inside a sentence (:attr:`Term.phrase`); an unknown code as itself."""
        for t in self.terms:
            if t.code == code:
                return t.phrase
        return "" if code is None else str(code).replace("_", " ")

    def colour(self, code: Any, default: str = "#999999") -> str:
        """The colour of ``code``, or ``default`` when it has none."""
        for t in self.terms:
            if t.code == code and t.colour:
                return t.colour
        return default

    def labels(self) -> dict[str, str]:
        """Code -> label, in order."""
        return {t.code: t.label for t in self.terms}

    def colours(self) -> dict[str, str]:
        """Code -> colour for the terms that have one, in order."""
        return {t.code: t.colour for t in self.terms if t.colour}


def _vocab(name: str, *terms: Term | tuple[str, str] | tuple[str, str, str]) -> Vocabulary:
    return Vocabulary(name, tuple(t if isinstance(t, Term) else Term(*t) for t in terms))


def _tidy(code: str) -> str:
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


# -- agencies and places ---------------------------------------------------------------------

SECTORS = _vocab(
    "agency sector",
    ("police", "Police"), ("social_care", "Children's social care"),
    ("education", "Education"), ("health", "Health"), ("youth_justice", "Youth justice"),
    ("voluntary", "Voluntary sector"), ("housing", "Housing"), ("transport", "Transport"),
    ("licensing", "Licensing"), ("other", "Other"),
)

# Colours: the Okabe-Ito palette (colour-blind safe); homes purple, dashed on the map.
PLACE_KINDS = _vocab(
    "place kind",
    ("home", "Home", "#7B3294"),
    ("school", "School", "#F0E442"),
    ("takeaway", "Takeaway", "#E69F00"),
    ("hotel", "Hotel", "#CC79A7"),
    ("park", "Park", "#009E73"),
    ("transport_hub", "Transport hub", "#0072B2"),
    ("shopping_centre", "Shopping centre", "#56B4E9"),
    ("licensed_premises", "Licensed premises", "#D55E00"),
    ("address_of_concern", "Address of concern", "#000000"),
    ("youth_club", "Youth club", "#999999"),
    ("online", "Online space", "#17A2B8"),
    ("other", "Other", "#BBBBBB"),
)

# -- people and their links -----------------------------------------------------------------

# One colour per kind of person everywhere (graph, pack extracts, legends). Red and green
# are kept for harmful and protective links, so no person is drawn in them.
PERSON_KINDS = _vocab(
    "person kind",
    ("child", "Child", "#4E79A7"),
    ("adult_of_concern", "Adult of concern", "#6A3D9A"),
    ("trusted_adult", "Trusted adult", "#1B9E77"),
    ("professional", "Professional", "#7F7F7F"),
)

SEXES = _vocab(
    "sex",
    ("F", "Female"), ("M", "Male"), ("X", "Another sex"), ("U", "Not recorded"),
)

LINK_KINDS = _vocab(
    "link kind",
    ("peer", "Peer"),
    ("family", "Family"),
    ("relationship_reported", "Reported 'relationship' (grooming concern)"),
    ("associate", "Associate"),
    ("supplies", "Supplies / gives to the child"),
    ("trusted_adult", "Trusted adult"),
    ("professional", "Professional"),
)

LINK_NATURES = _vocab(
    "link nature",
    ("harmful", "Harmful", "#D62728"),
    ("protective", "Protective", "#2CA02C"),
    ("unknown", "Not known", "#8C8C8C"),
)

PRESENCE_KINDS = _vocab(
    "presence kind",
    ("seen_at", "Seen at"),
    ("found_at_after_missing", "Found there after a missing episode"),
    ("frequents", "Frequents"),
    ("lives_at", "Lives at"),
    ("harmed_at", "Harmed at"),
)

# Kinds of node in the network graph: people, and the places and online spaces they were
# seen at (the graph's own words; not a stored column).
NODE_KINDS = Vocabulary("network node kind", (
    *PERSON_KINDS.terms,
    Term("place", "Place", "#B07A3B"),
    Term("online", "Online space", PLACE_KINDS.colour("online")),
    Term("other", "Other", "#999999"),
))

# -- incidents and concerns -----------------------------------------------------------------

INCIDENT_KINDS = _vocab(
    "incident kind",
    ("missing_episode", "Missing episode"),
    ("rhi_disclosure", "Return home interview disclosure"),
    ("sexual_assault", "Sexual assault"),
    ("physical_assault", "Physical assault"),
    ("domestic_abuse_at_home", "Domestic abuse at home"),
    ("parental_substance_misuse", "Parental substance misuse"),
    ("self_harm", "Self-harm"),
    ("overdose", "Overdose"),
    ("exchange_gifts_money", "Given gifts / money by adults"),
    ("seen_in_car_with_unknown_adult", "Seen in a car with an unknown adult"),
    ("arrest", "Arrest"),
    ("intelligence_report", "Intelligence report"),
    ("exclusion", "School exclusion"),
    ("was_not_brought", "Was not brought to an appointment"),
    ("online_contact", "Contacted online by an adult"),
)

HARM_CONTEXTS = _vocab(
    "harm context",
    ("extra_familial", "Extra-familial"),
    ("intra_familial", "Intra-familial"),
    ("self", "Self-harm context"),
    ("unknown", "Not known"),
)

# Incident kinds grouped as a panel thinks of them (the Overview's chart): sexual assault,
# self-harm and overdose each stand apart, harm at home is one group, and no kind is "Other".
INCIDENT_GROUPS = _vocab(
    "incident group",
    ("sexual_assault", "Sexual assault"),
    ("physical_assault", "Physical assault"),
    ("harm_at_home", "Harm at home"),
    ("self_harm", "Self-harm"),
    ("overdose", "Overdose"),
    ("missing", "Missing and return interviews"),
    ("exploitation_signs", "Signs of exploitation"),
    ("arrests_intelligence", "Arrests and intelligence"),
    ("school_exclusion", "School exclusion"),
)
INCIDENT_GROUP_OF: dict[str, str] = {
    "sexual_assault": "sexual_assault", "physical_assault": "physical_assault",
    "domestic_abuse_at_home": "harm_at_home", "parental_substance_misuse": "harm_at_home",
    "was_not_brought": "harm_at_home", "self_harm": "self_harm", "overdose": "overdose",
    "missing_episode": "missing", "rhi_disclosure": "missing",
    "exchange_gifts_money": "exploitation_signs",
    "seen_in_car_with_unknown_adult": "exploitation_signs",
    "online_contact": "exploitation_signs", "arrest": "arrests_intelligence",
    "intelligence_report": "arrests_intelligence", "exclusion": "school_exclusion",
}
"""Each incident kind's group in :data:`INCIDENT_GROUPS` (a test checks every kind has one)."""

# Incident kinds that record harm to the child (the item summary lists each of them for the
# period); the others (arrests, intelligence, exclusions, return interviews) are records
# about the child, listed apart so that they never stand in for the harm.
NOT_HARM_KINDS: frozenset[str] = frozenset(
    {"arrest", "intelligence_report", "exclusion", "rhi_disclosure"})
# Serious harm: every one is listed by date in the item summary and the pack.
SERIOUS_HARM_KINDS: tuple[str, ...] = (
    "sexual_assault", "physical_assault", "domestic_abuse_at_home", "overdose", "self_harm")

# The Wales guide's categories of indicators of harm.
INDICATOR_CATEGORIES = _vocab(
    "indicator category",
    ("physical", "Physical"), ("emotional", "Emotional"), ("material", "Material"),
    ("behavioural", "Behavioural"),
)

INCIDENT_ROLES = _vocab(
    "role in an incident",
    ("victim", "Victim"), ("at_risk", "At risk"), ("subject", "Subject"),
    ("person_of_concern", "Person of concern"), ("witness", "Witness"),
)

CONCERN_CATEGORIES = _vocab(
    "concern category",
    Term("cse", "Child sexual exploitation", short="CSE"),
    Term("cce", "Child criminal exploitation", short="CCE"),
    Term("county_lines", "County lines"),
    Term("peer_abuse", "Peer abuse"),
    Term("online_harm", "Online harm"),
    Term("other", "Other", short="safeguarding"),
)

CONCERN_ROLES = _vocab(
    "role in a concern",
    ("victim", "Victim"), ("at_risk", "At risk"), ("person_of_concern", "Person of concern"),
)

STRENGTH_KINDS = _vocab(
    "strength",
    ("trusted_adult", "Trusted adult"), ("school", "School"), ("youth_worker", "Youth worker"),
    ("positive_activity", "Positive activity"), ("family_support", "Family support"),
    ("other", "Other"),
)

VULNERABILITY_KINDS = _vocab(
    "vulnerability",
    ("looked_after", "Looked after"), ("additional_needs", "Additional learning needs"),
    ("excluded", "Excluded from school"), ("substance_use", "Substance use"),
    ("earlier_abuse", "Earlier abuse"), ("young_carer", "Young carer"),
    ("mental_health", "Mental health"), ("other", "Other"),
)

# -- panel meetings -------------------------------------------------------------------------

AGENDA_SUBJECT_KINDS = _vocab(
    "agenda subject",
    ("child", "Child"), ("person", "Person of concern"), ("place", "Location"),
    ("group", "Peer group"),
)

AGENDA_ITEM_STATUSES = _vocab(
    "agenda item status",
    ("suggested", "Suggested"), ("accepted", "Accepted"), ("removed", "Removed"),
)

ACTION_TACTICS = _vocab(
    "tactic",
    ("child_abduction_warning_notice", "Child Abduction Warning Notice"),
    ("sexual_risk_order", "Sexual Risk Order"),
    ("closure_notice", "Closure notice"),
    ("hotel_guest_information_request", "Hotel guest information request"),
    ("licensing_review", "Licensing review"),
    ("community_guardians", "Community guardians"),
    ("patrols", "Patrols"),
    ("lighting", "Lighting"),
    ("safety_planning", "Safety planning"),
    ("referral", "Referral"),
    ("strategy_meeting", "Strategy meeting"),
    ("child_protection_medical", "Child protection medical"),
    ("return_home_interview", "Return home interview"),
    ("intelligence_development", "Develop intelligence"),
    ("criminal_investigation", "Criminal investigation"),
    ("dvpo_enforcement", "Enforce the domestic violence protection order"),
)

# The MACE plans for a person of concern (and, optionally, for any other item).
ACTION_PLANS = _vocab(
    "plan",
    ("identify", "Identify"), ("disrupt", "Disrupt"), ("pursue", "Pursue"),
)

ATTENDANCE = _vocab(
    "attendance",
    ("present", "Present"), ("apologies", "Apologies"),
)

ACTION_STATUSES = _vocab(
    "action status",
    ("open", "Open"), ("in_progress", "In progress"), ("done", "Done"),
    ("cancelled", "Cancelled"),
)
# Statuses of an action still to be done.
OPEN_ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress")
OVERDUE_COLOUR = "#fde2e1"  # background of an overdue action, on screen and in the pack

ASSESSMENT_SUBJECT_KINDS = _vocab(
    "assessment subject",
    ("group", "Peer group"), ("place", "Location"), ("ward", "Ward"),
)

ASSESSMENT_DOMAINS = _vocab(
    "assessment domain",
    ("group_functioning", "Group functioning"), ("guardianship", "Guardianship"),
    ("environment", "Environment"), ("family", "Family"),
    ("needs_strengths", "Needs and strengths"), ("policy", "Policy"),
)
# The Contextual Safeguarding assessment domains for each kind of subject.
ASSESSMENT_DOMAINS_FOR: dict[str, tuple[str, ...]] = {
    "group": ("group_functioning", "guardianship", "environment", "family"),
    "place": ("needs_strengths", "guardianship", "environment", "policy"),
}

# -- 3x5x2 intelligence grading ------------------------------------------------------------

GRADING_SOURCE = _vocab(
    "source evaluation",
    ("1", "Reliable"), ("2", "Untested"), ("3", "Not reliable"),
)
GRADING_INTEL = _vocab(
    "intelligence assessment",
    ("A", "Known directly"), ("B", "Known indirectly, corroborated"),
    ("C", "Known indirectly"), ("D", "Not known"), ("E", "Suspected to be false"),
)
GRADING_HANDLING = _vocab(
    "handling code",
    ("P", "Lawful sharing permitted"), ("C", "Lawful sharing with conditions"),
)
UNGRADED = "ungraded"


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    try:
        return str(value) not in ("", "nan", "NaT", "<NA>", "None")
    except (TypeError, ValueError):
        return True


def grading_text(source: Any, intel: Any, handling: Any, *, absent: str = UNGRADED) -> str:
    """The 3x5x2 grading as analysts write it: ``2B P`` (source and intelligence together,
    then the handling code after a space); ``absent`` when no part is recorded.

    The SQL side (:func:`data.queries.grading_sql`) gives the same string; a test proves it.
    """
    head = ""
    if _present(source):
        head += str(int(float(source)))
    if _present(intel):
        head += str(intel)
    text = f"{head} {handling}".strip() if _present(handling) else head
    return text or absent


# -- actions: the one open / overdue rule ---------------------------------------------------

def action_is_open(status: str) -> bool:
    """True while an action is still to be done (open or in progress)."""
    return status in OPEN_ACTION_STATUSES


def action_is_overdue(status: str, due: date | None, review: date | None, *,
                      today: date) -> bool:
    """True for an open or in-progress action whose due date has passed, or whose review
    date has passed (a review that has not happened is overdue too)."""
    if not action_is_open(status):
        return False
    return any(d is not None and d < today for d in (due, review))


# -- one label function for every screen ----------------------------------------------------

# The vocabularies :func:`label` looks codes up in. A code in several of them has one label
# (a test checks), so a code reads the same on every screen.
LABELLED: tuple[Vocabulary, ...] = (
    SECTORS, PLACE_KINDS, PERSON_KINDS, LINK_KINDS, LINK_NATURES, PRESENCE_KINDS,
    INCIDENT_KINDS, HARM_CONTEXTS, INCIDENT_GROUPS, INDICATOR_CATEGORIES, INCIDENT_ROLES,
    CONCERN_CATEGORIES, CONCERN_ROLES, STRENGTH_KINDS, VULNERABILITY_KINDS, AGENDA_SUBJECT_KINDS,
    AGENDA_ITEM_STATUSES, ACTION_TACTICS, ACTION_PLANS, ACTION_STATUSES, ATTENDANCE,
    ASSESSMENT_DOMAINS,
)
_LABELS: dict[str, str] = {}
for _v in LABELLED:
    for _t in _v:
        _LABELS.setdefault(_t.code, _t.label)
for _role in Role:
    _LABELS.setdefault(_role.value, ROLE_LABELS[_role])


def label(code: Any) -> str:
    """A readable label for a stored code (``missing_episode`` -> ``Missing episode``).

    Codes of the vocabularies above read as their label; any other code is tidied
    (underscores to spaces, first letter capital); None reads as "".
    """
    if code is None:
        return ""
    text = str(code)
    return _LABELS.get(text) or _tidy(text)
