package queue

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Backlog is the work waiting in the queue, for the depth and age gauges an on-call engineer
// watches: jobs by state, and how long the oldest runnable job has waited.
type Backlog struct {
	// ByState counts unfinished jobs: available, scheduled, retryable, running.
	ByState map[string]int64
	// OldestWait is how long the oldest available job has been due (0 when none is).
	OldestWait time.Duration
}

// unfinished are the states a job waits or runs in.
const unfinishedStates = `('available', 'scheduled', 'retryable', 'running', 'pending')`

// Backlog reads the queue's backlog from the database (every process's jobs, not only this one's).
func (q *Queue) Backlog(ctx context.Context) (Backlog, error) {
	b := Backlog{ByState: map[string]int64{}}
	if q.countStates == nil {
		return b, fmt.Errorf("queue backlog: not available")
	}
	counts, err := q.countStates(ctx)
	if err != nil {
		return b, fmt.Errorf("queue backlog: %w", err)
	}
	b.ByState = counts
	res, err := q.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateAvailable).
		OrderBy(river.JobListOrderByScheduledAt, river.SortOrderAsc).First(1))
	if err != nil {
		return b, fmt.Errorf("queue backlog: oldest job: %w", err)
	}
	if len(res.Jobs) > 0 {
		b.OldestWait = max(0, time.Since(res.Jobs[0].ScheduledAt))
	}
	return b, nil
}

func scanCounts(next func() bool, scan func(*string, *int64) error) (map[string]int64, error) {
	out := map[string]int64{}
	for next() {
		var state string
		var n int64
		if err := scan(&state, &n); err != nil {
			return nil, err
		}
		out[state] = n
	}
	return out, nil
}

// sqlCounter counts jobs by state on a database/sql handle (SQLite).
func sqlCounter(db *sql.DB) func(context.Context) (map[string]int64, error) {
	return func(ctx context.Context) (map[string]int64, error) {
		rows, err := db.QueryContext(ctx, `SELECT state, count(*) FROM river_job WHERE state IN `+unfinishedStates+` GROUP BY state`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out, err := scanCounts(rows.Next, func(s *string, n *int64) error { return rows.Scan(s, n) })
		if err != nil {
			return nil, err
		}
		return out, rows.Err()
	}
}

// pgCounter counts jobs by state on Postgres (the queue's tables are on the store's search path).
func pgCounter(pool *pgxpool.Pool) func(context.Context) (map[string]int64, error) {
	return func(ctx context.Context) (map[string]int64, error) {
		rows, err := pool.Query(ctx, `SELECT state::text, count(*) FROM river_job WHERE state::text IN `+unfinishedStates+` GROUP BY state`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out, err := scanCounts(rows.Next, func(s *string, n *int64) error { return rows.Scan(s, n) })
		if err != nil {
			return nil, err
		}
		return out, rows.Err()
	}
}
