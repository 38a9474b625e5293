-- Recorded acts (issue 11): every export writes an entry — who, when, what (kind, filters, row
-- count), where (path) and on which device. Append-only and hash-chained per device: each
-- entry's hash covers the previous one's, so an altered or dropped entry breaks the chain
-- (`Kam::verify_audit_chain`). Local for now; carrying the entries to head office in sync files
-- is the next step (docs/roles.md).
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL,
    device_seq  INTEGER NOT NULL,
    user_id     TEXT NOT NULL,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    row_count   INTEGER,
    path        TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (device_id, device_seq)
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
