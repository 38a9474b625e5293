-- Change history (issue 11): who changed which field of a customer, contact, quote, quote line
-- or visit from what to what, when, on which device and through which sync file. Local to each
-- installation and append-only; filled by triggers generated from the schema (history.rs), for
-- local edits and for changes applied from sync files alike. Additions are not copied here:
-- each row's created_at/created_by already says who added it and when.
CREATE TABLE change_history (
    seq          INTEGER PRIMARY KEY,
    tbl          TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    customer_id  TEXT,
    action       TEXT NOT NULL CHECK (action IN ('changed','deleted','restored')),
    col          TEXT,
    old_value    TEXT,
    new_value    TEXT,
    at           TEXT NOT NULL,
    by_user      TEXT NOT NULL,
    device_id    TEXT,
    sync_file    TEXT
);
CREATE INDEX change_history_customer ON change_history (customer_id, seq);
CREATE INDEX change_history_row ON change_history (tbl, row_id, seq);

CREATE TRIGGER change_history_no_update BEFORE UPDATE ON change_history
BEGIN SELECT RAISE(ABORT, 'change history is append-only'); END;
CREATE TRIGGER change_history_no_delete BEFORE DELETE ON change_history
BEGIN SELECT RAISE(ABORT, 'change history is append-only'); END;

-- The sync file and sending device being applied, for the history triggers.
ALTER TABLE sync_state ADD COLUMN applying_file TEXT;
ALTER TABLE sync_state ADD COLUMN applying_device TEXT;
