-- Search index keys carry the customer's owner (issue 11): a row's FTS rowid is
-- `owner_no << 32 | customers.seq`, so a rep's search reads only their own stretch of the
-- index (a rowid range) instead of probing every match. Local only, never synced; the core
-- rebuilds both indexes right after this migration, in the same transaction (db::migrate).
DROP TABLE search_trigram;
DROP TABLE search_char;
CREATE VIRTUAL TABLE search_trigram USING fts5(name, other, tokenize = 'trigram', content = '', contentless_delete = 1);
CREATE VIRTUAL TABLE search_char USING fts5(name, other, tokenize = 'unicode61', content = '', contentless_delete = 1);

-- The local number of each owner in the keys (0: no owner).
CREATE TABLE search_owners (
    no      INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE
);

-- Each indexed customer's current key, so a re-index after a reassignment removes the old one.
CREATE TABLE search_keys (
    seq INTEGER PRIMARY KEY,
    key INTEGER NOT NULL
);
