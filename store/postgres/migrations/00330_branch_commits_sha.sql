-- +goose Up
-- Short SHAs typed in annotations are resolved against a repository's known commits by prefix.
CREATE INDEX branch_commits_sha ON branch_commits (repo_id, sha);

-- +goose Down
DROP INDEX branch_commits_sha;
