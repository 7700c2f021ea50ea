package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
)

var _ store.Reruns = (*Store)(nil)

// ClaimRerun implements store.Reruns.
func (s *Store) ClaimRerun(ctx context.Context, r store.Rerun) (bool, error) {
	claimed := false
	err := s.inTx(ctx, func(tx q) error {
		n, err := tx.exec(ctx, `INSERT INTO reruns (repo_id, provider, job_external_id, sha, job_name, attempt, outcome, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (repo_id, provider, job_external_id) DO NOTHING`,
			r.RepoID, r.Provider, r.JobExternalID, r.SHA, r.JobName, r.Attempt, store.RerunPending, r.At.Unix())
		if err != nil {
			return fmt.Errorf("claim re-run of job %s: %w", r.JobExternalID, err)
		}
		claimed = n == 1
		return nil
	})
	return claimed, err
}

// SetRerunOutcome implements store.Reruns.
func (s *Store) SetRerunOutcome(ctx context.Context, repoID int64, provider ident.Provider, jobExternalID, outcome string) error {
	return s.inTx(ctx, func(tx q) error {
		if _, err := tx.exec(ctx, `UPDATE reruns SET outcome = ? WHERE repo_id = ? AND provider = ? AND job_external_id = ?`,
			outcome, repoID, provider, jobExternalID); err != nil {
			return fmt.Errorf("record re-run outcome of job %s: %w", jobExternalID, err)
		}
		return nil
	})
}

// ReleaseRerun implements store.Reruns.
func (s *Store) ReleaseRerun(ctx context.Context, repoID int64, provider ident.Provider, jobExternalID string) error {
	return s.inTx(ctx, func(tx q) error {
		if _, err := tx.exec(ctx, `DELETE FROM reruns WHERE repo_id = ? AND provider = ? AND job_external_id = ?`,
			repoID, provider, jobExternalID); err != nil {
			return fmt.Errorf("release re-run of job %s: %w", jobExternalID, err)
		}
		return nil
	})
}

// CommitReruns implements store.Reruns.
func (s *Store) CommitReruns(ctx context.Context, repoID int64, sha string) ([]store.Rerun, error) {
	rows, err := s.read().query(ctx, `SELECT provider, job_external_id, job_name, attempt, outcome, created_at
		FROM reruns WHERE repo_id = ? AND sha = ? ORDER BY created_at, job_name, attempt`, repoID, sha)
	if err != nil {
		return nil, fmt.Errorf("re-runs of %s: %w", sha, err)
	}
	defer rows.Close()
	var out []store.Rerun
	for rows.Next() {
		r := store.Rerun{RepoID: repoID, SHA: sha}
		var at int64
		if err := rows.Scan(&r.Provider, &r.JobExternalID, &r.JobName, &r.Attempt, &r.Outcome, &at); err != nil {
			return nil, fmt.Errorf("re-runs of %s: %w", sha, err)
		}
		r.At = time.Unix(at, 0).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
