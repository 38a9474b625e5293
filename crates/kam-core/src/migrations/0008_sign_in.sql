-- Who is acting (issue 11): passwords, CLI sessions and administrators.
--
-- `credentials` and `cli_sessions` are local to this installation: never synced, never in a
-- sync file. A password is an argon2id PHC string (see auth/password.rs for the parameters).
CREATE TABLE credentials (
    user_id          TEXT PRIMARY KEY REFERENCES users(id),
    password_hash    TEXT NOT NULL,
    failed_count     INTEGER NOT NULL DEFAULT 0,   -- wrong passwords in a row
    last_failed_at   TEXT,                         -- UTC; the next try waits after 5 failures
    changed_at       TEXT NOT NULL
);

-- A `kam login` session: the token itself lives in a 0600 file of the OS user; only its
-- SHA-256 is kept here, bound to this database and that OS user.
CREATE TABLE cli_sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    os_user     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

-- Administrators manage people and passwords; the last one can never be removed.
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
