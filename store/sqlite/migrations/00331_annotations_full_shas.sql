-- +goose Up
-- Known-broken ranges opened or closed with a short SHA before short SHAs were resolved covered
-- nothing (commits are compared by full SHA). Each commit of a range that starts exactly one known
-- commit of its repository (from jobs or pushes) becomes that commit's full SHA; the others are
-- left as typed.
UPDATE annotations SET from_sha = coalesce(
        (SELECT min(j.sha) FROM jobs j WHERE j.repo_id = annotations.repo_id AND substr(j.sha, 1, length(annotations.from_sha)) = lower(annotations.from_sha)),
        (SELECT min(b.sha) FROM branch_commits b WHERE b.repo_id = annotations.repo_id AND substr(b.sha, 1, length(annotations.from_sha)) = lower(annotations.from_sha)))
    WHERE length(from_sha) BETWEEN 7 AND 39
    AND (SELECT count(DISTINCT j.sha) FROM jobs j WHERE j.repo_id = annotations.repo_id AND substr(j.sha, 1, length(annotations.from_sha)) = lower(annotations.from_sha))
        + (SELECT count(DISTINCT b.sha) FROM branch_commits b WHERE b.repo_id = annotations.repo_id AND substr(b.sha, 1, length(annotations.from_sha)) = lower(annotations.from_sha)
            AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.repo_id = b.repo_id AND j.sha = b.sha)) = 1;
UPDATE annotations SET to_sha = coalesce(
        (SELECT min(j.sha) FROM jobs j WHERE j.repo_id = annotations.repo_id AND substr(j.sha, 1, length(annotations.to_sha)) = lower(annotations.to_sha)),
        (SELECT min(b.sha) FROM branch_commits b WHERE b.repo_id = annotations.repo_id AND substr(b.sha, 1, length(annotations.to_sha)) = lower(annotations.to_sha)))
    WHERE length(to_sha) BETWEEN 7 AND 39
    AND (SELECT count(DISTINCT j.sha) FROM jobs j WHERE j.repo_id = annotations.repo_id AND substr(j.sha, 1, length(annotations.to_sha)) = lower(annotations.to_sha))
        + (SELECT count(DISTINCT b.sha) FROM branch_commits b WHERE b.repo_id = annotations.repo_id AND substr(b.sha, 1, length(annotations.to_sha)) = lower(annotations.to_sha)
            AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.repo_id = b.repo_id AND j.sha = b.sha)) = 1;

-- +goose Down
-- The short SHAs as typed are not kept: nothing to undo.
SELECT 1;
