package web

import (
	"context"
	"fmt"
	"time"

	"github.com/totto-ci/totto/store"
)

// The few reads below are shaped by single screens (the repositories table, the try page's sample
// of recent logs) and not yet part of store.Insights; they use only SQL both backends share.

// repoSummary is one row of the repositories page.
type repoSummary struct {
	ID                    int64
	FullName              string
	Active                bool
	Private               bool
	Failed7, Explained7   int64
	Failed30, Explained30 int64
}

// repoSummaries counts failed jobs of the last 7 and 30 days per repository and how many of them
// a pattern explained (their log matched something). Unexplained ones are what /unexplained lists.
func (s *server) repoSummaries(ctx context.Context) ([]repoSummary, error) {
	now := s.deps.Now().UTC()
	d7, d30 := now.Add(-7*24*time.Hour), now.Add(-30*24*time.Hour)
	// A job is explained by a match of a pattern that applies to its repository only.
	matched := `EXISTS (SELECT 1 FROM matches m JOIN patterns p ON p.id = m.pattern_id WHERE m.log_id = j.log_id AND ` +
		store.PatternAppliesSQL("p", "j.repo_id") + `)`
	rows, err := s.st.QueryInsights(ctx, `SELECT r.id, r.full_name, CASE WHEN r.active THEN 1 ELSE 0 END, CASE WHEN r.private THEN 1 ELSE 0 END,
			coalesce(sum(CASE WHEN j.completed_at >= ? THEN 1 ELSE 0 END), 0),
			coalesce(sum(CASE WHEN j.completed_at >= ? AND j.log_id IS NOT NULL AND `+matched+` THEN 1 ELSE 0 END), 0),
			count(j.id),
			coalesce(sum(CASE WHEN j.log_id IS NOT NULL AND `+matched+` THEN 1 ELSE 0 END), 0)
		FROM repositories r LEFT JOIN jobs j ON j.repo_id = r.id AND j.conclusion = 'failure' AND j.completed_at >= ?
		GROUP BY r.id, r.full_name, r.active, r.private ORDER BY r.full_name`, d7, d7, d30)
	if err != nil {
		return nil, fmt.Errorf("repository summaries: %w", err)
	}
	defer rows.Close()
	var out []repoSummary
	for rows.Next() {
		var r repoSummary
		var active, private int64
		if err := rows.Scan(&r.ID, &r.FullName, &active, &private, &r.Failed7, &r.Explained7, &r.Failed30, &r.Explained30); err != nil {
			return nil, fmt.Errorf("repository summaries: %w", err)
		}
		r.Active, r.Private = active != 0, private != 0
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("repository summaries: %w", err)
	}
	return out, nil
}

// repoIndex maps repository ids to their name and visibility, for read checks on rows that carry
// only a repository id.
func (s *server) repoIndex(ctx context.Context) (map[int64]repoInfo, error) {
	rows, err := s.st.QueryInsights(ctx, `SELECT id, full_name, CASE WHEN private THEN 1 ELSE 0 END FROM repositories`)
	if err != nil {
		return nil, fmt.Errorf("repository index: %w", err)
	}
	defer rows.Close()
	out := map[int64]repoInfo{}
	for rows.Next() {
		var r repoInfo
		var private int64
		if err := rows.Scan(&r.ID, &r.FullName, &private); err != nil {
			return nil, fmt.Errorf("repository index: %w", err)
		}
		r.Private = private != 0
		out[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("repository index: %w", err)
	}
	return out, nil
}

// repoNames maps repository ids to owner/name.
func (s *server) repoNames(ctx context.Context) (map[int64]string, error) {
	idx, err := s.repoIndex(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(idx))
	for id, r := range idx {
		out[id] = r.FullName
	}
	return out, nil
}

// sampleLog is a recent stored log with one job it belongs to, for trying a pattern.
type sampleLog struct {
	LogID      int64
	StorageKey string
	JobID      int64
	JobName    string
	Conclusion string
	RepoID     int64
}

// recentLogs returns the newest n stored logs of failed and successful jobs (one job each),
// optionally of one repository.
func (s *server) recentLogs(ctx context.Context, repoID int64, n int) ([]sampleLog, error) {
	sql := `SELECT l.id, l.storage_key, j.id, j.name, j.conclusion, j.repo_id FROM jobs j JOIN logs l ON l.id = j.log_id
		WHERE j.log_state = 'stored' AND j.conclusion IN ('failure', 'success')`
	args := []any{}
	if repoID != 0 {
		sql += ` AND j.repo_id = ?`
		args = append(args, repoID)
	}
	rows, err := s.st.QueryInsights(ctx, sql+` ORDER BY j.id DESC LIMIT ?`, append(args, n*2)...)
	if err != nil {
		return nil, fmt.Errorf("recent logs: %w", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	var out []sampleLog
	for rows.Next() {
		var l sampleLog
		if err := rows.Scan(&l.LogID, &l.StorageKey, &l.JobID, &l.JobName, &l.Conclusion, &l.RepoID); err != nil {
			return nil, fmt.Errorf("recent logs: %w", err)
		}
		if !seen[l.LogID] && len(out) < n {
			seen[l.LogID] = true
			out = append(out, l)
		}
	}
	return out, rows.Err()
}

// defaultBranch guesses a repository's default branch: the store does not record it, so the
// branch with most jobs among "main" and "master" wins, "main" when neither has any.
func (s *server) defaultBranch(ctx context.Context, repoID int64) string {
	rows, err := s.st.QueryInsights(ctx, `SELECT branch, count(*) FROM jobs WHERE repo_id = ? AND branch IN ('main', 'master') GROUP BY branch`, repoID)
	if err != nil {
		return "main"
	}
	defer rows.Close()
	best, bestN := "main", int64(0)
	for rows.Next() {
		var b string
		var n int64
		if rows.Scan(&b, &n) == nil && n > bestN {
			best, bestN = b, n
		}
	}
	return best
}
