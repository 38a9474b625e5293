-- 0003: relationship maintenance (关系维护): visit plans and visit logs, cadence rules by tier,
-- complaints with response deadlines and append-only handling records, satisfaction surveys,
-- lunar-calendar birthdays. Applied migrations are never edited; add a new file instead.
--
-- Same sync-ready row design as 0001 (id UUIDv7, created/updated at/by, deleted_at tombstones).
-- Company settings seeded here (cadence rules, complaint deadlines, survey dimensions) use fixed
-- ids of the UUIDv7 shape (timestamp 0), so every device starts with the same rows and head
-- office's later edits land on them. Dates are YYYY-MM-DD in the company time zone; timestamps
-- are UTC RFC 3339 with milliseconds. Money is integer fen.

-- Visit plans (拜访计划): what a rep intends to do; `done` once a visit log carries it out.
CREATE TABLE visit_plans (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL REFERENCES customers(id),
    planned_on    TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('face_to_face','phone','email','customer_visit','executive_visit')),
    executive     TEXT CHECK (executive IN ('top_leader','liaison')),
    purpose       TEXT NOT NULL,
    agenda        TEXT NOT NULL DEFAULT '',
    contact_ids   TEXT NOT NULL DEFAULT '[]',          -- JSON array of contacts.id to meet
    status        TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','done','cancelled')),
    visit_id      TEXT,                                -- the visit log that carried it out
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT,
    CHECK ((kind = 'executive_visit') = (executive IS NOT NULL))
);
CREATE INDEX visit_plans_customer ON visit_plans(customer_id, planned_on) WHERE deleted_at IS NULL;
CREATE INDEX visit_plans_open ON visit_plans(planned_on) WHERE status = 'planned' AND deleted_at IS NULL;

-- Visit logs (拜访记录). An executive visit names who went: the top leader or the liaison.
CREATE TABLE visits (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    plan_id         TEXT REFERENCES visit_plans(id),
    visited_on      TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('face_to_face','phone','email','customer_visit','executive_visit')),
    executive       TEXT CHECK (executive IN ('top_leader','liaison')),
    executive_id    TEXT REFERENCES users(id),
    contact_ids     TEXT NOT NULL DEFAULT '[]',        -- JSON array of contacts.id met
    purpose         TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL DEFAULT '',
    problems        TEXT NOT NULL DEFAULT '',
    next_step       TEXT NOT NULL DEFAULT '',
    follow_up_on    TEXT,
    follow_up_done_on TEXT,                            -- set by a later visit or by hand
    travel_fen      INTEGER NOT NULL DEFAULT 0 CHECK (travel_fen >= 0),
    hospitality_fen INTEGER NOT NULL DEFAULT 0 CHECK (hospitality_fen >= 0),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT,
    CHECK ((kind = 'executive_visit') = (executive IS NOT NULL)),
    CHECK (follow_up_on IS NULL OR follow_up_on >= visited_on)
);
-- Covering index for a customer's visits by date and for rebuilding its cadence facts.
CREATE INDEX visits_cadence ON visits(customer_id, visited_on, kind, executive) WHERE deleted_at IS NULL;
CREATE INDEX visits_date ON visits(visited_on) WHERE deleted_at IS NULL;
CREATE INDEX visits_open_follow_up ON visits(customer_id, follow_up_on)
    WHERE follow_up_on IS NOT NULL AND follow_up_done_on IS NULL AND deleted_at IS NULL;
CREATE INDEX visits_open_follow_up_date ON visits(follow_up_on)
    WHERE follow_up_on IS NOT NULL AND follow_up_done_on IS NULL AND deleted_at IS NULL;

-- "Since when is this customer in its tier": the latest live tier change (kept in cadence_facts).
CREATE INDEX tier_changes_since ON tier_changes(customer_id, changed_at) WHERE deleted_at IS NULL;

-- Derived, local only (like search_*; never synced): what the cadence engine reads per customer.
-- The visit-date lists (newest first, comma-separated, at most 60 per class) are rebuilt from
-- `visits` by the core whenever a customer's visits change; `tier_since` (the latest live tier
-- change, UTC) is kept by the triggers below for any writer of tier_changes. Rules and tiers are
-- applied when the due list is read.
CREATE TABLE cadence_facts (
    seq            INTEGER PRIMARY KEY,                -- customers.seq
    tier_since     TEXT,
    any_dates      TEXT NOT NULL DEFAULT '',           -- every kind
    f2f_dates      TEXT NOT NULL DEFAULT '',           -- face_to_face, customer_visit, executive_visit
    top_dates      TEXT NOT NULL DEFAULT '',           -- executive visits by the top leader
    liaison_dates  TEXT NOT NULL DEFAULT ''            -- executive visits by the liaison executive
);
INSERT INTO cadence_facts (seq, tier_since)
SELECT c.seq, (SELECT max(t.changed_at) FROM tier_changes t WHERE t.customer_id = c.id AND t.deleted_at IS NULL)
FROM customers c;
CREATE TRIGGER tier_changes_cadence_insert AFTER INSERT ON tier_changes
BEGIN
    INSERT INTO cadence_facts (seq, tier_since)
    SELECT c.seq, (SELECT max(t.changed_at) FROM tier_changes t WHERE t.customer_id = c.id AND t.deleted_at IS NULL)
    FROM customers c WHERE c.id = NEW.customer_id
    ON CONFLICT (seq) DO UPDATE SET tier_since = excluded.tier_since;
END;
CREATE TRIGGER tier_changes_cadence_update AFTER UPDATE OF customer_id, changed_at, deleted_at ON tier_changes
BEGIN
    INSERT INTO cadence_facts (seq, tier_since)
    SELECT c.seq, (SELECT max(t.changed_at) FROM tier_changes t WHERE t.customer_id = c.id AND t.deleted_at IS NULL)
    FROM customers c WHERE c.id IN (NEW.customer_id, OLD.customer_id)
    ON CONFLICT (seq) DO UPDATE SET tier_since = excluded.tier_since;
END;

-- Cadence rules (拜访频次规则): per tier and kind, at least `per_year` satisfying visits a year,
-- i.e. one every 12/per_year calendar months (365/per_year days when that is not whole); 0 = off.
CREATE TABLE cadence_rules (
    id          TEXT PRIMARY KEY,
    tier        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('contact','face_to_face','top_leader','liaison')),
    per_year    INTEGER NOT NULL CHECK (per_year BETWEEN 0 AND 52),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX cadence_rules_tier_kind ON cadence_rules(tier, kind) WHERE deleted_at IS NULL;
INSERT INTO cadence_rules (id, tier, kind, per_year, created_at, created_by, updated_at, updated_by) VALUES
    ('00000000-0000-7000-8003-000000000101', 'strategic', 'contact',      12, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000102', 'strategic', 'face_to_face',  4, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000103', 'strategic', 'top_leader',    1, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000104', 'strategic', 'liaison',       2, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000105', 'key',       'contact',       0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000106', 'key',       'face_to_face',  2, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000107', 'key',       'top_leader',    0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000108', 'key',       'liaison',       0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000109', 'regular',   'contact',       0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000110', 'regular',   'face_to_face',  1, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000111', 'regular',   'top_leader',    0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000112', 'regular',   'liaison',       0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000113', 'prospect',  'contact',       0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000114', 'prospect',  'face_to_face',  0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000115', 'prospect',  'top_leader',    0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000116', 'prospect',  'liaison',       0, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system');

-- Complaint response deadline per tier, in hours after the complaint was opened.
CREATE TABLE complaint_deadlines (
    id              TEXT PRIMARY KEY,
    tier            TEXT NOT NULL,
    response_hours  INTEGER NOT NULL CHECK (response_hours BETWEEN 1 AND 720),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX complaint_deadlines_tier ON complaint_deadlines(tier) WHERE deleted_at IS NULL;
INSERT INTO complaint_deadlines (id, tier, response_hours, created_at, created_by, updated_at, updated_by) VALUES
    ('00000000-0000-7000-8003-000000000201', 'strategic', 24, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000202', 'key',       48, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000203', 'regular',   72, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000204', 'prospect',  72, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system');

-- Complaints (投诉). The deadline is fixed when the complaint is opened (a later settings change
-- does not move it); responded_at is the time of the first handling record.
CREATE TABLE complaints (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    contact_id      TEXT REFERENCES contacts(id),
    severity        TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
    category        TEXT NOT NULL CHECK (category IN ('product_quality','delivery','service','project','billing','other')),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','handling','resolved','closed')),
    opened_at       TEXT NOT NULL,
    response_hours  INTEGER NOT NULL,
    deadline_at     TEXT NOT NULL,
    responded_at    TEXT,
    resolved_at     TEXT,
    closed_at       TEXT,
    resolution      TEXT NOT NULL DEFAULT '',
    feedback        TEXT NOT NULL DEFAULT '',
    feedback_at     TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX complaints_customer ON complaints(customer_id, opened_at) WHERE deleted_at IS NULL;
CREATE INDEX complaints_opened ON complaints(opened_at) WHERE deleted_at IS NULL;
CREATE INDEX complaints_closed ON complaints(closed_at) WHERE closed_at IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX complaints_awaiting ON complaints(deadline_at)
    WHERE responded_at IS NULL AND status <> 'closed' AND deleted_at IS NULL;

-- Handling records (处理记录): append-only.
CREATE TABLE complaint_actions (
    id            TEXT PRIMARY KEY,
    complaint_id  TEXT NOT NULL REFERENCES complaints(id),
    kind          TEXT NOT NULL CHECK (kind IN ('handling','feedback','resolution','close')),
    note          TEXT NOT NULL,
    acted_at      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX complaint_actions_complaint ON complaint_actions(complaint_id, acted_at);
CREATE TRIGGER complaint_actions_append_only BEFORE UPDATE ON complaint_actions
WHEN NEW.complaint_id IS NOT OLD.complaint_id OR NEW.kind IS NOT OLD.kind OR NEW.note IS NOT OLD.note
    OR NEW.acted_at IS NOT OLD.acted_at
BEGIN
    SELECT RAISE(ABORT, 'complaint handling records are append-only');
END;
CREATE TRIGGER complaint_actions_never_deleted BEFORE DELETE ON complaint_actions
BEGIN
    SELECT RAISE(ABORT, 'complaint handling records are append-only');
END;

-- Satisfaction survey dimensions (configurable; the three built-in ones cannot be removed).
CREATE TABLE survey_dimensions (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    label_zh    TEXT NOT NULL,
    label_en    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    builtin     INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX survey_dimensions_code ON survey_dimensions(code) WHERE deleted_at IS NULL;
INSERT INTO survey_dimensions (id, code, label_zh, label_en, position, builtin, created_at, created_by, updated_at, updated_by) VALUES
    ('00000000-0000-7000-8003-000000000301', 'product_quality', '产品质量', 'Product quality', 1, 1, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000302', 'service_level', '服务水平', 'Service level', 2, 1, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system'),
    ('00000000-0000-7000-8003-000000000303', 'project_execution', '项目执行', 'Project execution', 3, 1, '1970-01-01T00:00:00.000Z', 'system', '1970-01-01T00:00:00.000Z', 'system');

-- Satisfaction surveys (满意度调查), scored 1–5 per dimension (5 = very satisfied).
CREATE TABLE surveys (
    id                TEXT PRIMARY KEY,
    customer_id       TEXT NOT NULL REFERENCES customers(id),
    contact_id        TEXT REFERENCES contacts(id),
    surveyed_on       TEXT NOT NULL,
    comments          TEXT NOT NULL DEFAULT '',
    follow_up_actions TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX surveys_customer ON surveys(customer_id, surveyed_on) WHERE deleted_at IS NULL;
CREATE INDEX surveys_date ON surveys(surveyed_on) WHERE deleted_at IS NULL;

CREATE TABLE survey_scores (
    id          TEXT PRIMARY KEY,
    survey_id   TEXT NOT NULL REFERENCES surveys(id),
    dimension   TEXT NOT NULL,                         -- survey_dimensions.code
    score       INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX survey_scores_dimension ON survey_scores(survey_id, dimension) WHERE deleted_at IS NULL;

-- Care reminders: a contact's birthday in the Chinese lunar calendar ('MM-DD', lunar month and
-- day; many people celebrate that one), beside the Gregorian `birthday` of 0001.
ALTER TABLE contacts ADD COLUMN lunar_birthday TEXT;
-- Birthdays by month-day: the whole company's, and one customer's at a time (a rep's Today).
CREATE INDEX contacts_birthday_day ON contacts(substr(birthday, 6)) WHERE birthday IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contacts_birthday_by_customer ON contacts(customer_id, substr(birthday, 6))
    WHERE birthday IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contacts_lunar_birthday ON contacts(customer_id, lunar_birthday)
    WHERE lunar_birthday IS NOT NULL AND deleted_at IS NULL;

