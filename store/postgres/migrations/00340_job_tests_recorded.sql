-- +goose Up
-- Whether a failed job's failing tests were ever recorded (a job may fail with none to record), so
-- `totto rescan` can record those of jobs stored before the history existed, or by a path that
-- did not record them, without reading every log again.
ALTER TABLE jobs ADD COLUMN tests_recorded BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE jobs SET tests_recorded = TRUE WHERE id IN (SELECT job_id FROM job_tests);
CREATE INDEX jobs_tests_unrecorded ON jobs (id) WHERE NOT tests_recorded AND log_state = 'stored';

-- +goose Down
DROP INDEX jobs_tests_unrecorded;
ALTER TABLE jobs DROP COLUMN tests_recorded;
