-- +goose Up
-- Insights: what the UI's pattern charts and tables read. pattern_hits holds one row per (pattern,
-- job) whose log matched, with the job's repo, name, conclusion and time copied in, so frequency
-- and stats queries read one narrow table instead of joining a million matches to jobs. Triggers
-- keep it in step with matches and jobs; nothing else writes it.
CREATE TABLE pattern_hits (
    pattern_id INTEGER NOT NULL REFERENCES patterns (id),
    job_id     INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    repo_id    INTEGER NOT NULL,
    job_name   TEXT    NOT NULL,
    conclusion TEXT    NOT NULL,
    at         INTEGER NOT NULL, -- unix seconds: the job's completion (creation while running)
    matches    INTEGER NOT NULL, -- matched lines of the pattern in the job's log
    PRIMARY KEY (pattern_id, job_id)
) WITHOUT ROWID;
CREATE INDEX pattern_hits_pattern_at ON pattern_hits (pattern_id, at, matches, conclusion, repo_id, job_name);
CREATE INDEX pattern_hits_at ON pattern_hits (at, pattern_id, matches, repo_id, job_name);
CREATE INDEX pattern_hits_job ON pattern_hits (job_id);
-- frequency filtered by repository (and job)
CREATE INDEX pattern_hits_repo_job_at ON pattern_hits (repo_id, job_name, at, pattern_id, matches);
-- matches of a pattern, newest (highest id) first, keyset-paged
CREATE INDEX matches_pattern_id ON matches (pattern_id, id DESC);
-- failed jobs newest first, overall and per repository
CREATE INDEX jobs_conclusion_id ON jobs (conclusion, id DESC);
CREATE INDEX jobs_repo_conclusion_id ON jobs (repo_id, conclusion, id DESC);

-- +goose StatementBegin
CREATE TRIGGER matches_pattern_hits AFTER INSERT ON matches BEGIN
    INSERT INTO pattern_hits (pattern_id, job_id, repo_id, job_name, conclusion, at, matches)
    SELECT NEW.pattern_id, j.id, j.repo_id, j.name, j.conclusion,
           unixepoch(coalesce(j.completed_at, j.created_at)), 1
    FROM jobs j WHERE j.log_id = NEW.log_id
    ON CONFLICT (pattern_id, job_id) DO UPDATE SET matches = matches + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER jobs_pattern_hits_insert AFTER INSERT ON jobs WHEN NEW.log_id IS NOT NULL BEGIN
    INSERT INTO pattern_hits (pattern_id, job_id, repo_id, job_name, conclusion, at, matches)
    SELECT m.pattern_id, NEW.id, NEW.repo_id, NEW.name, NEW.conclusion,
           unixepoch(coalesce(NEW.completed_at, NEW.created_at)), count(*)
    FROM matches m WHERE m.log_id = NEW.log_id
    GROUP BY m.pattern_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER jobs_pattern_hits_update AFTER UPDATE OF log_id, repo_id, name, conclusion, completed_at ON jobs
WHEN OLD.log_id IS NOT NEW.log_id OR OLD.repo_id IS NOT NEW.repo_id OR OLD.name IS NOT NEW.name
    OR OLD.conclusion IS NOT NEW.conclusion OR OLD.completed_at IS NOT NEW.completed_at BEGIN
    DELETE FROM pattern_hits WHERE job_id = NEW.id;
    INSERT INTO pattern_hits (pattern_id, job_id, repo_id, job_name, conclusion, at, matches)
    SELECT m.pattern_id, NEW.id, NEW.repo_id, NEW.name, NEW.conclusion,
           unixepoch(coalesce(NEW.completed_at, NEW.created_at)), count(*)
    FROM matches m WHERE m.log_id = NEW.log_id
    GROUP BY m.pattern_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER jobs_pattern_hits_update;
DROP TRIGGER jobs_pattern_hits_insert;
DROP TRIGGER matches_pattern_hits;
DROP INDEX jobs_repo_conclusion_id;
DROP INDEX jobs_conclusion_id;
DROP INDEX matches_pattern_id;
DROP TABLE pattern_hits;
