package queue

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/totto-ci/totto/store"
)

// EnqueueOpts says how one job is queued; the zero value queues it to run now with the Queue's
// default attempts.
type EnqueueOpts struct {
	// Unique keeps at most one unfinished job per (kind, args): while one is scheduled, waiting,
	// running or waiting for a retry, enqueueing the same again is a no-op that reports Duplicate.
	// Make args hold exactly the key (e.g. repo and SHA for a triage job); fields tagged
	// `river:"unique"` narrow the key to those fields. A job that is already running also counts,
	// so work that must see events arriving during a run should re-check its inputs at the end.
	Unique bool
	// Delay runs the job no earlier than now+Delay. With Unique it debounces: a burst of events
	// within the delay collapses into the first job, which then sees all of them. Jobs scheduled in
	// the future become due within River's scheduler interval (5 s) after their time.
	Delay time.Duration
	// MaxAttempts overrides Options.MaxAttempts for this job when positive.
	MaxAttempts int
	// UniqueAfterFinish makes Unique hold against finished jobs too, while the queue keeps them
	// (River deletes completed jobs after 24 hours): a slash command redelivered after it ran is
	// a duplicate, where a job event would be work to do again.
	UniqueAfterFinish bool
}

// Enqueued reports what Enqueue did.
type Enqueued struct {
	// JobID is the new job, or the existing one it was a duplicate of.
	JobID int64
	// Duplicate is true when Unique found an unfinished job with the same key and added nothing.
	Duplicate bool
}

// uniqueWhileUnfinished are the states in which a unique job blocks a duplicate. River requires
// available, pending, running and scheduled; retryable is added so a failing job is not doubled.
// Completed, cancelled and discarded are left out so a later event can queue fresh work.
var uniqueWhileUnfinished = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// uniqueWhileKept adds completed to uniqueWhileUnfinished: a finished job still blocks its
// duplicate until River's cleaner deletes it.
var uniqueWhileKept = append(slices.Clone(uniqueWhileUnfinished), rivertype.JobStateCompleted)

// Enqueue stores a job durably; it returns once the job is committed, so a handler may acknowledge
// its event. The job's kind must have a worker registered on this Queue.
func (q *Queue) Enqueue(ctx context.Context, args river.JobArgs, opts EnqueueOpts) (Enqueued, error) {
	res, err := q.client.Insert(ctx, args, insertOpts(opts))
	if err != nil {
		return Enqueued{}, fmt.Errorf("enqueue %s job: %w", args.Kind(), err)
	}
	return Enqueued{JobID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate}, nil
}

func insertOpts(opts EnqueueOpts) *river.InsertOpts {
	io := &river.InsertOpts{MaxAttempts: opts.MaxAttempts}
	if opts.Delay > 0 {
		io.ScheduledAt = time.Now().Add(opts.Delay)
	}
	if opts.Unique {
		io.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: uniqueWhileUnfinished}
		if opts.UniqueAfterFinish {
			io.UniqueOpts.ByState = uniqueWhileKept
		}
	}
	return io
}

// EnqueueTx stores a job in a store transaction: it commits or rolls back with the transaction's
// other writes (the delivery that asked for it). The Queue must be open on the same store.
func (q *Queue) EnqueueTx(ctx context.Context, tx store.Tx, args river.JobArgs, opts EnqueueOpts) (Enqueued, error) {
	var (
		res *rivertype.JobInsertResult
		err error
	)
	switch d := tx.Driver(); {
	case d.Pgx != nil && q.pgx != nil:
		res, err = q.pgx.InsertTx(ctx, d.Pgx, args, insertOpts(opts))
	case d.SQL != nil && q.sql != nil:
		res, err = q.sql.InsertTx(ctx, d.SQL, args, insertOpts(opts))
	default:
		return Enqueued{}, fmt.Errorf("enqueue %s job: the transaction is not on the queue's database", args.Kind())
	}
	if err != nil {
		return Enqueued{}, fmt.Errorf("enqueue %s job: %w", args.Kind(), err)
	}
	return Enqueued{JobID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate}, nil
}
