package scan

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/verdicts"
)

// RescanArgs is the durable job that scans stored logs for the patterns they have not been scanned
// with (after a pattern is saved in the UI, and at every start of the App), then decides again the
// kept verdicts that went stale (a pattern edited or retired, new matches, a known-broken range
// changed) or that failed jobs never had (imported history). It has no arguments: one job at a
// time does all the pending work, whoever asked for it, on whichever replica.
type RescanArgs struct{}

// Kind names the job for the queue.
func (RescanArgs) Kind() string { return "rescan_stored_logs" }

// Jobs queues the rescan job; Register makes one.
type Jobs struct{ q *queue.Queue }

// JobStore is what the rescan job reads and writes: the scan's store, the demotions it watches
// in every account, and the kept verdicts it decides again once the logs are scanned.
type JobStore interface {
	Store
	verdicts.Store
	verdicts.AccountsWatch
}

// verdictCommits is how many commits one call decides again between checks of the slice's end.
const verdictCommits = 50

// Register adds the rescan worker to q (before q.Start) and returns what queues its job.
func Register(q *queue.Queue, st JobStore, blobs blob.Store) (*Jobs, error) {
	w := &rescanWorker{st: st, blobs: blobs, matchers: NewMatcherCache(), workers: max(1, runtime.NumCPU()/2)}
	if err := queue.Register(q, w); err != nil {
		return nil, err
	}
	return &Jobs{q: q}, nil
}

// QueueRescan queues the rescan job unless one is already waiting or running (that one picks the
// new work up: each pass starts from the first pending log).
func (j *Jobs) QueueRescan(ctx context.Context) error {
	res, err := j.q.Enqueue(ctx, RescanArgs{}, queue.EnqueueOpts{Unique: true})
	if err != nil {
		return fmt.Errorf("queue the rescan of stored logs: %w", err)
	}
	zerolog.Ctx(ctx).Debug().Int64("queue_job_id", res.JobID).Bool("duplicate", res.Duplicate).Msg("rescan queued")
	return nil
}

type rescanWorker struct {
	river.WorkerDefaults[RescanArgs]
	st       JobStore
	blobs    blob.Store
	matchers *MatcherCache
	// workers scan logs in parallel: half the cores, so webhooks and pipeline jobs keep theirs.
	workers int
}

// Work rescans in slices of half the job's timeout: when a slice ends with logs left, the job is
// snoozed and continues (from the first pending log, so what was scanned stays scanned), rather
// than being cancelled by its timeout and retried as a failure. Patterns saved while it runs are
// picked up by another pass.
func (w *rescanWorker) Work(ctx context.Context, job *river.Job[RescanArgs]) error {
	slice := ctx
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		slice, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(deadline)/2))
		defer cancel()
	}
	log := zerolog.Ctx(ctx)
	scanned := false
	failed := 0
	for {
		res, err := Rescan(slice, w.st, w.blobs, RescanOptions{Workers: w.workers, Matchers: w.matchers})
		log.Info().Int("logs", res.Done).Int64("matches", res.Matches).Int("failed", res.Failed).Dur("took", res.Elapsed).Msg("rescan of stored logs")
		if err != nil {
			// The slice is over (or the App is stopping): what was scanned is recorded, the next
			// slice continues. A slice that scanned nothing is an error, so a log too slow for
			// any slice ends in River's retries and their limit rather than snoozing for ever.
			if slice.Err() != nil && res.Done > 0 {
				return river.JobSnooze(100 * time.Millisecond)
			}
			return err
		}
		scanned = scanned || res.Done > 0
		// Logs that failed stay pending; anything beyond them is new work (a pattern saved
		// during the pass, below the cursor), worth another pass.
		left, err := w.st.PendingScans(ctx, 0, len(res.Failures)+1)
		if err != nil {
			return fmt.Errorf("rescan: %w", err)
		}
		if failed = len(res.Failures); len(left) <= failed {
			break
		}
	}
	// A triage watches the demotions of the patterns its commit matched; history imported since
	// (backfill, `totto ingest`) may have changed others': their verdicts go stale here, and are
	// decided below.
	if changed, err := verdicts.WatchAllAccounts(slice, w.st); err != nil {
		if slice.Err() != nil && scanned {
			return river.JobSnooze(100 * time.Millisecond)
		}
		return fmt.Errorf("rescan: %w", err)
	} else if len(changed) > 0 {
		log.Info().Ints64("patterns", changed).Msg("demotion changed: their verdicts are decided again")
	}
	if err := w.decideVerdicts(slice, scanned); err != nil {
		return err
	}
	// A pattern saved while verdicts were decided found this job running, so its enqueue added
	// nothing: its logs are pending now, and this job scans them before it finishes.
	left, err := w.st.PendingScans(ctx, 0, failed+1)
	if err != nil {
		return fmt.Errorf("rescan: %w", err)
	}
	if len(left) > failed {
		return river.JobSnooze(100 * time.Millisecond)
	}
	return nil
}

// decideVerdicts decides stale and missing verdicts until none is left; when the slice ends
// first, the job snoozes and continues, like the scan, provided the slice did some work (scanned
// is whether its scan did).
func (w *rescanWorker) decideVerdicts(slice context.Context, scanned bool) error {
	total := 0
	defer func() {
		zerolog.Ctx(slice).Info().Int("commits", total).Msg("verdicts decided again")
	}()
	for {
		n, err := verdicts.DecideStale(slice, w.st, time.Now, verdictCommits)
		total += n
		if err != nil {
			if slice.Err() != nil && (total > 0 || scanned) {
				return river.JobSnooze(100 * time.Millisecond)
			}
			return fmt.Errorf("rescan: %w", err)
		}
		if n < verdictCommits {
			return nil
		}
		if slice.Err() != nil {
			return river.JobSnooze(100 * time.Millisecond)
		}
	}
}
