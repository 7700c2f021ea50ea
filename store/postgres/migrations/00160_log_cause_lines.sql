-- +goose Up
-- Each stored log's likely-cause line ('' when it has none), worked out once when triage first
-- reads the log, so pattern suggestions over many unexplained failures need not re-read logs.
CREATE TABLE log_cause_lines (
    log_id BIGINT PRIMARY KEY REFERENCES logs (id) ON DELETE CASCADE,
    line   TEXT NOT NULL
);

-- +goose Down
DROP TABLE log_cause_lines;
