package app

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/store"
)

// RetentionPolicy is the retention.* settings as a store.Retention, refusing negative values.
func (c Config) RetentionPolicy() (store.Retention, error) {
	r := c.Retention
	if r.LogsDays < 0 || r.DeliveriesDays < 0 || r.JobsMonths < 0 {
		return store.Retention{}, fmt.Errorf("retention: logs_days %d, deliveries_days %d, jobs_months %d: want 0 (keep forever) or more",
			r.LogsDays, r.DeliveriesDays, r.JobsMonths)
	}
	const day = 24 * time.Hour
	return store.Retention{Logs: time.Duration(r.LogsDays) * day, Deliveries: time.Duration(r.DeliveriesDays) * day,
		Jobs: time.Duration(r.JobsMonths) * 30 * day}, nil
}

// pruneInterval is how often the durable prune job runs.
const pruneInterval = time.Hour

// pruneArgs is the periodic retention job.
type pruneArgs struct{}

func (pruneArgs) Kind() string { return "prune" }

// pruneWorker applies the retention policy.
type pruneWorker struct {
	river.WorkerDefaults[pruneArgs]
	st     store.Pruner
	blobs  store.LogDeleter
	policy store.Retention
}

// Timeout lets a first prune of a large backlog run long; it commits in batches, so a cut-off run
// loses nothing and the next one continues.
func (w *pruneWorker) Timeout(*river.Job[pruneArgs]) time.Duration { return 30 * time.Minute }

func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[pruneArgs]) error {
	rep, err := store.Prune(ctx, w.st, w.blobs, w.policy, time.Now(), false)
	log := zerolog.Ctx(ctx)
	if err != nil {
		log.Error().Err(err).Msg("retention: prune failed; the next run continues")
		return err
	}
	log.Info().Int64("expired_logs", rep.ExpiredLogs).Int64("expired_log_bytes", rep.ExpiredLogBytes).
		Int64("deliveries", rep.Deliveries).Int64("jobs", rep.Jobs).Int64("deleted_logs", rep.DeletedLogs).
		Int64("matches", rep.Matches).Msg("retention: pruned")
	return nil
}

// scheduleRetention registers the prune job and schedules it hourly when any retention is set.
func (a *App) scheduleRetention(policy store.Retention) error {
	if policy == (store.Retention{}) {
		return nil
	}
	if err := queue.Register(a.Queue, river.Worker[pruneArgs](&pruneWorker{st: a.Store, blobs: a.Blobs, policy: policy})); err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	a.Queue.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(pruneInterval),
		func() (river.JobArgs, *river.InsertOpts) {
			return pruneArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: pruneInterval}}
		}, &river.PeriodicJobOpts{ID: "prune", RunOnStart: true}))
	return nil
}
