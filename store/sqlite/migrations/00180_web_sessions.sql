-- +goose Up
-- Web UI sign-in sessions, shared by every process on the database and kept across restarts.
-- id_hash is the SHA-256 of the cookie value (never the value itself); sealed_token is the user's
-- GitHub token encrypted by the web UI; expires_at is Unix milliseconds, so that expiry compares
-- integers on both databases.
CREATE TABLE web_sessions (
    id_hash      BLOB PRIMARY KEY,
    login        TEXT NOT NULL DEFAULT '',
    sealed_token BLOB,
    state        TEXT NOT NULL DEFAULT '',
    return_to    TEXT NOT NULL DEFAULT '',
    expires_at   INTEGER NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

-- +goose Down
DROP TABLE web_sessions;
