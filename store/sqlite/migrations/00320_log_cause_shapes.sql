-- +goose Up
-- Each triaged log's failure shape key (triage.ShapeKey: a hash of the shape of its likely-cause
-- line, '' when it has none) and that line's number, so the history of one failure across jobs is
-- an indexed lookup and a job page opens at the cause without reading the whole log first.
CREATE TABLE log_cause_shapes (
    log_id    BIGINT PRIMARY KEY REFERENCES logs (id) ON DELETE CASCADE,
    shape_key TEXT NOT NULL,
    line      INTEGER NOT NULL
);
CREATE INDEX log_cause_shapes_shape_key ON log_cause_shapes (shape_key);

-- +goose Down
DROP TABLE log_cause_shapes;
