package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/totto-ci/totto/store"
)

var _ store.JobHistory = (*Store)(nil)

// LastPassingLog implements store.JobHistory.
func (s *Store) LastPassingLog(ctx context.Context, repoID int64, jobName string) (int64, bool, error) {
	var id int64
	err := s.read().row(ctx, `SELECT log_id FROM jobs
		WHERE repo_id = ? AND name = ? AND conclusion = 'success' AND log_state = 'stored' AND log_id IS NOT NULL
		ORDER BY COALESCE(completed_at, created_at) DESC, id DESC LIMIT 1`, repoID, jobName).Scan(&id)
	if errors.Is(err, s.Dialect.NoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("last passing log of job %q in repository %d: %w", jobName, repoID, err)
	}
	return id, true, nil
}

// JobFingerprint implements store.JobHistory.
func (s *Store) JobFingerprint(ctx context.Context, repoID int64, jobName string) (int64, []byte, bool, error) {
	var id int64
	var fp []byte
	err := s.read().row(ctx, `SELECT log_id, fingerprint FROM job_fingerprints WHERE repo_id = ? AND job_name = ?`,
		repoID, jobName).Scan(&id, &fp)
	if errors.Is(err, s.Dialect.NoRows) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("fingerprint of job %q in repository %d: %w", jobName, repoID, err)
	}
	return id, fp, true, nil
}

// PutJobFingerprint implements store.JobHistory.
func (s *Store) PutJobFingerprint(ctx context.Context, repoID int64, jobName string, logID int64, fingerprint []byte) error {
	return s.inTx(ctx, func(tx q) error {
		if _, err := tx.exec(ctx, `INSERT INTO job_fingerprints (repo_id, job_name, log_id, fingerprint) VALUES (?, ?, ?, ?)
			ON CONFLICT (repo_id, job_name) DO UPDATE SET log_id = excluded.log_id, fingerprint = excluded.fingerprint`,
			repoID, jobName, logID, fingerprint); err != nil {
			return fmt.Errorf("keep fingerprint of job %q in repository %d: %w", jobName, repoID, err)
		}
		return nil
	})
}
