-- +goose Up
-- Each failed job's verdict as triage decided it, so pages read one decision rather than
-- re-deciding. explained is triage's Verdict.Explained of verdict. stale_at is when something the
-- verdict was decided from changed (a pattern, new matches, an annotation); NULL while current.
-- decided_at and stale_at are unix nanoseconds.
CREATE TABLE job_verdicts (
    job_id     BIGINT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    repo_id    BIGINT NOT NULL,
    sha        TEXT NOT NULL,
    verdict    TEXT NOT NULL,
    explained  BOOLEAN NOT NULL,
    decided_at BIGINT NOT NULL,
    stale_at   BIGINT
);
CREATE INDEX job_verdicts_stale ON job_verdicts (stale_at) WHERE stale_at IS NOT NULL;
CREATE INDEX job_verdicts_repo ON job_verdicts (repo_id, sha);

-- +goose Down
DROP TABLE job_verdicts;
