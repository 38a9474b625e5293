-- Importing customers from Excel, WPS and CSV (issue 12).

-- The customer code of the system a customer came from (客户编码 in an old list): the first
-- duplicate key of an import, so importing the same list again updates instead of filing twice.
ALTER TABLE customers ADD COLUMN legacy_code TEXT;
CREATE INDEX customers_legacy_code ON customers(legacy_code) WHERE legacy_code IS NOT NULL;

-- One applied import (local, never synced): who, when, which file, what it did.
CREATE TABLE import_batches (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,               -- 'customers'
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    created_count  INTEGER NOT NULL,
    updated_count  INTEGER NOT NULL,
    skipped_count  INTEGER NOT NULL,
    error_count    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    undone_at   TEXT,
    undone_by   TEXT REFERENCES users(id)
);

-- What a batch did to each row: a customer or contact it created, or the fields of a customer
-- it changed (before and after, JSON), so undo can put them back while they are unchanged.
CREATE TABLE import_batch_rows (
    batch_id    TEXT NOT NULL REFERENCES import_batches(id),
    row_no      INTEGER NOT NULL,
    entity      TEXT NOT NULL,               -- 'customer' | 'contact'
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL,               -- 'created' | 'updated'
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX import_batch_rows_batch ON import_batch_rows(batch_id);
