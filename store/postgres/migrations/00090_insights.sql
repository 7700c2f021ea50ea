-- +goose Up
-- Insights: what the UI's pattern charts and tables read. pattern_hits holds one row per (pattern,
-- job) whose log matched, with the job's repo, name, conclusion and time copied in, so frequency
-- and stats queries read one narrow table instead of joining a million matches to jobs. Triggers
-- keep it in step with matches and jobs; nothing else writes it.
CREATE TABLE pattern_hits (
    pattern_id BIGINT  NOT NULL REFERENCES patterns (id),
    job_id     BIGINT  NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    repo_id    BIGINT  NOT NULL,
    job_name   TEXT    NOT NULL,
    conclusion TEXT    NOT NULL,
    at         BIGINT  NOT NULL, -- unix seconds: the job's completion (creation while running)
    matches    INTEGER NOT NULL, -- matched lines of the pattern in the job's log
    PRIMARY KEY (pattern_id, job_id)
);
CREATE INDEX pattern_hits_pattern_at ON pattern_hits (pattern_id, at) INCLUDE (matches, conclusion, repo_id, job_name);
CREATE INDEX pattern_hits_at ON pattern_hits (at) INCLUDE (pattern_id, matches, repo_id, job_name);
CREATE INDEX pattern_hits_job ON pattern_hits (job_id);
-- frequency filtered by repository (and job)
CREATE INDEX pattern_hits_repo_job_at ON pattern_hits (repo_id, job_name, at) INCLUDE (pattern_id, matches);
-- matches of a pattern, newest (highest id) first, keyset-paged
CREATE INDEX matches_pattern_id ON matches (pattern_id, id DESC);
-- failed jobs newest first, overall and per repository
CREATE INDEX jobs_conclusion_id ON jobs (conclusion, id DESC);
CREATE INDEX jobs_repo_conclusion_id ON jobs (repo_id, conclusion, id DESC);

-- +goose StatementBegin
CREATE FUNCTION pattern_hits_from_matches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pattern_hits (pattern_id, job_id, repo_id, job_name, conclusion, at, matches)
    SELECT m.pattern_id, j.id, j.repo_id, j.name, j.conclusion,
           extract(epoch FROM coalesce(j.completed_at, j.created_at))::bigint, count(*)
    FROM new_matches m JOIN jobs j ON j.log_id = m.log_id
    GROUP BY m.pattern_id, j.id
    ON CONFLICT (pattern_id, job_id) DO UPDATE SET matches = pattern_hits.matches + EXCLUDED.matches;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER matches_pattern_hits AFTER INSERT ON matches
    REFERENCING NEW TABLE AS new_matches FOR EACH STATEMENT EXECUTE FUNCTION pattern_hits_from_matches();

-- +goose StatementBegin
CREATE FUNCTION pattern_hits_from_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM pattern_hits WHERE job_id = NEW.id;
    END IF;
    IF NEW.log_id IS NOT NULL THEN
        INSERT INTO pattern_hits (pattern_id, job_id, repo_id, job_name, conclusion, at, matches)
        SELECT m.pattern_id, NEW.id, NEW.repo_id, NEW.name, NEW.conclusion,
               extract(epoch FROM coalesce(NEW.completed_at, NEW.created_at))::bigint, count(*)
        FROM matches m WHERE m.log_id = NEW.log_id
        GROUP BY m.pattern_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER jobs_pattern_hits_insert AFTER INSERT ON jobs
    FOR EACH ROW WHEN (NEW.log_id IS NOT NULL) EXECUTE FUNCTION pattern_hits_from_job();
CREATE TRIGGER jobs_pattern_hits_update AFTER UPDATE OF log_id, repo_id, name, conclusion, completed_at ON jobs
    FOR EACH ROW WHEN (OLD.log_id IS DISTINCT FROM NEW.log_id OR OLD.repo_id IS DISTINCT FROM NEW.repo_id
        OR OLD.name IS DISTINCT FROM NEW.name OR OLD.conclusion IS DISTINCT FROM NEW.conclusion
        OR OLD.completed_at IS DISTINCT FROM NEW.completed_at)
    EXECUTE FUNCTION pattern_hits_from_job();

-- +goose Down
DROP TRIGGER jobs_pattern_hits_update ON jobs;
DROP TRIGGER jobs_pattern_hits_insert ON jobs;
DROP TRIGGER matches_pattern_hits ON matches;
DROP FUNCTION pattern_hits_from_job();
DROP FUNCTION pattern_hits_from_matches();
DROP INDEX jobs_repo_conclusion_id;
DROP INDEX jobs_conclusion_id;
DROP INDEX matches_pattern_id;
DROP TABLE pattern_hits;
