-- +goose Up
-- Whether a pattern sees a line GitHub marked as an error as the raw log shows it, "##[error]"
-- first (patterns.Pattern.RawMarker): catalogues written against raw logs keep their anchors.
ALTER TABLE patterns ADD COLUMN raw_marker BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE patterns DROP COLUMN raw_marker;
