-- +goose Up
-- Whether a repository is private on GitHub. The UI shows a private repository's jobs, logs and
-- matches only to users who can read it there. Rows recorded before visibility was known are
-- private until an event says otherwise: an unknown visibility fails closed.
ALTER TABLE repositories ADD COLUMN private BOOLEAN NOT NULL DEFAULT TRUE;

-- +goose Down
ALTER TABLE repositories DROP COLUMN private;
