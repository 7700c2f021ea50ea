-- +goose Up
-- A multi-line pattern's second expression and window (patterns.Then as JSON; '' for a
-- single-line pattern), and why a user retired a pattern (shown on its page and in the audit).
ALTER TABLE patterns ADD COLUMN then_expr TEXT NOT NULL DEFAULT '';
ALTER TABLE patterns ADD COLUMN retire_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE patterns DROP COLUMN retire_reason;
ALTER TABLE patterns DROP COLUMN then_expr;
