-- +goose Up
CREATE TABLE installations (
    id         BIGINT PRIMARY KEY,               -- GitHub installation id
    account    TEXT NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    updated_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);

CREATE TABLE repositories (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    installation_id BIGINT REFERENCES installations (id),
    full_name       TEXT NOT NULL UNIQUE,        -- owner/name
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
CREATE INDEX repositories_installation ON repositories (installation_id);

-- Logs are content-addressed: one row per distinct raw content. scanned_through is the scan
-- watermark: every active pattern with id <= it has been scanned over the log.
CREATE TABLE logs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256          TEXT NOT NULL UNIQUE,
    raw_size        BIGINT NOT NULL,
    lines           INTEGER NOT NULL,
    truncated       BOOLEAN NOT NULL DEFAULT FALSE,
    storage_key     TEXT NOT NULL,
    scanned_through BIGINT NOT NULL DEFAULT 0,
    expired_at      TIMESTAMP,
    created_at      TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
CREATE INDEX logs_scanned_through ON logs (scanned_through);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    provider     TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    attempt      INTEGER NOT NULL DEFAULT 1,
    repo_id      BIGINT NOT NULL REFERENCES repositories (id),
    sha          TEXT NOT NULL,
    branch       TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    step         TEXT NOT NULL DEFAULT '',
    conclusion   TEXT NOT NULL DEFAULT '',
    started_at   TIMESTAMP,
    completed_at TIMESTAMP,
    url          TEXT NOT NULL DEFAULT '',
    log_id       BIGINT REFERENCES logs (id),
    log_state    TEXT NOT NULL DEFAULT 'pending' CHECK (log_state IN ('pending', 'stored', 'unavailable')),
    log_reason   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    updated_at   TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    UNIQUE (provider, external_id, attempt)
);
CREATE INDEX jobs_log ON jobs (log_id);
-- per-commit job outcomes (on a branch), reruns of one commit
CREATE INDEX jobs_repo_sha ON jobs (repo_id, sha, name);
CREATE INDEX jobs_repo_branch_completed ON jobs (repo_id, branch, completed_at);
-- failures over time per repo/job, failures with no match
CREATE INDEX jobs_repo_conclusion_completed ON jobs (repo_id, conclusion, completed_at);
CREATE INDEX jobs_repo_name_completed ON jobs (repo_id, name, completed_at);

-- Patterns: the expression and kind are immutable; an edit retires the row and creates a new
-- one (replaced_by). Ids only grow, which keeps the logs.scanned_through watermark valid.
CREATE TABLE patterns (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('regex', 'literal')),
    expression  TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '[]',      -- JSON array; also in pattern_tags for queries
    jobs        TEXT NOT NULL DEFAULT '[]',      -- JSON array of job-name globs
    steps       TEXT NOT NULL DEFAULT '[]',      -- JSON array of step-name globs
    priority    INTEGER NOT NULL DEFAULT 0,
    last_lines  INTEGER NOT NULL DEFAULT 0,
    source      TEXT NOT NULL DEFAULT '',        -- builtin:<pack> | repo:<owner/name>:<path> | ui | import
    repo_id     BIGINT REFERENCES repositories (id), -- NULL: global
    author      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    updated_at  TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    retired_at  TIMESTAMP,
    retired_by  TEXT NOT NULL DEFAULT '',
    replaced_by BIGINT REFERENCES patterns (id)
);
-- at most one active pattern per (source, name)
CREATE UNIQUE INDEX patterns_active_name ON patterns (source, name) WHERE retired_at IS NULL;
CREATE INDEX patterns_active ON patterns (id) WHERE retired_at IS NULL;

CREATE TABLE pattern_tags (
    pattern_id BIGINT NOT NULL REFERENCES patterns (id),
    tag        TEXT NOT NULL,
    PRIMARY KEY (pattern_id, tag)
);
CREATE INDEX pattern_tags_tag ON pattern_tags (tag, pattern_id);

-- Matches keep their line text so they can be shown after the log expires.
CREATE TABLE matches (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    pattern_id BIGINT NOT NULL REFERENCES patterns (id),
    log_id     BIGINT NOT NULL REFERENCES logs (id),
    line       INTEGER NOT NULL,
    start_col  INTEGER NOT NULL,
    end_col    INTEGER NOT NULL,
    captures   TEXT NOT NULL DEFAULT '[]',       -- JSON array
    line_text  TEXT NOT NULL,
    truncated  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    UNIQUE (log_id, pattern_id, line, start_col)
);
-- matches of a pattern, newest first; pattern frequency by day
CREATE INDEX matches_pattern_created ON matches (pattern_id, created_at DESC, id DESC);

CREATE TABLE annotations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id    BIGINT NOT NULL REFERENCES repositories (id),
    job_glob   TEXT NOT NULL,
    from_sha   TEXT NOT NULL,
    to_sha     TEXT,                              -- NULL: still open
    reason     TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    closed_by  TEXT NOT NULL DEFAULT '',
    closed_at  TIMESTAMP
);
-- annotations covering a commit: open ones first, then by time
CREATE INDEX annotations_repo_open ON annotations (repo_id, closed_at, created_at);

CREATE TABLE check_runs (
    repo_id      BIGINT NOT NULL REFERENCES repositories (id),
    sha          TEXT NOT NULL,
    check_run_id BIGINT NOT NULL,
    output_hash  TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
    PRIMARY KEY (repo_id, sha)
);

CREATE TABLE deliveries (
    id          TEXT PRIMARY KEY,                 -- X-GitHub-Delivery
    event       TEXT NOT NULL DEFAULT '',
    received_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
CREATE INDEX deliveries_received ON deliveries (received_at);

CREATE TABLE audit_events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    actor   TEXT NOT NULL DEFAULT '',
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,                        -- pattern:<id> | annotation:<id>
    detail  TEXT NOT NULL DEFAULT '',
    at      TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
);
CREATE INDEX audit_events_subject ON audit_events (subject, at DESC);
CREATE INDEX audit_events_at ON audit_events (at DESC);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE deliveries;
DROP TABLE check_runs;
DROP TABLE annotations;
DROP TABLE matches;
DROP TABLE pattern_tags;
DROP TABLE patterns;
DROP TABLE jobs;
DROP TABLE logs;
DROP TABLE repositories;
DROP TABLE installations;
