-- +goose Up
-- Commits pushed to a repository's default branch, in push order (id), for main-branch history.
CREATE TABLE branch_commits (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id   BIGINT NOT NULL REFERENCES repositories (id),
    branch    TEXT NOT NULL,
    sha       TEXT NOT NULL,
    message   TEXT NOT NULL DEFAULT '',
    author    TEXT NOT NULL DEFAULT '',
    pushed_at TIMESTAMP NOT NULL,
    UNIQUE (repo_id, branch, sha)
);
CREATE INDEX branch_commits_branch ON branch_commits (repo_id, branch, id);

-- +goose Down
DROP TABLE branch_commits;
