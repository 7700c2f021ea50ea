package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
)

// ErrNoSharedTx says the queue's database cannot take other writes in an enqueue's transaction
// (Postgres: the store keeps its own pool), so the caller writes them separately.
var ErrNoSharedTx = errors.New("queue: enqueue cannot share a transaction on this backend")

// EnqueueWith stores a job and runs also in the same transaction on the queue's SQLite file, so
// both commit or neither does, and the writer slot is taken once instead of twice: what a webhook
// acknowledgement waits for. also sees the job already inserted; an error from it rolls both back.
// On Postgres it returns ErrNoSharedTx and does nothing.
func (q *Queue) EnqueueWith(ctx context.Context, args river.JobArgs, opts EnqueueOpts, also func(ctx context.Context, tx *sql.Tx) error) (Enqueued, error) {
	c, ok := q.client.(*river.Client[*sql.Tx])
	if q.sqliteDB == nil || !ok {
		return Enqueued{}, ErrNoSharedTx
	}
	tx, err := q.sqliteDB.BeginTx(ctx, nil)
	if err != nil {
		return Enqueued{}, fmt.Errorf("enqueue %s job: begin: %w", args.Kind(), err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	res, err := c.InsertTx(ctx, tx, args, insertOpts(opts))
	if err != nil {
		return Enqueued{}, fmt.Errorf("enqueue %s job: %w", args.Kind(), err)
	}
	if err := also(ctx, tx); err != nil {
		return Enqueued{}, err
	}
	if err := tx.Commit(); err != nil {
		return Enqueued{}, fmt.Errorf("enqueue %s job: commit: %w", args.Kind(), err)
	}
	return Enqueued{JobID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate}, nil
}
