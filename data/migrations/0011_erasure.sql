-- An erasure in progress (services/protection.py): written before the first row is deleted,
-- moved on step by step in the same transactions as the deletions, so an interrupted erasure
-- is finished by running it again. The rewrite of the database into a fresh file that ends
-- an erasure copies this table's schema but none of its rows. At most one at a time.
-- No foreign key to person: the person row is deleted while this row stays.
CREATE TABLE erasure (
    person_id    VARCHAR PRIMARY KEY,
    pseudonym    VARCHAR NOT NULL,
    step         VARCHAR NOT NULL CHECK (step IN (
        'planned', 'rows_deleted', 'person_deleted', 'home_checked', 'rewrite')),
    plan         VARCHAR NOT NULL CHECK (json_valid(plan)),  -- ids and counts only
    requested_by VARCHAR NOT NULL,
    purpose      VARCHAR NOT NULL,   -- the person's names are redacted with the audit's
    started_at   TIMESTAMP NOT NULL
);
