-- +goose Up
-- The patterns whose precision record in an account's repositories demoted them when that was
-- last looked at (triage.Demotion with the defaults the store's decisions use): when a new rerun
-- or hit flips one, the verdicts of the jobs it matched there are marked stale so the rescan job
-- decides them again.
CREATE TABLE pattern_demotions (
    owner      TEXT NOT NULL,
    pattern_id BIGINT NOT NULL REFERENCES patterns (id) ON DELETE CASCADE,
    PRIMARY KEY (owner, pattern_id)
);

-- +goose Down
DROP TABLE pattern_demotions;
