-- CSMap schema, version 1.
-- Every fact carries provenance: source_agency (FK), recorded_date, and where it is
-- intelligence the UK 3x5x2 grading (source 1-3, intelligence A-E, handling P/C).
-- Restricted columns (names, dates of birth, narratives, exact addresses) are masked by the
-- gateway (data/store.py) unless the viewer's role and mode entitle them.

CREATE TABLE agency (
    agency_id    VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    sector       VARCHAR NOT NULL CHECK (sector IN (
        'police', 'social_care', 'education', 'health', 'youth_justice',
        'voluntary', 'housing', 'transport', 'licensing', 'other'))
);

CREATE TABLE ward (
    ward_code        VARCHAR PRIMARY KEY,
    name             VARCHAR NOT NULL,
    child_population INTEGER NOT NULL CHECK (child_population >= 0),
    geometry_wkb     BLOB NOT NULL
);

CREATE TABLE place (
    place_id      VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL CHECK (kind IN (
        'home', 'school', 'takeaway', 'hotel', 'park', 'transport_hub', 'shopping_centre',
        'licensed_premises', 'address_of_concern', 'youth_club', 'online', 'other')),
    name          VARCHAR NOT NULL,       -- public name of a business/space; for homes restricted
    ward_code     VARCHAR REFERENCES ward (ward_code),
    lon           DOUBLE,
    lat           DOUBLE,
    platform      VARCHAR,                -- online spaces only
    guardianship  VARCHAR,                -- who watches the place (staff, CCTV, community)
    source_agency VARCHAR NOT NULL REFERENCES agency (agency_id),
    recorded_date DATE NOT NULL,
    CHECK ((kind = 'online') = (lon IS NULL)),
    CHECK ((lon IS NULL) = (lat IS NULL)),
    CHECK (lon IS NULL OR (lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90)),
    CHECK (kind = 'online' OR ward_code IS NOT NULL),
    CHECK (platform IS NULL OR kind = 'online')
);

CREATE TABLE person (
    person_id        VARCHAR PRIMARY KEY,
    pseudonym        VARCHAR NOT NULL UNIQUE,   -- always present, safe on a shared screen
    kind             VARCHAR NOT NULL CHECK (kind IN (
        'child', 'adult_of_concern', 'trusted_adult', 'professional')),
    given_name       VARCHAR,                   -- restricted
    family_name      VARCHAR,                   -- restricted
    date_of_birth    DATE,                      -- restricted
    age_years        INTEGER CHECK (age_years IS NULL OR age_years BETWEEN 0 AND 120),
    sex              VARCHAR NOT NULL DEFAULT 'U' CHECK (sex IN ('F', 'M', 'X', 'U')),
    ethnicity        VARCHAR,                   -- optional, for disproportionality checks
    looked_after     BOOLEAN NOT NULL DEFAULT FALSE,
    additional_needs BOOLEAN NOT NULL DEFAULT FALSE,
    school_place_id  VARCHAR REFERENCES place (place_id),
    home_place_id    VARCHAR REFERENCES place (place_id),
    role_title       VARCHAR,                   -- professionals and trusted adults
    source_agency    VARCHAR NOT NULL REFERENCES agency (agency_id),
    recorded_date    DATE NOT NULL,
    CHECK (kind <> 'child' OR age_years IS NULL OR age_years < 18)
);

-- One row per record of a person held by an agency's system (spelling variations);
-- person_id is the confirmed match, NULL while a merge awaits review.
CREATE TABLE person_record (
    record_id     VARCHAR PRIMARY KEY,
    person_id     VARCHAR REFERENCES person (person_id),
    agency_id     VARCHAR NOT NULL REFERENCES agency (agency_id),
    local_ref     VARCHAR NOT NULL,
    given_name    VARCHAR,
    family_name   VARCHAR,
    date_of_birth DATE,
    postcode      VARCHAR,
    recorded_date DATE NOT NULL,
    UNIQUE (agency_id, local_ref)
);

CREATE TABLE peer_group (
    group_id      VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    source_agency VARCHAR NOT NULL REFERENCES agency (agency_id),
    recorded_date DATE NOT NULL
);

CREATE TABLE group_membership (
    group_id      VARCHAR NOT NULL REFERENCES peer_group (group_id),
    person_id     VARCHAR NOT NULL REFERENCES person (person_id),
    start_date    DATE NOT NULL,
    end_date      DATE,
    source_agency VARCHAR NOT NULL REFERENCES agency (agency_id),
    recorded_date DATE NOT NULL,
    PRIMARY KEY (group_id, person_id, start_date),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

CREATE TABLE link (
    link_id          VARCHAR PRIMARY KEY,
    source_person_id VARCHAR NOT NULL REFERENCES person (person_id),
    target_person_id VARCHAR NOT NULL REFERENCES person (person_id),
    kind             VARCHAR NOT NULL CHECK (kind IN (
        'peer', 'family', 'relationship_reported', 'associate', 'supplies',
        'trusted_adult', 'professional')),
    nature           VARCHAR NOT NULL CHECK (nature IN ('harmful', 'protective', 'unknown')),
    first_seen       DATE NOT NULL,
    last_seen        DATE NOT NULL,
    source_agency    VARCHAR NOT NULL REFERENCES agency (agency_id),
    recorded_date    DATE NOT NULL,
    grading_source   INTEGER CHECK (grading_source IS NULL OR grading_source BETWEEN 1 AND 3),
    grading_intel    VARCHAR CHECK (grading_intel IS NULL OR grading_intel IN ('A', 'B', 'C', 'D', 'E')),
    grading_handling VARCHAR CHECK (grading_handling IS NULL OR grading_handling IN ('P', 'C')),
    verified         BOOLEAN NOT NULL DEFAULT FALSE,
    evidence         VARCHAR[] NOT NULL DEFAULT [],  -- incident ids
    CHECK (source_person_id <> target_person_id),
    CHECK (last_seen >= first_seen)
);

CREATE TABLE presence (
    presence_id      VARCHAR PRIMARY KEY,
    person_id        VARCHAR NOT NULL REFERENCES person (person_id),
    place_id         VARCHAR NOT NULL REFERENCES place (place_id),
    kind             VARCHAR NOT NULL CHECK (kind IN (
        'seen_at', 'found_at_after_missing', 'frequents', 'lives_at', 'harmed_at')),
    seen_at          TIMESTAMP NOT NULL,
    source_agency    VARCHAR NOT NULL REFERENCES agency (agency_id),
    recorded_date    DATE NOT NULL,
    grading_source   INTEGER CHECK (grading_source IS NULL OR grading_source BETWEEN 1 AND 3),
    grading_intel    VARCHAR CHECK (grading_intel IS NULL OR grading_intel IN ('A', 'B', 'C', 'D', 'E')),
    grading_handling VARCHAR CHECK (grading_handling IS NULL OR grading_handling IN ('P', 'C')),
    incident_id      VARCHAR                       -- the incident that recorded it, if any
);

CREATE TABLE incident (
    incident_id      VARCHAR PRIMARY KEY,
    occurred_at      TIMESTAMP NOT NULL,
    kind             VARCHAR NOT NULL CHECK (kind IN (
        'missing_episode', 'rhi_disclosure', 'sexual_assault', 'physical_assault',
        'domestic_abuse_at_home', 'parental_substance_misuse', 'self_harm', 'overdose',
        'exchange_gifts_money', 'seen_in_car_with_unknown_adult', 'arrest',
        'intelligence_report', 'exclusion', 'was_not_brought', 'online_contact')),
    harm_context     VARCHAR NOT NULL CHECK (harm_context IN (
        'extra_familial', 'intra_familial', 'self', 'unknown')),
    place_id         VARCHAR REFERENCES place (place_id),
    agency_id        VARCHAR NOT NULL REFERENCES agency (agency_id),
    indicators       VARCHAR[] NOT NULL DEFAULT [],  -- physical/emotional/material/behavioural
    narrative        VARCHAR,                        -- restricted
    child_words      VARCHAR,                        -- the child's own words, restricted
    recorded_date    DATE NOT NULL,
    grading_source   INTEGER CHECK (grading_source IS NULL OR grading_source BETWEEN 1 AND 3),
    grading_intel    VARCHAR CHECK (grading_intel IS NULL OR grading_intel IN ('A', 'B', 'C', 'D', 'E')),
    grading_handling VARCHAR CHECK (grading_handling IS NULL OR grading_handling IN ('P', 'C')),
    CHECK (list_has_all(['physical', 'emotional', 'material', 'behavioural'], indicators))
);

CREATE TABLE incident_person (
    incident_id VARCHAR NOT NULL REFERENCES incident (incident_id),
    person_id   VARCHAR NOT NULL REFERENCES person (person_id),
    role        VARCHAR NOT NULL CHECK (role IN (
        'victim', 'at_risk', 'subject', 'person_of_concern', 'witness')),
    PRIMARY KEY (incident_id, person_id)
);

-- A concern is a person's role in safeguarding work, with review and retention dates.
CREATE TABLE concern (
    concern_id      VARCHAR PRIMARY KEY,
    person_id       VARCHAR NOT NULL REFERENCES person (person_id),
    category        VARCHAR NOT NULL CHECK (category IN (
        'cse', 'cce', 'county_lines', 'peer_abuse', 'online_harm', 'other')),
    role            VARCHAR NOT NULL CHECK (role IN ('victim', 'at_risk', 'person_of_concern')),
    opened_on       DATE NOT NULL,
    closed_on       DATE,
    review_date     DATE NOT NULL,
    retention_until DATE NOT NULL,
    source_agency   VARCHAR NOT NULL REFERENCES agency (agency_id),
    recorded_date   DATE NOT NULL,
    CHECK (closed_on IS NULL OR closed_on >= opened_on),
    CHECK (retention_until >= opened_on)
);

CREATE TABLE strength (
    strength_id   VARCHAR PRIMARY KEY,
    person_id     VARCHAR NOT NULL REFERENCES person (person_id),
    kind          VARCHAR NOT NULL CHECK (kind IN (
        'trusted_adult', 'school', 'youth_worker', 'positive_activity', 'family_support',
        'other')),
    description   VARCHAR NOT NULL,
    source_agency VARCHAR NOT NULL REFERENCES agency (agency_id),
    recorded_date DATE NOT NULL
);

CREATE TABLE vulnerability (
    vulnerability_id VARCHAR PRIMARY KEY,
    person_id        VARCHAR NOT NULL REFERENCES person (person_id),
    kind             VARCHAR NOT NULL CHECK (kind IN (
        'looked_after', 'additional_needs', 'excluded', 'substance_use', 'earlier_abuse',
        'young_carer', 'mental_health', 'other')),
    since            DATE,
    source_agency    VARCHAR NOT NULL REFERENCES agency (agency_id),
    recorded_date    DATE NOT NULL
);

CREATE TABLE meeting (
    meeting_id VARCHAR PRIMARY KEY,
    held_on    DATE NOT NULL,
    title      VARCHAR NOT NULL,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE agenda_item (
    item_id      VARCHAR PRIMARY KEY,
    meeting_id   VARCHAR NOT NULL REFERENCES meeting (meeting_id),
    subject_kind VARCHAR NOT NULL CHECK (subject_kind IN ('child', 'place', 'group')),
    subject_id   VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('suggested', 'accepted', 'removed')),
    position     INTEGER NOT NULL DEFAULT 0,
    decision     VARCHAR,
    language_flags VARCHAR[] NOT NULL DEFAULT [],
    UNIQUE (meeting_id, subject_kind, subject_id)
);

CREATE TABLE action (
    action_id      VARCHAR PRIMARY KEY,
    meeting_id     VARCHAR NOT NULL REFERENCES meeting (meeting_id),
    item_id        VARCHAR REFERENCES agenda_item (item_id),
    tactic         VARCHAR NOT NULL CHECK (tactic IN (
        'child_abduction_warning_notice', 'sexual_risk_order', 'closure_notice',
        'hotel_guest_information_request', 'licensing_review', 'community_guardians',
        'patrols', 'lighting', 'safety_planning', 'referral', 'strategy_meeting',
        'child_protection_medical', 'return_home_interview')),
    description    VARCHAR NOT NULL DEFAULT '',
    owner_agency   VARCHAR NOT NULL REFERENCES agency (agency_id),
    due_date       DATE NOT NULL,
    review_date    DATE,
    status         VARCHAR NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    created_by     VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    language_flags VARCHAR[] NOT NULL DEFAULT []
);

-- Contextual Safeguarding peer-group and location assessments.
CREATE TABLE assessment (
    assessment_id  VARCHAR PRIMARY KEY,
    subject_kind   VARCHAR NOT NULL CHECK (subject_kind IN ('group', 'place', 'ward')),
    subject_id     VARCHAR NOT NULL,
    domain         VARCHAR NOT NULL CHECK (domain IN (
        'group_functioning', 'guardianship', 'environment', 'family', 'needs_strengths',
        'policy')),
    body           VARCHAR NOT NULL,
    source_agency  VARCHAR NOT NULL REFERENCES agency (agency_id),
    assessed_on    DATE NOT NULL,
    created_by     VARCHAR NOT NULL,
    language_flags VARCHAR[] NOT NULL DEFAULT []
);

CREATE TABLE audit_event (
    event_id    BIGINT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor       VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    action      VARCHAR NOT NULL CHECK (action IN (
        'view', 'search', 'export', 'create', 'update', 'delete', 'denied')),
    object_kind VARCHAR NOT NULL,
    object_id   VARCHAR,
    purpose     VARCHAR NOT NULL,
    detail      VARCHAR
);
CREATE SEQUENCE audit_event_seq START 1;

-- What the synthetic generator planted, so tests can check analytics recover it.
CREATE TABLE planted_truth (
    kind      VARCHAR NOT NULL CHECK (kind IN (
        'hub_place', 'facilitator', 'hub_adult', 'peer_group_member', 'duplicate_record',
        'escalation')),
    object_id VARCHAR NOT NULL,
    detail    VARCHAR,
    PRIMARY KEY (kind, object_id)
);

CREATE TABLE dataset_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
