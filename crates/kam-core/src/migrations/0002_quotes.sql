-- 0002: quotes (报价单), the product catalog and the pricing policy (报价政策, seed 001 篇五).
-- Applied migrations are never edited; add a new file instead. Same sync-ready row design as 0001.
--
-- Money is integer fen (分). Quantities and rates are exact decimals stored as TEXT ("10000.5",
-- "0.14"), never binary floating point. A quote line keeps the figures it was priced with
-- (`breakdown` is the JSON of the core's PriceBreakdown), so a new policy never reprices it.

-- Pricing policy: one row per version; a new version is a new row, rows are never changed.
-- Tiers are JSON arrays [{"from_fen": 0, "rate": "0.20"}, …]: half-open [from, next from).
CREATE TABLE pricing_policies (
    id                 TEXT PRIMARY KEY,
    version            INTEGER NOT NULL UNIQUE,
    effective_from     TEXT NOT NULL,               -- YYYY-MM-DD, company time zone
    profit_tiers       TEXT NOT NULL,
    rebate_tiers       TEXT NOT NULL,
    discount_standard  TEXT NOT NULL,               -- discounts up to this rate: department level
    department_roles   TEXT NOT NULL,               -- JSON ["manager","executive"]
    general_manager_roles TEXT NOT NULL,            -- JSON ["executive"]
    validity_days      INTEGER NOT NULL,
    notes              TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX pricing_policies_effective ON pricing_policies(effective_from, version);

CREATE TRIGGER pricing_policies_immutable BEFORE UPDATE ON pricing_policies
WHEN NEW.profit_tiers IS NOT OLD.profit_tiers OR NEW.rebate_tiers IS NOT OLD.rebate_tiers
  OR NEW.discount_standard IS NOT OLD.discount_standard OR NEW.effective_from IS NOT OLD.effective_from
  OR NEW.version IS NOT OLD.version OR NEW.department_roles IS NOT OLD.department_roles
  OR NEW.general_manager_roles IS NOT OLD.general_manager_roles
BEGIN
    SELECT RAISE(ABORT, 'pricing policy versions are immutable: add a new version');
END;

-- The defaults of DOMAIN.md, the same row (same id) on every device.
INSERT INTO pricing_policies (id, version, effective_from, profit_tiers, rebate_tiers, discount_standard,
    department_roles, general_manager_roles, validity_days, notes, created_at, created_by, updated_at, updated_by)
VALUES ('00000000-0000-7000-8000-000000000001', 1, '2000-01-01',
    '[{"from_fen":0,"rate":"0.20"},{"from_fen":20000000,"rate":"0.17"},{"from_fen":50000000,"rate":"0.14"},{"from_fen":100000000,"rate":"0.10"}]',
    '[{"from_fen":0,"rate":"0.05"},{"from_fen":20000000,"rate":"0.08"},{"from_fen":100000000,"rate":"0.10"}]',
    '0.05', '["manager","executive"]', '["executive"]', 30,
    '默认报价政策（大客户管理制度 篇五）', '2026-01-01T00:00:00.000Z', 'system', '2026-01-01T00:00:00.000Z', 'system');

CREATE TABLE products (
    id              TEXT PRIMARY KEY,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    spec            TEXT NOT NULL DEFAULT '',
    unit            TEXT NOT NULL,
    cost_fen        INTEGER NOT NULL CHECK (cost_fen >= 0),
    effective_from  TEXT NOT NULL,                  -- date the cost price applies from
    notes           TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX products_code ON products(code) WHERE deleted_at IS NULL;

CREATE TABLE quotes (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL,                 -- Q26-ABCD-0001, shared by all revisions
    revision         INTEGER NOT NULL DEFAULT 1,
    revision_of      TEXT REFERENCES quotes(id),
    customer_id      TEXT NOT NULL REFERENCES customers(id),
    policy_id        TEXT NOT NULL REFERENCES pricing_policies(id),
    status           TEXT NOT NULL CHECK (status IN
                        ('draft','pending_approval','approved','sent','won','lost','expired')),
    dealer_led       INTEGER NOT NULL DEFAULT 0,
    quote_date       TEXT NOT NULL,
    valid_until      TEXT NOT NULL,
    notes            TEXT NOT NULL DEFAULT '',
    total_fen        INTEGER NOT NULL DEFAULT 0,
    submission       INTEGER NOT NULL DEFAULT 0,    -- approval round; approvals count for the current one
    required_approvals TEXT NOT NULL DEFAULT '[]', -- JSON, computed on submit
    sent_at          TEXT,
    closed_at        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX quotes_number ON quotes(number, revision);
CREATE INDEX quotes_customer ON quotes(customer_id, quote_date);
CREATE INDEX quotes_status ON quotes(status, valid_until) WHERE deleted_at IS NULL;
CREATE INDEX quotes_revision_of ON quotes(revision_of);

-- A sent quote is immutable: only its outcome may change, once. The core says so first, with
-- a helpful message; these triggers make sure nothing else (a bug, a sync merge) can.
CREATE TRIGGER quotes_sent_immutable BEFORE UPDATE ON quotes
WHEN OLD.status IN ('sent','won','lost','expired') AND (
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

CREATE TABLE quote_lines (
    id                    TEXT PRIMARY KEY,
    quote_id              TEXT NOT NULL REFERENCES quotes(id),
    position              INTEGER NOT NULL,
    product_id            TEXT REFERENCES products(id),
    description           TEXT NOT NULL,
    spec                  TEXT NOT NULL DEFAULT '',
    unit                  TEXT NOT NULL,
    quantity              TEXT NOT NULL,
    cost_fen              INTEGER NOT NULL,
    fees_fen              INTEGER NOT NULL DEFAULT 0,
    rebate_rate           TEXT NOT NULL DEFAULT '0',
    manual_unit_price_fen INTEGER,
    discount_rate         TEXT NOT NULL DEFAULT '0',
    policy_unit_price_fen INTEGER NOT NULL,
    unit_price_fen        INTEGER NOT NULL,
    line_total_fen        INTEGER NOT NULL,
    breakdown             TEXT NOT NULL,           -- JSON PriceBreakdown as priced
    notes                 TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX quote_lines_quote ON quote_lines(quote_id, position);

CREATE TRIGGER quote_lines_insert_frozen BEFORE INSERT ON quote_lines
WHEN (SELECT status FROM quotes WHERE id = NEW.quote_id) IN ('sent','won','lost','expired')
BEGIN
    SELECT RAISE(ABORT, 'a sent quote is immutable: make a revision');
END;
CREATE TRIGGER quote_lines_update_frozen BEFORE UPDATE ON quote_lines
WHEN (SELECT status FROM quotes WHERE id = OLD.quote_id) IN ('sent','won','lost','expired')
BEGIN
    SELECT RAISE(ABORT, 'a sent quote is immutable: make a revision');
END;

-- Approvals (审批 / 特批) are append-only: never updated, never deleted.
CREATE TABLE quote_approvals (
    id             TEXT PRIMARY KEY,
    quote_id       TEXT NOT NULL REFERENCES quotes(id),
    submission     INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('below_policy','rebate','discount')),
    level          TEXT NOT NULL CHECK (level IN ('department','general_manager')),
    decision       TEXT NOT NULL CHECK (decision IN ('approved','rejected')),
    approver_id    TEXT NOT NULL REFERENCES users(id),
    approver_role  TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    decided_at     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX quote_approvals_quote ON quote_approvals(quote_id, submission);
CREATE TRIGGER quote_approvals_no_update BEFORE UPDATE ON quote_approvals
BEGIN
    SELECT RAISE(ABORT, 'approvals are append-only and cannot be edited');
END;
CREATE TRIGGER quote_approvals_no_delete BEFORE DELETE ON quote_approvals
BEGIN
    SELECT RAISE(ABORT, 'approvals are append-only and cannot be deleted');
END;
