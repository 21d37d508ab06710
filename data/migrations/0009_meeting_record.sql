-- The meeting record that holds (issue 17).
--
-- * Decisions get their own table, one row per saved wording (the latest is the decision).
--   Saving a decision used to UPDATE agenda_item's language_flags list, which DuckDB runs
--   as a delete and an insert: refused with a foreign-key violation as soon as the item had
--   an action. Nothing now updates a list column of a row another table refers to.
-- * Person-of-concern agenda items (a MACE agenda has victims, persons of concern and
--   locations), with identify / disrupt / pursue plans on their actions.
-- * An action's owner is a named person with a role, in an agency; it has no default
--   tactic. Three tactics join the list (developing intelligence, a criminal investigation,
--   enforcing a domestic violence protection order).
-- * A meeting records who attended (or sent apologies) and the date of the next meeting.
--
-- DuckDB cannot change a CHECK constraint of an existing table, nor drop a table another
-- refers to, so meeting, agenda_item and action are copied, dropped and created again (in
-- this migration's one transaction), keeping every row.

CREATE TEMP TABLE meeting_0009 AS SELECT * FROM meeting;
CREATE TEMP TABLE agenda_item_0009 AS SELECT * FROM agenda_item;
CREATE TEMP TABLE action_0009 AS SELECT * FROM action;
DROP TABLE action;
DROP TABLE agenda_item;
DROP TABLE meeting;

CREATE TABLE meeting (
    meeting_id   VARCHAR PRIMARY KEY,
    held_on      DATE NOT NULL,
    title        VARCHAR NOT NULL,
    created_by   VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    next_held_on DATE                               -- the next meeting, when agreed
);

CREATE TABLE agenda_item (
    item_id      VARCHAR PRIMARY KEY,
    meeting_id   VARCHAR NOT NULL REFERENCES meeting (meeting_id),
    subject_kind VARCHAR NOT NULL CHECK (subject_kind IN ('child', 'person', 'place', 'group')),
    subject_id   VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('suggested', 'accepted', 'removed')),
    position     INTEGER NOT NULL DEFAULT 0,
    language_flags VARCHAR[] NOT NULL DEFAULT [],  -- flags of the reason, set once
    UNIQUE (meeting_id, subject_kind, subject_id)
);

-- Every saved wording of an item's decision; the newest is the decision, the others show
-- what was written before (and the language flags any wording carried stay on record).
CREATE TABLE item_decision (
    decision_id    VARCHAR PRIMARY KEY,
    item_id        VARCHAR NOT NULL REFERENCES agenda_item (item_id),
    decision       VARCHAR NOT NULL,
    language_flags VARCHAR[] NOT NULL DEFAULT [],
    recorded_by    VARCHAR NOT NULL,
    recorded_at    TIMESTAMP NOT NULL
);

CREATE TABLE action (
    action_id      VARCHAR PRIMARY KEY,
    meeting_id     VARCHAR NOT NULL REFERENCES meeting (meeting_id),
    item_id        VARCHAR REFERENCES agenda_item (item_id),
    plan           VARCHAR CHECK (plan IS NULL OR plan IN ('identify', 'disrupt', 'pursue')),
    tactic         VARCHAR NOT NULL CHECK (tactic IN (
        'child_abduction_warning_notice', 'sexual_risk_order', 'closure_notice',
        'hotel_guest_information_request', 'licensing_review', 'community_guardians',
        'patrols', 'lighting', 'safety_planning', 'referral', 'strategy_meeting',
        'child_protection_medical', 'return_home_interview', 'intelligence_development',
        'criminal_investigation', 'dvpo_enforcement')),
    description    VARCHAR NOT NULL DEFAULT '',
    owner_name     VARCHAR NOT NULL DEFAULT '',     -- the named person who owns it
    owner_role     VARCHAR NOT NULL DEFAULT '',     -- their role (e.g. "DS, exploitation team")
    owner_agency   VARCHAR NOT NULL REFERENCES agency (agency_id),
    due_date       DATE NOT NULL,
    review_date    DATE,
    status         VARCHAR NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    created_by     VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    language_flags VARCHAR[] NOT NULL DEFAULT []
);

-- Who was at the meeting, or sent apologies, with their role and agency.
CREATE TABLE meeting_attendee (
    attendee_id VARCHAR PRIMARY KEY,
    meeting_id  VARCHAR NOT NULL REFERENCES meeting (meeting_id),
    name        VARCHAR NOT NULL,
    role        VARCHAR NOT NULL DEFAULT '',
    agency_id   VARCHAR NOT NULL REFERENCES agency (agency_id),
    attendance  VARCHAR NOT NULL CHECK (attendance IN ('present', 'apologies')),
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

INSERT INTO meeting (meeting_id, held_on, title, created_by, created_at)
    SELECT meeting_id, held_on, title, created_by, created_at FROM meeting_0009;
INSERT INTO agenda_item (item_id, meeting_id, subject_kind, subject_id, reason, status,
                         position, language_flags)
    SELECT item_id, meeting_id, subject_kind, subject_id, reason, status, position,
           language_flags FROM agenda_item_0009;
-- a decision saved before this migration becomes the item's first recorded wording (its
-- flags were kept on the item, and stay there)
INSERT INTO item_decision (decision_id, item_id, decision, language_flags, recorded_by,
                           recorded_at)
    SELECT 'D-' || a.item_id, a.item_id, a.decision, [], coalesce(m.created_by, 'unknown'),
           coalesce(m.created_at, TIMESTAMP '2000-01-01')
    FROM agenda_item_0009 a LEFT JOIN meeting_0009 m USING (meeting_id)
    WHERE a.decision IS NOT NULL AND trim(a.decision) <> '';
INSERT INTO action (action_id, meeting_id, item_id, tactic, description, owner_agency,
                    due_date, review_date, status, created_by, created_at, language_flags)
    SELECT action_id, meeting_id, item_id, tactic, description, owner_agency, due_date,
           review_date, status, created_by, created_at, language_flags FROM action_0009;

DROP TABLE action_0009;
DROP TABLE agenda_item_0009;
DROP TABLE meeting_0009;
