-- Audit events as types (domain/audit.py). Each row keeps its event type, who acted (actor,
-- role, sign-in session), the object, the purpose, and as first-class columns the people in
-- it and, for a disclosure, its recipients; the type's other fields are JSON in `fields`.
-- DuckDB cannot add CHECK constraints to an existing table, so the table is rebuilt: rows
-- written before this migration become 'legacy' events keeping their free-form action and
-- detail. The event ids and their sequence carry on.
ALTER TABLE audit_event RENAME TO audit_event_0001;

CREATE TABLE audit_event (
    event_id    BIGINT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    actor       VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    session_id  VARCHAR,                          -- the sign-in session, once sign-in exists
    event_type  VARCHAR NOT NULL CHECK (event_type IN (
        'consultation', 'disclosure', 'search', 'access_denied', 'record_created',
        'record_updated', 'record_deleted', 'erasure', 'data_imported', 'legacy')),
    object_kind VARCHAR NOT NULL,
    object_id   VARCHAR,
    purpose     VARCHAR NOT NULL,
    recipients  VARCHAR[] NOT NULL DEFAULT [],    -- who received a disclosure
    person_ids  VARCHAR[] NOT NULL DEFAULT [],    -- the people the event names (ids only)
    fields      VARCHAR NOT NULL DEFAULT '{}',    -- the event type's own fields, JSON
    CHECK (event_type <> 'disclosure' OR len(recipients) > 0),
    CHECK (NOT list_contains(recipients, '')),
    CHECK (json_valid(fields))
);

INSERT INTO audit_event
SELECT event_id, occurred_at, actor, role, NULL, 'legacy', object_kind, object_id, purpose,
       [], CASE WHEN object_kind = 'person' AND object_id IS NOT NULL THEN [object_id]
                ELSE [] END,
       json_object('action', action, 'detail', detail)::VARCHAR
FROM audit_event_0001;

DROP TABLE audit_event_0001;
