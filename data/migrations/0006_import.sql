-- Imports of agency CSV/Excel files: one import_batch per file, rejected rows kept whole in
-- quarantine_row (nothing is lost), and the merge review decisions of record linkage.

-- What kind of person an agency's record describes, and their recorded sex. The importer
-- checks the values (DuckDB cannot add CHECK constraints to an existing table).
ALTER TABLE person_record ADD COLUMN kind VARCHAR;
ALTER TABLE person_record ADD COLUMN sex VARCHAR;

CREATE TABLE import_batch (
    batch_id      VARCHAR PRIMARY KEY,
    file_kind     VARCHAR NOT NULL CHECK (file_kind IN (
        'person_records', 'incidents', 'links', 'presences')),
    file_name     VARCHAR NOT NULL,
    agency_id     VARCHAR REFERENCES agency (agency_id),  -- the uploading agency, if chosen
    imported_by   VARCHAR NOT NULL,
    role          VARCHAR NOT NULL,
    imported_at   TIMESTAMP NOT NULL,
    total_rows    INTEGER NOT NULL CHECK (total_rows >= 0),
    accepted_rows INTEGER NOT NULL CHECK (accepted_rows >= 0),
    rejected_rows INTEGER NOT NULL CHECK (rejected_rows >= 0),
    CHECK (accepted_rows + rejected_rows = total_rows)
);

-- A rejected row, kept whole (raw JSON of the row as read), with every reason it failed.
CREATE TABLE quarantine_row (
    batch_id    VARCHAR NOT NULL REFERENCES import_batch (batch_id),
    row_number  INTEGER NOT NULL,             -- spreadsheet row: the header is row 1
    raw         VARCHAR NOT NULL,             -- restricted: the row as read, JSON
    columns     VARCHAR NOT NULL,             -- the column(s) at fault, comma separated
    reasons     VARCHAR NOT NULL,             -- what to fix, '; ' separated
    status      VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    PRIMARY KEY (batch_id, row_number)
);

-- A reviewer's decision on a candidate pair of person records found by record linkage.
-- No foreign keys here on purpose: DuckDB refuses an UPDATE of a row another table refers
-- to, and confirming a later match must update person_record.person_id.
CREATE TABLE merge_decision (
    record_id_l       VARCHAR NOT NULL,           -- person_record.record_id
    record_id_r       VARCHAR NOT NULL,           -- person_record.record_id
    decision          VARCHAR NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
    match_probability DOUBLE CHECK (match_probability BETWEEN 0 AND 1),
    person_id         VARCHAR,                    -- the person both now belong to
    decided_by        VARCHAR NOT NULL,
    decided_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (record_id_l, record_id_r),
    CHECK (record_id_l < record_id_r),
    CHECK ((decision = 'confirmed') = (person_id IS NOT NULL))
);
