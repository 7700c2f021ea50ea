-- +goose Up
-- The jobs that are a later attempt (a rerun): few, so precision's "did a later attempt pass or
-- fail again" probes look here instead of at every job of the commit (store PatternPrecision).
CREATE INDEX jobs_retried ON jobs (repo_id, sha, name, provider, attempt, conclusion) WHERE attempt > 1;

-- +goose Down
DROP INDEX jobs_retried;
