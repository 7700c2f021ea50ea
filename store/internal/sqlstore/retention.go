package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/totto-ci/totto/store"
)

var _ store.Pruner = (*Store)(nil)

// jobTime is when a job happened, for retention: its completion, else when it was recorded.
const jobTime = `coalesce(j.completed_at, j.created_at)`

// limitClause is " LIMIT n", or nothing for 0 (all).
func limitClause(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d", n)
}

// ExpirableLogs implements store.Pruner.
func (s *Store) ExpirableLogs(ctx context.Context, cutoff time.Time, after int64, limit int) ([]store.Log, error) {
	rows, err := s.read().query(ctx, `SELECT `+logCols+` FROM logs l
		WHERE l.id > ? AND l.expired_at IS NULL AND l.created_at < ?
		  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.log_id = l.id AND `+jobTime+` >= ?)
		ORDER BY l.id`+limitClause(limit), after, cutoff.UTC(), cutoff.UTC())
	if err != nil {
		return nil, fmt.Errorf("expirable logs: %w", err)
	}
	return collectLogs(rows)
}

// ExpireLogs implements store.Pruner.
func (s *Store) ExpireLogs(ctx context.Context, ids []int64, at time.Time) ([]store.Log, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []store.Log
	err := s.inTx(ctx, func(tx q) error {
		in, args := idList(ids)
		rows, err := tx.query(ctx, `SELECT `+logCols+` FROM logs WHERE expired_at IS NULL AND id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		if out, err = collectLogs(rows); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE logs SET expired_at = ? WHERE expired_at IS NULL AND id IN (`+in+`)`, append([]any{at.UTC()}, args...)...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("expire %d logs: %w", len(ids), err)
	}
	return out, nil
}

// DeleteDeliveries implements store.Pruner.
func (s *Store) DeleteDeliveries(ctx context.Context, cutoff time.Time, limit int, dry bool) (int64, error) {
	sel := `SELECT id FROM deliveries WHERE received_at < ?` + limitClause(limit)
	if dry {
		var n int64
		err := s.read().row(ctx, `SELECT count(*) FROM (`+sel+`) d`, cutoff.UTC()).Scan(&n)
		return n, err
	}
	var n int64
	err := s.inTx(ctx, func(tx q) error {
		var err error
		n, err = tx.exec(ctx, `DELETE FROM deliveries WHERE id IN (`+sel+`)`, cutoff.UTC())
		return err
	})
	return n, err
}

// oldOnlyLogs selects the logs that jobs before the cutoff use and no later job does.
const oldOnlyLogs = `SELECT l.id FROM logs l WHERE EXISTS (SELECT 1 FROM jobs j WHERE j.log_id = l.id AND ` + jobTime + ` < ?)
	AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.log_id = l.id AND ` + jobTime + ` >= ?)`

// countJobs is DeleteJobs' dry run: every job before cutoff, in three counting queries.
func (s *Store) countJobs(ctx context.Context, cutoff time.Time) (int64, []store.Log, int64, error) {
	c := cutoff.UTC()
	var jobs, matches int64
	if err := s.read().row(ctx, `SELECT count(*) FROM jobs j WHERE `+jobTime+` < ?`, c).Scan(&jobs); err != nil {
		return 0, nil, 0, err
	}
	rows, err := s.read().query(ctx, `SELECT `+logCols+` FROM logs WHERE id IN (`+oldOnlyLogs+`)`, c, c)
	if err != nil {
		return 0, nil, 0, err
	}
	logs, err := collectLogs(rows)
	if err != nil {
		return 0, nil, 0, err
	}
	err = s.read().row(ctx, `SELECT count(*) FROM matches WHERE log_id IN (`+oldOnlyLogs+`)`, c, c).Scan(&matches)
	return jobs, logs, matches, err
}

// DeleteJobs implements store.Pruner.
func (s *Store) DeleteJobs(ctx context.Context, cutoff time.Time, limit int, dry bool) (int64, []store.Log, int64, error) {
	if dry {
		jobs, logs, matches, err := s.countJobs(ctx, cutoff)
		if err != nil {
			return 0, nil, 0, fmt.Errorf("count jobs before %s: %w", cutoff.Format(time.DateOnly), err)
		}
		return jobs, logs, matches, nil
	}
	var jobs, matches int64
	var logs []store.Log
	run := func(tx q) error {
		rows, err := tx.query(ctx, `SELECT j.id FROM jobs j WHERE `+jobTime+` < ? ORDER BY j.id`+limitClause(limit), cutoff.UTC())
		if err != nil {
			return err
		}
		ids, err := collectIDs(rows)
		if err != nil || len(ids) == 0 {
			return err
		}
		jobs = int64(len(ids))
		in, args := idList(ids)
		// The logs only these jobs use go with them.
		rows, err = tx.query(ctx, `SELECT `+prefixed("l.", logCols)+` FROM logs l WHERE l.id IN (SELECT log_id FROM jobs WHERE id IN (`+in+`))
			AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.log_id = l.id AND j.id NOT IN (`+in+`))`, append(args, args...)...)
		if err != nil {
			return err
		}
		if logs, err = collectLogs(rows); err != nil {
			return err
		}
		logIDs := make([]int64, len(logs))
		for i, l := range logs {
			logIDs[i] = l.ID
		}
		if len(logIDs) > 0 {
			lin, largs := idList(logIDs)
			if matches, err = tx.exec(ctx, `DELETE FROM matches WHERE log_id IN (`+lin+`)`, largs...); err != nil {
				return err
			}
			for _, table := range []string{"log_cause_lines", "log_cause_shapes"} {
				if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE log_id IN (`+lin+`)`, largs...); err != nil {
					return err
				}
			}
		}
		for _, stmt := range []string{`DELETE FROM pattern_hits WHERE job_id IN (` + in + `)`, `DELETE FROM job_verdicts WHERE job_id IN (` + in + `)`, `DELETE FROM jobs WHERE id IN (` + in + `)`} {
			if _, err := tx.exec(ctx, stmt, args...); err != nil {
				return err
			}
		}
		if len(logIDs) > 0 {
			// Tombstones, not deletions: the rows stay, expired and unscanned, until their contents
			// are gone (see DeleteExpiredContents, DeleteOrphanLogs). A re-ingest of the same
			// content meanwhile revives the row instead of racing a delete of its content.
			lin, largs := idList(logIDs)
			if _, err := tx.exec(ctx, `UPDATE logs SET expired_at = ?, scanned_through = 0 WHERE id IN (`+lin+`)`,
				append([]any{now()}, largs...)...); err != nil {
				return err
			}
		}
		return nil
	}
	if err := s.inTx(ctx, run); err != nil {
		return 0, nil, 0, fmt.Errorf("delete jobs before %s: %w", cutoff.Format(time.DateOnly), err)
	}
	return jobs, logs, matches, nil
}

// idList is "?, ?, …" for ids and the ids as arguments.
func idList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

func collectLogs(rows Rows) ([]store.Log, error) {
	defer rows.Close()
	var out []store.Log
	for rows.Next() {
		l, err := scanLog(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func collectIDs(rows Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// DeleteExpiredContents implements store.Pruner. Locking the rows (an UPDATE that changes
// nothing) makes a concurrent PutLog of the same content wait until the contents are deleted,
// after which it revives the row and stores the content again; a row revived before the lock is
// no longer expired and its content is kept.
func (s *Store) DeleteExpiredContents(ctx context.Context, ids []int64, del func(store.Log) error) ([]store.Log, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []store.Log
	err := s.inTx(ctx, func(tx q) error {
		in, args := idList(ids)
		if _, err := tx.exec(ctx, `UPDATE logs SET expired_at = expired_at WHERE expired_at IS NOT NULL AND id IN (`+in+`)`, args...); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT `+logCols+` FROM logs WHERE expired_at IS NOT NULL AND id IN (`+in+`) ORDER BY id`, args...)
		if err != nil {
			return err
		}
		logs, err := collectLogs(rows)
		if err != nil {
			return err
		}
		for _, l := range logs {
			if err := del(l); err != nil {
				return err
			}
			out = append(out, l)
		}
		return nil
	})
	if err != nil {
		// Contents deleted before the failure belong to rows that stay expired: nothing live
		// points at them.
		return out, fmt.Errorf("delete contents of %d expired logs: %w", len(ids), err)
	}
	return out, nil
}

// OrphanLogs implements store.Pruner.
func (s *Store) OrphanLogs(ctx context.Context, limit int) ([]store.Log, error) {
	rows, err := s.read().query(ctx, `SELECT `+logCols+` FROM logs l WHERE l.expired_at IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.log_id = l.id) ORDER BY l.id`+limitClause(limit))
	if err != nil {
		return nil, fmt.Errorf("orphan logs: %w", err)
	}
	return collectLogs(rows)
}

// DeleteOrphanLogs implements store.Pruner.
func (s *Store) DeleteOrphanLogs(ctx context.Context, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	var n int64
	err := s.inTx(ctx, func(tx q) error {
		in, args := idList(ids)
		cond := `expired_at IS NOT NULL AND id IN (` + in + `) AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.log_id = logs.id)`
		for _, stmt := range []string{`DELETE FROM matches WHERE log_id IN (SELECT id FROM logs WHERE ` + cond + `)`,
			`DELETE FROM log_cause_lines WHERE log_id IN (SELECT id FROM logs WHERE ` + cond + `)`} {
			if _, err := tx.exec(ctx, stmt, args...); err != nil {
				return err
			}
		}
		var err error
		n, err = tx.exec(ctx, `DELETE FROM logs WHERE `+cond, args...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete %d orphan logs: %w", len(ids), err)
	}
	return n, nil
}
