-- +goose Up
-- pattern_hits keeps only hits in repositories the pattern applies to (the tenancy rule of
-- store.PatternAppliesSQL: operator patterns everywhere, account patterns in their owner's
-- repositories, repository patterns in their repository), so every count and chart read from it
-- is within the pattern's owner without checking the rule row by row.
DROP TRIGGER matches_pattern_hits;
DROP TRIGGER jobs_pattern_hits_insert;
DROP TRIGGER jobs_pattern_hits_update;

-- +goose StatementBegin
CREATE TRIGGER matches_pattern_hits AFTER INSERT ON matches BEGIN
    INSERT INTO pattern_hits (pattern_id, job_id, repo_id, job_name, conclusion, at, matches)
    SELECT NEW.pattern_id, j.id, j.repo_id, j.name, j.conclusion,
           unixepoch(coalesce(j.completed_at, j.created_at)), 1
    FROM jobs j JOIN patterns p ON p.id = NEW.pattern_id JOIN repositories r ON r.id = j.repo_id
    WHERE j.log_id = NEW.log_id
      AND (p.scope = 'operator' OR (p.scope = 'repository' AND p.repo_id = j.repo_id) OR (p.scope = 'account' AND p.owner = r.owner))
    ON CONFLICT (pattern_id, job_id) DO UPDATE SET matches = matches + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER jobs_pattern_hits_insert AFTER INSERT ON jobs WHEN NEW.log_id IS NOT NULL BEGIN
    INSERT INTO pattern_hits (pattern_id, job_id, repo_id, job_name, conclusion, at, matches)
    SELECT m.pattern_id, NEW.id, NEW.repo_id, NEW.name, NEW.conclusion,
           unixepoch(coalesce(NEW.completed_at, NEW.created_at)), count(*)
    FROM matches m JOIN patterns p ON p.id = m.pattern_id
    WHERE m.log_id = NEW.log_id
      AND (p.scope = 'operator' OR (p.scope = 'repository' AND p.repo_id = NEW.repo_id)
           OR (p.scope = 'account' AND p.owner = (SELECT r.owner FROM repositories r WHERE r.id = NEW.repo_id)))
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
    FROM matches m JOIN patterns p ON p.id = m.pattern_id
    WHERE m.log_id = NEW.log_id
      AND (p.scope = 'operator' OR (p.scope = 'repository' AND p.repo_id = NEW.repo_id)
           OR (p.scope = 'account' AND p.owner = (SELECT r.owner FROM repositories r WHERE r.id = NEW.repo_id)))
    GROUP BY m.pattern_id;
END;
-- +goose StatementEnd

DELETE FROM pattern_hits WHERE NOT EXISTS (
    SELECT 1 FROM patterns p JOIN repositories r ON r.id = pattern_hits.repo_id
    WHERE p.id = pattern_hits.pattern_id
      AND (p.scope = 'operator' OR (p.scope = 'repository' AND p.repo_id = r.id) OR (p.scope = 'account' AND p.owner = r.owner)));

-- +goose Down
DROP TRIGGER matches_pattern_hits;
DROP TRIGGER jobs_pattern_hits_insert;
DROP TRIGGER jobs_pattern_hits_update;

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
