package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/totto-ci/totto/store"
)

var _ store.TrialLogs = (*Store)(nil)

// trialJobs is the condition "job alias is a stored failed or successful job of q", with its
// arguments; q.Before is not part of it.
func trialJobs(alias string, q store.TrialQuery) (string, []any) {
	cond, args := q.Audience.SQL(alias + ".repo_id")
	sql := alias + `.log_state = 'stored' AND ` + alias + `.conclusion IN ('failure', 'success') AND ` + cond
	if q.RepoID != 0 {
		sql += ` AND ` + alias + `.repo_id = ?`
		args = append(args, q.RepoID)
	}
	if q.Owner != "" {
		sql += ` AND ` + alias + `.repo_id IN (SELECT o.id FROM repositories o WHERE o.owner = ?)`
		args = append(args, q.Owner)
	}
	return sql, args
}

// newestOfLog is the condition "job j is the newest job of q sharing its log": each log is listed
// once, under the job that orders it, so a page cursor on that job's id neither repeats nor skips
// a log that several jobs share.
func newestOfLog(q store.TrialQuery) (string, []any) {
	cond, args := trialJobs("j2", q)
	return `NOT EXISTS (SELECT 1 FROM jobs j2 WHERE j2.log_id = j.log_id AND j2.id > j.id AND ` + cond + `)`, args
}

// TrialLogs implements store.TrialLogs.
func (s *Store) TrialLogs(ctx context.Context, q store.TrialQuery, n int) ([]store.SampleLog, error) {
	cond, args := trialJobs("j", q)
	newest, nargs := newestOfLog(q)
	args = append(args, nargs...)
	sql := `SELECT l.id, l.storage_key, j.id, j.repo_id, r.full_name, j.name, j.sha, j.branch, j.conclusion, j.url, j.completed_at, j.created_at
		FROM jobs j JOIN logs l ON l.id = j.log_id JOIN repositories r ON r.id = j.repo_id
		WHERE ` + cond + ` AND ` + newest
	if q.Before > 0 {
		sql += ` AND j.id < ?`
		args = append(args, q.Before)
	}
	rows, err := s.screenRead().query(ctx, sql+` ORDER BY j.id DESC LIMIT ?`, append(args, n)...)
	if err != nil {
		return nil, fmt.Errorf("trial logs: %w", err)
	}
	defer rows.Close()
	var out []store.SampleLog
	for rows.Next() {
		var l store.SampleLog
		var completed *time.Time
		var created time.Time
		if err := rows.Scan(&l.LogID, &l.StorageKey, &l.JobID, &l.RepoID, &l.Repo, &l.Name, &l.SHA, &l.Branch,
			&l.Conclusion, &l.URL, &completed, &created); err != nil {
			return nil, fmt.Errorf("trial logs: %w", err)
		}
		if completed == nil {
			completed = &created
		}
		l.CompletedAt = utcPtr(completed)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("trial logs: %w", err)
	}
	return out, nil
}

// CountTrialLogs implements store.TrialLogs.
func (s *Store) CountTrialLogs(ctx context.Context, q store.TrialQuery, below ...int64) (int, []int, error) {
	cond, args := trialJobs("j", q)
	newest, nargs := newestOfLog(q)
	cols := `count(*)`
	var colArgs []any
	for _, b := range below {
		if b <= 0 {
			cols += `, count(*)`
			continue
		}
		cols += `, coalesce(sum(CASE WHEN j.id < ? THEN 1 ELSE 0 END), 0)`
		colArgs = append(colArgs, b)
	}
	args = append(append(colArgs, args...), nargs...)
	var total int
	older := make([]int, len(below))
	dest := []any{&total}
	for i := range older {
		dest = append(dest, &older[i])
	}
	if err := s.screenRead().row(ctx, `SELECT `+cols+` FROM jobs j WHERE `+cond+` AND `+newest, args...).Scan(dest...); err != nil {
		return 0, nil, fmt.Errorf("count trial logs: %w", err)
	}
	return total, older, nil
}
