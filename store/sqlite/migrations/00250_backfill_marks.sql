-- +goose Up
-- What a backfill of a repository's branch from one provider has completely processed, so a
-- resumed or scheduled backfill lists only new or unfinished runs. covered_from/covered_to are
-- Unix milliseconds (0: none): every run created in [covered_from, covered_to) is done.
-- done_runs is a JSON array of runs done outside that span ({"id","created","attempt"}).
CREATE TABLE backfill_marks (
    repo_id      BIGINT NOT NULL REFERENCES repositories (id),
    branch       TEXT NOT NULL,
    provider     TEXT NOT NULL,
    covered_from BIGINT NOT NULL DEFAULT 0,
    covered_to   BIGINT NOT NULL DEFAULT 0,
    done_runs    TEXT NOT NULL DEFAULT '[]',
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (repo_id, branch, provider)
);

-- +goose Down
DROP TABLE backfill_marks;
