-- +goose Up
-- Automatic re-runs totto asked a CI for: one row per re-run job attempt, so an attempt is
-- re-run at most once. outcome is 'pending', 'requested' or why the CI refused.
CREATE TABLE reruns (
    repo_id         BIGINT NOT NULL REFERENCES repositories (id),
    provider        TEXT NOT NULL,
    job_external_id TEXT NOT NULL,
    sha             TEXT NOT NULL,
    job_name        TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    outcome         TEXT NOT NULL DEFAULT 'pending',
    created_at      BIGINT NOT NULL, -- unix seconds
    PRIMARY KEY (repo_id, provider, job_external_id)
);
CREATE INDEX reruns_commit ON reruns (repo_id, sha);

-- +goose Down
DROP TABLE reruns;
