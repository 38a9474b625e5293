-- Password reset by a one-time code (issue 11): an administrator at head office issues a code
-- for a person (told to them by phone); its argon2id hash travels to that person's laptop in the
-- next return file, where the code sets a new password once. The code itself is never stored.
CREATE TABLE password_resets (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    code_hash   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    deleted_at  TEXT
);

-- Local: the codes used on this installation (each works once).
CREATE TABLE password_resets_used (
    reset_id  TEXT PRIMARY KEY,
    used_at   TEXT NOT NULL
);
