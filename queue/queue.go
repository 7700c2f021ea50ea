package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
)

// Options tunes a Queue; the zero value is a sensible production setting.
type Options struct {
	// Workers is how many jobs this process runs at once (default 4).
	Workers int
	// MaxAttempts is how many times a job is tried before it is discarded (default 10); EnqueueOpts
	// can override it per job.
	MaxAttempts int
	// RetryPolicy decides when a failed job is tried again; nil keeps River's exponential backoff
	// (about attempt⁴ seconds with jitter). Tests set a short one.
	RetryPolicy river.ClientRetryPolicy
	// PollInterval is how often idle workers look for due jobs (default 1s). SQLite has no
	// notifications, so this bounds its pick-up latency; on Postgres new jobs are notified at once.
	PollInterval time.Duration
	// JobTimeout cancels a job's context after this long (default: River's one minute).
	JobTimeout time.Duration
}

// client is the part of River's generic *river.Client[TTx] the Queue uses, so one Queue type serves
// both the pgx and the database/sql driver.
type client interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	PeriodicJobs() *river.PeriodicJobBundle
}

// Queue is the App's durable job queue: register workers, Start, Enqueue from handlers, Stop on
// shutdown. Jobs live in the store's database, so they survive restarts, are shared by every
// process that opens the same database, and can be enqueued in a store transaction (EnqueueTx).
type Queue struct {
	client  client
	workers *river.Workers
	// Exactly one is set: the typed client for the store's driver, for EnqueueTx.
	pgx *river.Client[pgx.Tx]
	sql *river.Client[*sql.Tx]
	// countStates counts unfinished jobs by state (Backlog).
	countStates func(context.Context) (map[string]int64, error)
}

// Open builds the queue on the store's connection pool (store.Store.Conn): River's tables live in
// the store's database, migrated here (Migrate), and a job can be enqueued in a store transaction.
// The store owns the pool: close it after Stop.
func Open(ctx context.Context, conn store.Conn, opts Options) (*Queue, error) {
	workers := river.NewWorkers()
	cfg := riverConfig(ctx, opts, workers)
	if err := Migrate(ctx, conn, nil); err != nil {
		return nil, err
	}
	q := &Queue{workers: workers}
	switch {
	case conn.Pgx != nil:
		c, err := river.NewClient(riverpgxv5.New(conn.Pgx), cfg)
		if err != nil {
			return nil, fmt.Errorf("queue client: %w", err)
		}
		q.client, q.pgx, q.countStates = c, c, pgCounter(conn.Pgx)
	case conn.SQL != nil:
		c, err := river.NewClient(riversqlite.New(conn.SQL), cfg)
		if err != nil {
			return nil, fmt.Errorf("queue client: %w", err)
		}
		q.client, q.sql, q.countStates = c, c, sqlCounter(conn.SQL)
	default:
		return nil, errNoPool
	}
	return q, nil
}

// riverConfig turns Options into River's configuration, logging through the caller's zerolog logger.
// fetchCooldown is the least time between two fetches of due jobs. River's default (100 ms)
// caps a queue at MaxWorkers jobs per 100 ms however fast the jobs are, so a backlog drained at
// 20 jobs/s with 2 workers and the App had to run many workers, which then took the cores from
// webhook acknowledgements. 10 ms lets a few workers keep up; a fetch is one indexed query.
const fetchCooldown = 10 * time.Millisecond

func riverConfig(ctx context.Context, opts Options, workers *river.Workers) *river.Config {
	n := opts.Workers
	if n <= 0 {
		n = 4
	}
	poll := opts.PollInterval
	if poll <= 0 {
		poll = river.FetchPollIntervalDefault
	}
	logger := zerolog.Ctx(ctx).With().Str("component", "queue").Logger()
	timeout := opts.JobTimeout
	if timeout <= 0 {
		timeout = river.JobTimeoutDefault
	}
	return &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}},
		Workers:           workers,
		MaxAttempts:       opts.MaxAttempts,
		RetryPolicy:       opts.RetryPolicy,
		FetchPollInterval: poll,
		FetchCooldown:     min(poll, fetchCooldown),
		JobTimeout:        opts.JobTimeout,
		// A job left running by a process that died (kill -9, OOM, lost node) is rescued once it
		// cannot still be running: its timeout has cancelled it. River's default waits an hour.
		RescueStuckJobsAfter: timeout + time.Minute,
		Logger:               slog.New(zerolog.NewSlogHandler(logger)),
	}
}

// Register adds the worker for one kind of job. Call it for every kind before Start: a job whose
// kind has no worker cannot be enqueued.
func Register[T river.JobArgs](q *Queue, w river.Worker[T]) error {
	if err := river.AddWorkerSafely(q.workers, w); err != nil {
		return fmt.Errorf("register worker: %w", err)
	}
	return nil
}

// Start begins working jobs in the background; ctx is the parent of every job's context, and
// cancelling it stops hard (running jobs see their context cancelled).
func (q *Queue) Start(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("start queue: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for running ones to finish; if ctx ends first, running jobs are
// cancelled (they will be retried after River's rescue delay). Stop is also the way to release a
// Queue that was never started. The pool stays open: it is the store's.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// A fresh context: the caller's is already done, and the hard stop must still wait for
		// cancelled jobs to return before the pool closes underneath them.
		err = q.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	if err != nil {
		return fmt.Errorf("stop queue: %w", err)
	}
	return nil
}

// Subscribe delivers job events (completed, failed, …) of this process; the App uses it for metrics
// and tests use it to wait for work without sleeping. Call the returned func to unsubscribe.
func (q *Queue) Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func()) {
	return q.client.Subscribe(kinds...)
}

// Job reads a job's current row (state, attempts, errors), for status pages and tests.
func (q *Queue) Job(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get job %d: %w", id, err)
	}
	return row, nil
}
