-- +goose Up
-- A failure's history (the jobs of the logs whose likely cause has one shape, newest first) is
-- ordered and counted from this index alone; only the page of jobs listed is read from the table.
-- It replaces jobs_log, whose lookups by log_id it serves as well.
CREATE INDEX jobs_log_history ON jobs (log_id, repo_id, completed_at, created_at, id);
DROP INDEX jobs_log;

-- +goose Down
CREATE INDEX jobs_log ON jobs (log_id);
DROP INDEX jobs_log_history;
