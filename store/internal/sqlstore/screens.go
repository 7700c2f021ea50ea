package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/totto-ci/totto/store"
)

var _ store.Screens = (*Store)(nil)

// explainedJob is "job j's kept verdict explains its failure" (store.VerdictKeeper): the one
// decision the check run states; a failure not decided yet is not explained.
const explainedJob = `EXISTS (SELECT 1 FROM job_verdicts v WHERE v.job_id = j.id AND v.explained)`

// Repositories implements store.Screens.
func (s *Store) Repositories(ctx context.Context) ([]store.Repository, error) {
	rows, err := s.screenRead().query(ctx, `SELECT `+repoCols+` FROM repositories ORDER BY full_name`)
	if err != nil {
		return nil, fmt.Errorf("repositories: %w", err)
	}
	defer rows.Close()
	var out []store.Repository
	for rows.Next() {
		r, err := scanRepo(rows)
		if err != nil {
			return nil, fmt.Errorf("repositories: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("repositories: %w", err)
	}
	return out, nil
}

// RepositorySummaries implements store.Screens.
func (s *Store) RepositorySummaries(ctx context.Context, since7, since30 time.Time) ([]store.RepositorySummary, error) {
	rows, err := s.screenRead().query(ctx, `SELECT r.id, r.installation_id, r.full_name, r.active, r.private, r.created_at,
			coalesce(sum(CASE WHEN j.completed_at >= ? THEN 1 ELSE 0 END), 0),
			coalesce(sum(CASE WHEN j.completed_at >= ? AND `+explainedJob+` THEN 1 ELSE 0 END), 0),
			count(j.id),
			coalesce(sum(CASE WHEN `+explainedJob+` THEN 1 ELSE 0 END), 0)
		FROM repositories r LEFT JOIN jobs j ON j.repo_id = r.id AND j.conclusion = 'failure' AND j.completed_at >= ?
		GROUP BY r.id, r.installation_id, r.full_name, r.active, r.private, r.created_at ORDER BY r.full_name`, since7, since7, since30)
	if err != nil {
		return nil, fmt.Errorf("repository summaries: %w", err)
	}
	defer rows.Close()
	var out []store.RepositorySummary
	for rows.Next() {
		var x store.RepositorySummary
		r := &x.Repository
		if err := rows.Scan(&r.ID, &r.InstallationID, &r.FullName, &r.Active, &r.Private, &r.CreatedAt,
			&x.Failed7, &x.Explained7, &x.Failed30, &x.Explained30); err != nil {
			return nil, fmt.Errorf("repository summaries: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("repository summaries: %w", err)
	}
	return out, nil
}

// DefaultBranch implements store.Screens.
func (s *Store) DefaultBranch(ctx context.Context, repoID int64) (string, error) {
	rows, err := s.screenRead().query(ctx, `SELECT branch, count(*) FROM jobs WHERE repo_id = ? AND branch IN ('main', 'master') GROUP BY branch`, repoID)
	if err != nil {
		return "", fmt.Errorf("default branch of repository %d: %w", repoID, err)
	}
	defer rows.Close()
	best, bestN := "main", int64(0)
	for rows.Next() {
		var b string
		var n int64
		if err := rows.Scan(&b, &n); err != nil {
			return "", fmt.Errorf("default branch of repository %d: %w", repoID, err)
		}
		if n > bestN || (n == bestN && b == "main") {
			best, bestN = b, n
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("default branch of repository %d: %w", repoID, err)
	}
	return best, nil
}
