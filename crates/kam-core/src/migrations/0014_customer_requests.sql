-- Requests to head office (issue 11): making a customer 战略客户 and assigning its customer code
-- are head office's. A rep or a manager on a field device files a request (the kind, the
-- customer, a reason); it travels to head office in the next sync file, head office approves it
-- (the change is made there, by the person deciding) or refuses it with a reason, and the
-- outcome travels back in the return file. Synced (sync/tables.rs): a field device may only add
-- pending requests for its own customers; the decision columns are head office's.
CREATE TABLE customer_requests (
    id             TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers(id),
    kind           TEXT NOT NULL CHECK (kind IN ('strategic_tier','customer_code')),
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','refused')),
    decided_by     TEXT REFERENCES users(id),
    decided_at     TEXT,
    decision_note  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    deleted_at     TEXT
);
CREATE INDEX customer_requests_customer ON customer_requests(customer_id, created_at);
CREATE INDEX customer_requests_status ON customer_requests(status, created_at);
