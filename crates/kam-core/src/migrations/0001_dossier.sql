-- 0001: the customer dossier. Applied migrations are never edited; add a new file instead.
--
-- Sync-ready row design (see ARCHITECTURE.md): every synced table has
--   id TEXT (UUIDv7 made on the device), created_at/updated_at (UTC RFC 3339, ms),
--   created_by/updated_by (user id), deleted_at (tombstone; rows are never DELETEd).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('rep','manager','head_office','liaison','executive')),
    department  TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    left_on     TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);

CREATE TABLE customers (
    seq                INTEGER PRIMARY KEY,           -- local only: FTS rowid
    id                 TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    name_pinyin        TEXT NOT NULL DEFAULT '',      -- for sorting by name the Chinese way
    credit_code        TEXT,
    customer_code      TEXT,
    approved_at        TEXT,
    address            TEXT NOT NULL DEFAULT '',
    nature             TEXT NOT NULL DEFAULT 'private',
    industry           TEXT NOT NULL DEFAULT '',
    scale              TEXT NOT NULL DEFAULT 'medium',
    assets             TEXT NOT NULL DEFAULT '',
    shareholders       TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL DEFAULT '',
    tier               TEXT NOT NULL DEFAULT 'prospect',
    category           TEXT NOT NULL DEFAULT 'private',
    lifecycle          TEXT NOT NULL DEFAULT 'prospect',
    owner_id           TEXT REFERENCES users(id),
    liaison_id         TEXT REFERENCES users(id),
    contract_performance TEXT NOT NULL DEFAULT '',
    payment_behaviour  TEXT NOT NULL DEFAULT '',
    cooperation_mode   TEXT NOT NULL DEFAULT '',
    bidding_method     TEXT NOT NULL DEFAULT '',
    contract_terms     TEXT NOT NULL DEFAULT '',
    price_level        TEXT NOT NULL DEFAULT '',
    credit_terms_days  INTEGER,
    credit_limit_fen   INTEGER,
    receivable_fen     INTEGER NOT NULL DEFAULT 0,
    overdue_receivable_fen INTEGER NOT NULL DEFAULT 0,
    notes              TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX customers_credit_code ON customers(credit_code)
    WHERE credit_code IS NOT NULL AND deleted_at IS NULL;
CREATE UNIQUE INDEX customers_customer_code ON customers(customer_code)
    WHERE customer_code IS NOT NULL;
CREATE INDEX customers_name ON customers(name) WHERE deleted_at IS NULL;
CREATE INDEX customers_pinyin ON customers(name_pinyin) WHERE deleted_at IS NULL;
CREATE INDEX customers_owner ON customers(owner_id, tier) WHERE deleted_at IS NULL;
CREATE INDEX customers_tier ON customers(tier, name_pinyin) WHERE deleted_at IS NULL;
CREATE INDEX customers_updated ON customers(updated_at);

CREATE TABLE contacts (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL REFERENCES customers(id),
    name          TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    mobile        TEXT NOT NULL DEFAULT '',
    fax           TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    postcode      TEXT NOT NULL DEFAULT '',
    is_decision_maker INTEGER NOT NULL DEFAULT 0,
    decision_role TEXT NOT NULL DEFAULT '',
    birthday      TEXT,
    interests     TEXT NOT NULL DEFAULT '',
    family        TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX contacts_customer ON contacts(customer_id);
CREATE INDEX contacts_mobile ON contacts(mobile) WHERE mobile <> '';
CREATE INDEX contacts_phone ON contacts(phone) WHERE phone <> '';

CREATE TABLE contact_changes (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    contact_id   TEXT REFERENCES contacts(id),
    kind         TEXT NOT NULL CHECK (kind IN ('joined','left','role_changed')),
    description  TEXT NOT NULL DEFAULT '',
    changed_on   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX contact_changes_customer ON contact_changes(customer_id, changed_on);

CREATE TABLE tier_changes (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    from_tier    TEXT,
    to_tier      TEXT NOT NULL,
    reason       TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX tier_changes_customer ON tier_changes(customer_id, changed_at);

CREATE TABLE projects (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    name         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('planned','ongoing','completed')),
    amount_fen   INTEGER,
    plan_year    INTEGER,
    start_date   TEXT,
    end_date     TEXT,
    notes        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX projects_customer ON projects(customer_id);

CREATE TABLE records (
    id           TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    kind         TEXT NOT NULL CHECK (kind IN ('meeting','conversation','survey','note')),
    occurred_on  TEXT NOT NULL,
    title        TEXT NOT NULL,
    content      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX records_customer ON records(customer_id, occurred_on);

-- Search: a trigram index for queries of 3+ characters (substring, any script), and a
-- per-character index for 1–2 character queries (each CJK character is its own token, so a
-- two-character query is an exact phrase). Both keyed by customers.seq; maintained by the core.
-- Contentless: the text is rebuilt from the rows, never read back from the index.
CREATE VIRTUAL TABLE search_trigram USING fts5(name, other, tokenize = 'trigram', content = '', contentless_delete = 1);
CREATE VIRTUAL TABLE search_char USING fts5(name, other, tokenize = 'unicode61', content = '', contentless_delete = 1);
