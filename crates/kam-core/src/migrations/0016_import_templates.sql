-- The import wizard (issue 12): named mapping templates, and the reason a clerk gave for
-- creating a customer anyway beside a similar one.

-- A column mapping saved under a name (local, never synced): offered again when a file with the
-- same header shape is imported. `shape` is the normalised headers joined (see
-- import/templates.rs); `mapping_json` is {header: field}.
CREATE TABLE import_templates (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,               -- 'customers', …
    name         TEXT NOT NULL,
    shape        TEXT NOT NULL,
    headers_json TEXT NOT NULL,
    mapping_json TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users(id),
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL REFERENCES users(id),
    deleted_at   TEXT
);
CREATE UNIQUE INDEX import_templates_name ON import_templates(kind, name) WHERE deleted_at IS NULL;
CREATE INDEX import_templates_shape ON import_templates(kind, shape) WHERE deleted_at IS NULL;

-- 仍然新建: why a row was created although it looked like an existing customer.
ALTER TABLE import_batch_rows ADD COLUMN reason TEXT;
