-- +goose Up
-- Per job (repository + job name), the fingerprint of its newest stored passing log: masked line
-- hashes the likely-cause finder compares a failing log against, so the green log is read once,
-- not at every triage. log_id says which log it was made from (a newer green log replaces it).
CREATE TABLE job_fingerprints (
    repo_id     BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    job_name    TEXT NOT NULL,
    log_id      BIGINT NOT NULL REFERENCES logs (id) ON DELETE CASCADE,
    fingerprint BLOB NOT NULL,
    PRIMARY KEY (repo_id, job_name)
);
-- the newest passing run of a job
CREATE INDEX jobs_repo_name_conclusion ON jobs (repo_id, name, conclusion);

-- +goose Down
DROP INDEX jobs_repo_name_conclusion;
DROP TABLE job_fingerprints;
