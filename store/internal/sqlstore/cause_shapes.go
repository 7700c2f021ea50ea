package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/totto-ci/totto/store"
)

var _ store.FailureHistories = (*Store)(nil)

// PutCauseShape implements store.FailureHistories.
func (s *Store) PutCauseShape(ctx context.Context, logID int64, line int, shapeKey string) error {
	return s.inTx(ctx, func(tx q) error {
		if _, err := tx.exec(ctx, `INSERT INTO log_cause_shapes (log_id, shape_key, line) VALUES (?, ?, ?)
			ON CONFLICT (log_id) DO NOTHING`, logID, shapeKey, line); err != nil {
			return fmt.Errorf("record cause shape key of log %d: %w", logID, err)
		}
		return nil
	})
}

// CauseShape implements store.FailureHistories.
func (s *Store) CauseShape(ctx context.Context, logID int64) (int, string, bool, error) {
	var line int
	var sig string
	err := s.read().row(ctx, `SELECT line, shape_key FROM log_cause_shapes WHERE log_id = ?`, logID).Scan(&line, &sig)
	if s.isNoRows(err) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, fmt.Errorf("cause shape key of log %d: %w", logID, err)
	}
	return line, sig, true, nil
}

// historyJobCols are the columns of a history's job rows (j: jobs, r: repositories), read by
// scanHistoryJob.
const historyJobCols = `j.id, j.repo_id, r.full_name, j.name, j.sha, j.branch, j.conclusion, j.url, j.completed_at, j.created_at`

// ShapeHistory implements store.FailureHistories.
func (s *Store) ShapeHistory(ctx context.Context, shapeKey string, aud store.Audience, limit int) (store.FailureHistory, error) {
	if shapeKey == "" {
		return store.FailureHistory{}, nil // no cause line: nothing to compare with
	}
	cond, args := aud.SQL("j.repo_id")
	from := ` FROM log_cause_shapes ls JOIN jobs j ON j.log_id = ls.log_id WHERE ls.shape_key = ? AND ` + cond
	h, err := s.history(ctx, from, append([]any{shapeKey}, args...), `j.id`, `coalesce(j.completed_at, j.created_at)`, limit)
	if err != nil {
		return h, fmt.Errorf("history of failure shape key %s: %w", shapeKey, err)
	}
	return h, nil
}

// PatternHistory implements store.FailureHistories. pattern_hits holds only hits in repositories
// the pattern applies to, and the job's repository, conclusion and time, so the jobs listed are
// the only ones read.
func (s *Store) PatternHistory(ctx context.Context, patternID int64, aud store.Audience, limit int) (store.FailureHistory, error) {
	cond, args := aud.SQL("h.repo_id")
	from := ` FROM pattern_hits h WHERE h.pattern_id = ? AND h.conclusion = 'failure' AND ` + cond
	h, err := s.history(ctx, from, append([]any{patternID}, args...), `h.job_id`, `h.at`, limit)
	if err != nil {
		return h, fmt.Errorf("history of pattern %d: %w", patternID, err)
	}
	return h, nil
}

// history counts the jobs of from (FROM … WHERE …, with args; id is the job id in it) and lists
// the oldest and the newest limit by the time expression at. The count comes with the newest (a
// window over the same pass), and the oldest is among them when they are all there is, so a
// short history costs one pass and a long one two. Each pass orders ids and times (for a shape,
// from index jobs_log_history alone) and reads only the jobs it lists.
func (s *Store) history(ctx context.Context, from string, args []any, id, at string, limit int) (store.FailureHistory, error) {
	var h store.FailureHistory
	page := func(order string, limit int, total string) string {
		return `SELECT ` + historyJobCols + `, t.total FROM (SELECT ` + id + ` AS id, ` + at + ` AS at, ` + total + ` AS total` + from +
			` ORDER BY 2 ` + order + `, 1 ` + order + ` LIMIT ` + strconv.Itoa(limit) + `) t
			JOIN jobs j ON j.id = t.id JOIN repositories r ON r.id = j.repo_id ORDER BY t.at ` + order + `, t.id ` + order
	}
	recent, total, err := s.historyJobs(ctx, page("DESC", max(limit, 1), "count(*) OVER ()"), args)
	if err != nil || total == 0 {
		return h, err
	}
	h.Total, h.Recent = total, recent
	if total == len(recent) {
		h.First = &recent[len(recent)-1]
		return h, nil
	}
	first, _, err := s.historyJobs(ctx, page("ASC", 1, "0"), args)
	if err != nil {
		return h, err
	}
	if len(first) == 1 {
		h.First = &first[0]
	}
	return h, nil
}

func (s *Store) historyJobs(ctx context.Context, sql string, args []any) ([]store.MatchJob, int, error) {
	rows, err := s.screenRead().query(ctx, sql, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []store.MatchJob
	var total int
	for rows.Next() {
		var j store.MatchJob
		var completed *time.Time
		var created time.Time
		if err := rows.Scan(&j.JobID, &j.RepoID, &j.Repo, &j.Name, &j.SHA, &j.Branch, &j.Conclusion, &j.URL, &completed, &created, &total); err != nil {
			return nil, 0, err
		}
		if completed == nil {
			completed = &created
		}
		j.CompletedAt = utcPtr(completed)
		out = append(out, j)
	}
	return out, total, rows.Err()
}
