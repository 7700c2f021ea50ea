-- +goose Up
-- totto's one comment per pull request (edited in place) and the hash of its last body.
CREATE TABLE pr_comments (
    repo_id    BIGINT NOT NULL REFERENCES repositories (id),
    number     INTEGER NOT NULL,
    comment_id BIGINT NOT NULL,
    body_hash  TEXT NOT NULL,
    PRIMARY KEY (repo_id, number)
);

-- +goose Down
DROP TABLE pr_comments;
