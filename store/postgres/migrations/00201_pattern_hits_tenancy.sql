-- +goose Up
-- pattern_hits keeps only hits in repositories the pattern applies to (the tenancy rule of
-- store.PatternAppliesSQL: operator patterns everywhere, account patterns in their owner's
-- repositories, repository patterns in their repository), so every count and chart read from it
-- is within the pattern's owner without checking the rule row by row.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION pattern_hits_from_matches() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pattern_hits (pattern_id, job_id, repo_id, job_name, conclusion, at, matches)
    SELECT m.pattern_id, j.id, j.repo_id, j.name, j.conclusion,
           extract(epoch FROM coalesce(j.completed_at, j.created_at))::bigint, count(*)
    FROM new_matches m JOIN jobs j ON j.log_id = m.log_id
        JOIN patterns p ON p.id = m.pattern_id JOIN repositories r ON r.id = j.repo_id
    WHERE p.scope = 'operator' OR (p.scope = 'repository' AND p.repo_id = j.repo_id) OR (p.scope = 'account' AND p.owner = r.owner)
    GROUP BY m.pattern_id, j.id
    ON CONFLICT (pattern_id, job_id) DO UPDATE SET matches = pattern_hits.matches + EXCLUDED.matches;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION pattern_hits_from_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM pattern_hits WHERE job_id = NEW.id;
    END IF;
    IF NEW.log_id IS NOT NULL THEN
        INSERT INTO pattern_hits (pattern_id, job_id, repo_id, job_name, conclusion, at, matches)
        SELECT m.pattern_id, NEW.id, NEW.repo_id, NEW.name, NEW.conclusion,
               extract(epoch FROM coalesce(NEW.completed_at, NEW.created_at))::bigint, count(*)
        FROM matches m JOIN patterns p ON p.id = m.pattern_id
        WHERE m.log_id = NEW.log_id
          AND (p.scope = 'operator' OR (p.scope = 'repository' AND p.repo_id = NEW.repo_id)
               OR (p.scope = 'account' AND p.owner = (SELECT r.owner FROM repositories r WHERE r.id = NEW.repo_id)))
        GROUP BY m.pattern_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

DELETE FROM pattern_hits h WHERE NOT EXISTS (
    SELECT 1 FROM patterns p JOIN repositories r ON r.id = h.repo_id
    WHERE p.id = h.pattern_id
      AND (p.scope = 'operator' OR (p.scope = 'repository' AND p.repo_id = r.id) OR (p.scope = 'account' AND p.owner = r.owner)));

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION pattern_hits_from_matches() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION pattern_hits_from_job() RETURNS trigger LANGUAGE plpgsql AS $$
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
