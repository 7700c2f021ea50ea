-- +goose Up
-- The failing tests of each failed job, found in its log. The commit, job name, pull request and
-- branch kind are copied from the job when recorded so that a test's history (failures per
-- commit and pull request, reruns that passed) is one indexed scan of this table.
CREATE TABLE job_tests (
    job_id         BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    repo_id        BIGINT NOT NULL REFERENCES repositories (id),
    runner         TEXT NOT NULL,
    file           TEXT NOT NULL DEFAULT '',
    name           TEXT NOT NULL,
    line           INTEGER NOT NULL DEFAULT 0,
    text           TEXT NOT NULL DEFAULT '',
    passed_in_log  BOOLEAN NOT NULL DEFAULT FALSE,
    sha            TEXT NOT NULL,
    job_name       TEXT NOT NULL,
    pull_request   BIGINT NOT NULL DEFAULT 0,
    default_branch BOOLEAN NOT NULL DEFAULT FALSE,
    ran_at         BIGINT NOT NULL, -- unix seconds: compared the same way on both databases
    PRIMARY KEY (job_id, runner, file, name)
);
CREATE INDEX job_tests_test ON job_tests (repo_id, name, ran_at);
CREATE INDEX job_tests_commit ON job_tests (repo_id, sha, job_name);

-- +goose Down
DROP TABLE job_tests;
