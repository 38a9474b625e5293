-- 0004: targets, sales, collections, receivables and performance inputs (业绩与考核), read by the
-- monthly key-account report (大客户月报). Applied migrations are never edited; add a new file.
--
-- Same sync-ready row design as 0001 (id UUIDv7, created/updated at/by, deleted_at tombstones).
-- Months are 'YYYY-MM', dates 'YYYY-MM-DD' in the company time zone, money integer fen.

-- Sales targets (销售目标) by month, for one rep (scope 'rep', subject = users.id) or one
-- department (scope 'department', subject = the department name, with its stretch target).
-- Quarters and years are sums of months.
CREATE TABLE sales_targets (
    id              TEXT PRIMARY KEY,
    scope           TEXT NOT NULL CHECK (scope IN ('rep','department')),
    subject         TEXT NOT NULL,
    month           TEXT NOT NULL,
    sales_fen       INTEGER NOT NULL CHECK (sales_fen >= 0),
    collection_fen  INTEGER NOT NULL DEFAULT 0 CHECK (collection_fen >= 0),
    stretch_fen     INTEGER CHECK (stretch_fen IS NULL OR stretch_fen >= 0),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX sales_targets_key ON sales_targets(scope, subject, month) WHERE deleted_at IS NULL;
CREATE INDEX sales_targets_month ON sales_targets(month) WHERE deleted_at IS NULL;

-- Orders/sales and returns (销售 / 退货) per customer; `rep_id` is the rep credited (the owner
-- when entered unless given). Amounts are positive; a return deducts.
CREATE TABLE sales (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    rep_id       TEXT REFERENCES users(id),
    sold_on      TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('sale','return')),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
    reference    TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX sales_date ON sales(sold_on, customer_id) WHERE deleted_at IS NULL;
CREATE INDEX sales_customer ON sales(customer_id, sold_on) WHERE deleted_at IS NULL;

-- Collections (回款), as confirmed by finance.
CREATE TABLE collections (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL REFERENCES customers(id),
    rep_id        TEXT REFERENCES users(id),
    collected_on  TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    notes         TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX collections_date ON collections(collected_on) WHERE deleted_at IS NULL;
CREATE INDEX collections_customer ON collections(customer_id, collected_on) WHERE deleted_at IS NULL;

-- Receivables (应收) with due dates; overdue when past due and not fully paid.
CREATE TABLE receivables (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL REFERENCES customers(id),
    rep_id        TEXT REFERENCES users(id),
    invoiced_on   TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_fen      INTEGER NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= amount_fen),
    reference     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT,
    CHECK (due_on >= invoiced_on)
);
CREATE INDEX receivables_open ON receivables(due_on) WHERE paid_fen < amount_fen AND deleted_at IS NULL;
CREATE INDEX receivables_customer ON receivables(customer_id, due_on) WHERE deleted_at IS NULL;

-- Performance inputs (绩效考核) per rep and month, entered by the manager: ability 0–20,
-- attitude 0–20 and the rep's performance pay; the results score (0–60) is computed.
CREATE TABLE performance_inputs (
    id                   TEXT PRIMARY KEY,
    user_id              TEXT NOT NULL REFERENCES users(id),
    month                TEXT NOT NULL,
    ability              INTEGER NOT NULL CHECK (ability BETWEEN 0 AND 20),
    attitude             INTEGER NOT NULL CHECK (attitude BETWEEN 0 AND 20),
    performance_pay_fen  INTEGER NOT NULL CHECK (performance_pay_fen >= 0),
    notes                TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX performance_inputs_key ON performance_inputs(user_id, month) WHERE deleted_at IS NULL;

INSERT OR IGNORE INTO settings(key, value) VALUES ('new_customer_quota', '3');
