package sqlstore

import (
	"context"
	"fmt"

	"github.com/totto-ci/totto/store"
)

// CommitJobs lists every job (all providers, all attempts) recorded on one commit of a repository,
// oldest first: the App's triage reads a commit's whole CI picture with it.
func (s *Store) CommitJobs(ctx context.Context, repoID int64, sha string) ([]store.Job, error) {
	rows, err := s.read().query(ctx, `SELECT `+jobCols+` FROM jobs WHERE repo_id = ? AND sha = ? ORDER BY id`, repoID, sha)
	if err != nil {
		return nil, fmt.Errorf("jobs of %s in repository %d: %w", sha, repoID, err)
	}
	defer rows.Close()
	var out []store.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("jobs of %s in repository %d: %w", sha, repoID, err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("jobs of %s in repository %d: %w", sha, repoID, err)
	}
	return out, nil
}

// RecentCheckRuns lists up to limit check runs of a repository, most recently written first, so
// that a change of annotations can re-triage the commits whose check runs may now be wrong.
func (s *Store) RecentCheckRuns(ctx context.Context, repoID int64, limit int) ([]store.CheckRun, error) {
	rows, err := s.read().query(ctx, `SELECT repo_id, sha, check_run_id, output_hash, updated_at FROM check_runs
		WHERE repo_id = ? ORDER BY updated_at DESC, sha LIMIT ?`, repoID, limit)
	if err != nil {
		return nil, fmt.Errorf("check runs of repository %d: %w", repoID, err)
	}
	defer rows.Close()
	var out []store.CheckRun
	for rows.Next() {
		var c store.CheckRun
		if err := rows.Scan(&c.RepoID, &c.SHA, &c.CheckRunID, &c.OutputHash, &c.UpdatedAt); err != nil {
			return nil, fmt.Errorf("check runs of repository %d: %w", repoID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check runs of repository %d: %w", repoID, err)
	}
	return out, nil
}
