-- Head-office exchange (issue 6): change capture, peers, exchange history, conflict inbox and
-- duplicate claims. See docs/sync.md. The per-table capture triggers are generated from the
-- schema when the database is opened (sync::capture), like the search index they are derived.

-- One row: the hybrid logical clock of the write in progress (set by Kam::write), the local
-- change sequence (what peers acknowledge), and the mode: 0 normal; 1 the importer is applying
-- a file (capture triggers and "immutable" guards stand aside: the importer keeps the clocks
-- itself and the writer's device already enforced the rules); 2 head office is merging or
-- restoring (captured, guards aside: a merge moves sent quotes to the customer kept).
CREATE TABLE sync_state (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    hlc       INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    applying  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_state (one, hlc, seq, applying) VALUES (1, 0, 1, 0);

-- Devices met in sync files, numbered locally; 0 is always this device.
CREATE TABLE sync_devices (
    no         INTEGER PRIMARY KEY,
    device_id  TEXT NOT NULL UNIQUE
);

-- The clock of each row's creation (hlc, device) and the local sequence it was stored at.
CREATE TABLE sync_rows (
    tbl     TEXT NOT NULL,
    row_id  TEXT NOT NULL,
    hlc     INTEGER NOT NULL,
    dev     INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;
CREATE INDEX sync_rows_seq ON sync_rows(seq);

-- The clock of each field changed after its row was created.
CREATE TABLE sync_cols (
    tbl     TEXT NOT NULL,
    row_id  TEXT NOT NULL,
    col     TEXT NOT NULL,
    hlc     INTEGER NOT NULL,
    dev     INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (tbl, row_id, col)
) WITHOUT ROWID;
CREATE INDEX sync_cols_seq ON sync_cols(seq);

-- Customers whose owner changed: the new owner must receive the whole dossier, the old one
-- the customer row saying who owns it now.
CREATE TABLE sync_resend (
    id           INTEGER PRIMARY KEY,
    customer_id  TEXT NOT NULL,
    from_owner   TEXT,
    to_owner     TEXT,
    seq          INTEGER NOT NULL
);
CREATE INDEX sync_resend_seq ON sync_resend(seq);
CREATE TRIGGER sync_customer_owner AFTER UPDATE OF owner_id ON customers
WHEN NEW.owner_id IS NOT OLD.owner_id
BEGIN
    UPDATE sync_state SET seq = seq + 1;
    INSERT INTO sync_resend (customer_id, from_owner, to_owner, seq)
    SELECT NEW.id, OLD.owner_id, NEW.owner_id, seq FROM sync_state;
END;

-- Who this device exchanges with (head office on a field device; every enrolled device at
-- head office). received_seq: the highest of their sequence numbers we have; acked_seq: the
-- highest of ours they have confirmed receiving.
CREATE TABLE sync_peers (
    device_id      TEXT PRIMARY KEY,
    user_id        TEXT,
    role           TEXT NOT NULL CHECK (role IN ('rep','manager','head_office')),
    name           TEXT NOT NULL DEFAULT '',
    signing_key    TEXT NOT NULL,
    age_recipient  TEXT NOT NULL,
    received_seq   INTEGER NOT NULL DEFAULT 0,
    acked_seq      INTEGER NOT NULL DEFAULT 0,
    enrolled_at    TEXT NOT NULL,
    last_import_at TEXT,
    last_export_at TEXT
);

-- Enrollments issued by head office, each redeemed by the first file of the device that holds it.
CREATE TABLE sync_enrollments (
    token       TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL CHECK (role IN ('rep','manager')),
    issued_at   TEXT NOT NULL,
    issued_by   TEXT NOT NULL,
    device_id   TEXT
);

-- Every file exported or applied, for the exchange history.
CREATE TABLE sync_history (
    id           TEXT PRIMARY KEY,
    direction    TEXT NOT NULL CHECK (direction IN ('export','import')),
    peer_device  TEXT NOT NULL,
    peer_name    TEXT NOT NULL DEFAULT '',
    file_name    TEXT NOT NULL DEFAULT '',
    file_id      TEXT NOT NULL,          -- hex of the file's signature: the same file is recognised
    changes      INTEGER NOT NULL DEFAULT 0,
    refused      INTEGER NOT NULL DEFAULT 0,
    conflicts    INTEGER NOT NULL DEFAULT 0,
    duplicates   INTEGER NOT NULL DEFAULT 0,
    at           TEXT NOT NULL,
    by_user      TEXT NOT NULL
);
CREATE INDEX sync_history_at ON sync_history(at);
CREATE INDEX sync_history_file ON sync_history(file_id);

-- 冲突收件箱: a field two people changed since they last exchanged; the losing value is kept
-- for a person to confirm or reverse.
CREATE TABLE sync_conflicts (
    id            TEXT PRIMARY KEY,
    tbl           TEXT NOT NULL,
    row_id        TEXT NOT NULL,
    col           TEXT NOT NULL,
    winner_value  TEXT,                 -- JSON
    winner_device TEXT NOT NULL,
    winner_hlc    INTEGER NOT NULL,
    loser_value   TEXT,                 -- JSON
    loser_device  TEXT NOT NULL,
    loser_hlc     INTEGER NOT NULL,
    detected_at   TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','confirmed','reversed')),
    resolved_at   TEXT,
    resolved_by   TEXT
);
CREATE INDEX sync_conflicts_open ON sync_conflicts(detected_at) WHERE status = 'open';

-- 撞单: two customers that look like the same company, created by different people.
CREATE TABLE duplicate_claims (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL,
    other_id      TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (reason IN ('credit_code','name')),
    detected_at   TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','merged','dismissed')),
    resolved_at   TEXT,
    resolved_by   TEXT
);
CREATE UNIQUE INDEX duplicate_claims_pair ON duplicate_claims(customer_id, other_id);

-- A merged customer points at the one it was merged into.
ALTER TABLE customers ADD COLUMN merged_into TEXT;

-- Two reps may register the same company offline: the database can no longer refuse the
-- second credit code (the core still refuses it on one device); head office merges them.
DROP INDEX customers_credit_code;
CREATE INDEX customers_credit_code ON customers(credit_code) WHERE credit_code IS NOT NULL AND deleted_at IS NULL;

-- The importer applies rows as their writers' devices accepted them: the guards below stand
-- aside while it runs (sync_state.applying <> 0) and hold for every local write.
DROP TRIGGER pricing_policies_immutable;
CREATE TRIGGER pricing_policies_immutable BEFORE UPDATE ON pricing_policies
WHEN (SELECT applying FROM sync_state) = 0 AND (
     NEW.profit_tiers IS NOT OLD.profit_tiers OR NEW.rebate_tiers IS NOT OLD.rebate_tiers
  OR NEW.discount_standard IS NOT OLD.discount_standard OR NEW.effective_from IS NOT OLD.effective_from
  OR NEW.version IS NOT OLD.version OR NEW.department_roles IS NOT OLD.department_roles
  OR NEW.general_manager_roles IS NOT OLD.general_manager_roles)
BEGIN
    SELECT RAISE(ABORT, 'pricing policy versions are immutable: add a new version');
END;
DROP TRIGGER quotes_sent_immutable;
CREATE TRIGGER quotes_sent_immutable BEFORE UPDATE ON quotes
WHEN (SELECT applying FROM sync_state) = 0 AND OLD.status IN ('sent','won','lost','expired') AND (
       NEW.customer_id IS NOT OLD.customer_id OR NEW.policy_id IS NOT OLD.policy_id
    OR NEW.dealer_led IS NOT OLD.dealer_led OR NEW.quote_date IS NOT OLD.quote_date
    OR NEW.valid_until IS NOT OLD.valid_until OR NEW.notes IS NOT OLD.notes
    OR NEW.total_fen IS NOT OLD.total_fen OR NEW.number IS NOT OLD.number
    OR NEW.revision IS NOT OLD.revision OR NEW.deleted_at IS NOT OLD.deleted_at
    OR NEW.submission IS NOT OLD.submission OR NEW.required_approvals IS NOT OLD.required_approvals
    OR (OLD.status <> 'sent' AND NEW.status IS NOT OLD.status)
    OR NEW.status NOT IN ('sent','won','lost','expired'))
BEGIN
    SELECT RAISE(ABORT, 'a sent quote is immutable: make a revision');
END;
DROP TRIGGER quote_lines_insert_frozen;
CREATE TRIGGER quote_lines_insert_frozen BEFORE INSERT ON quote_lines
WHEN (SELECT applying FROM sync_state) = 0
 AND (SELECT status FROM quotes WHERE id = NEW.quote_id) IN ('sent','won','lost','expired')
BEGIN
    SELECT RAISE(ABORT, 'a sent quote is immutable: make a revision');
END;
DROP TRIGGER quote_lines_update_frozen;
CREATE TRIGGER quote_lines_update_frozen BEFORE UPDATE ON quote_lines
WHEN (SELECT applying FROM sync_state) = 0
 AND (SELECT status FROM quotes WHERE id = OLD.quote_id) IN ('sent','won','lost','expired')
BEGIN
    SELECT RAISE(ABORT, 'a sent quote is immutable: make a revision');
END;
DROP TRIGGER quote_approvals_no_update;
CREATE TRIGGER quote_approvals_no_update BEFORE UPDATE ON quote_approvals
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    SELECT RAISE(ABORT, 'approvals are append-only and cannot be edited');
END;
DROP TRIGGER complaint_actions_append_only;
CREATE TRIGGER complaint_actions_append_only BEFORE UPDATE ON complaint_actions
WHEN (SELECT applying FROM sync_state) = 0 AND (
       NEW.complaint_id IS NOT OLD.complaint_id OR NEW.kind IS NOT OLD.kind OR NEW.note IS NOT OLD.note
    OR NEW.acted_at IS NOT OLD.acted_at)
BEGIN
    SELECT RAISE(ABORT, 'complaint handling records are append-only');
END;

-- Rows written before this version: their creation clock is their last update.
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'users', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM users WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'customers', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM customers WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'contacts', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM contacts WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'contact_changes', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM contact_changes WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'tier_changes', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM tier_changes WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'projects', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM projects WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'records', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM records WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'pricing_policies', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM pricing_policies WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'products', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM products WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'quotes', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM quotes WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'quote_lines', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM quote_lines WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'quote_approvals', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM quote_approvals WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'visit_plans', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM visit_plans WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'visits', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM visits WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'cadence_rules', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM cadence_rules WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'complaint_deadlines', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM complaint_deadlines WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'complaints', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM complaints WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'complaint_actions', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM complaint_actions WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'survey_dimensions', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM survey_dimensions WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'surveys', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM surveys WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'survey_scores', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM survey_scores WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'sales_targets', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM sales_targets WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'sales', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM sales WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'collections', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM collections WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'receivables', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM receivables WHERE created_by <> 'system';
INSERT INTO sync_rows (tbl, row_id, hlc, dev, seq) SELECT 'performance_inputs', id, CAST((julianday(updated_at) - 2440587.5) * 86400000 AS INTEGER) * 65536, 0, 1 FROM performance_inputs WHERE created_by <> 'system';
