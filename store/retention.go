package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// Retention says how long totto keeps what it stores; a zero field keeps that kind forever.
type Retention struct {
	// Logs: log contents of jobs that completed longer ago than this are deleted from the log
	// store. The log's row stays (expired_at set), and so do its matches, so verdicts, pattern
	// statistics and matched lines survive.
	Logs time.Duration
	// Deliveries: webhook delivery records (kept to ignore GitHub's redeliveries) older than this
	// are deleted.
	Deliveries time.Duration
	// Jobs: jobs that completed longer ago than this are deleted, with the logs and matches no
	// newer job shares.
	Jobs time.Duration
}

// Expired is the one way a log whose content retention deleted is described, wherever a log
// would be shown (the check run, the job and commit pages): "log expired on DATE by retention
// (retention.logs_days)"; "" while the content is kept.
func (l Log) Expired() string {
	if l.ExpiredAt == nil {
		return ""
	}
	return "log expired on " + l.ExpiredAt.UTC().Format(time.DateOnly) + " by retention (retention.logs_days)"
}

// PruneReport counts what a prune removed (or, dry, would remove).
type PruneReport struct {
	ExpiredLogs     int64 // log contents deleted, rows kept
	ExpiredLogBytes int64 // raw bytes of those logs
	Deliveries      int64
	Jobs            int64
	DeletedLogs     int64 // log rows deleted with the last job that used them
	Matches         int64 // matches deleted with those logs
}

// Pruner is what pruning needs of the store. Each call works on at most limit rows (0: all, for
// dry runs), so a large backlog is removed in short transactions.
type Pruner interface {
	// ExpirableLogs returns logs with an id above after, in id order, not expired yet, created
	// before cutoff, that no job completed (or, when never completed, recorded) at or after
	// cutoff uses.
	ExpirableLogs(ctx context.Context, cutoff time.Time, after int64, limit int) ([]Log, error)
	// ExpireLogs sets expired_at on the given logs that are still not expired, returning them.
	ExpireLogs(ctx context.Context, ids []int64, at time.Time) ([]Log, error)
	// DeleteDeliveries deletes up to limit delivery records received before cutoff (dry: counts
	// them).
	DeleteDeliveries(ctx context.Context, cutoff time.Time, limit int, dry bool) (int64, error)
	// DeleteJobs deletes up to limit jobs completed (or recorded) before cutoff, then the logs no
	// remaining job uses, with their matches; it returns the deleted logs, whose contents the
	// caller removes (dry: nothing is deleted, the counts and logs are what would be).
	DeleteJobs(ctx context.Context, cutoff time.Time, limit int, dry bool) (jobs int64, logs []Log, matches int64, err error)
}

// LogDeleter removes log contents from the log store (a missing object is not an error).
type LogDeleter interface {
	Delete(ctx context.Context, key string) error
}

// pruneBatch bounds each step's transaction.
const pruneBatch = 1000

// Prune applies the retention policy at now: expired logs' contents leave the log store (their
// rows are marked first, so a crash between the two leaves a marked row whose content a later
// prune cannot find, never an unmarked row without content), then old delivery records, then old
// jobs with the logs only they used. dry counts without deleting.
func Prune(ctx context.Context, st Pruner, blobs LogDeleter, r Retention, now time.Time, dry bool) (PruneReport, error) {
	var rep PruneReport
	if r.Jobs > 0 {
		// Jobs first: their logs go entirely, so expiring them first would be wasted work.
		cutoff := now.Add(-r.Jobs)
		for {
			jobs, logs, matches, err := st.DeleteJobs(ctx, cutoff, batch(pruneBatch, dry), dry)
			if err != nil {
				return rep, fmt.Errorf("prune jobs before %s: %w", cutoff.Format(time.DateOnly), err)
			}
			rep.Jobs += jobs
			rep.DeletedLogs += int64(len(logs))
			rep.Matches += matches
			if !dry {
				if err := deleteContents(ctx, blobs, logs); err != nil {
					return rep, err
				}
			}
			if dry || jobs < pruneBatch {
				break
			}
		}
	}
	if r.Logs > 0 {
		cutoff := now.Add(-r.Logs)
		var after int64
		for {
			logs, err := st.ExpirableLogs(ctx, cutoff, after, batch(pruneBatch, dry))
			if err != nil {
				return rep, fmt.Errorf("prune logs before %s: %w", cutoff.Format(time.DateOnly), err)
			}
			if dry {
				for _, l := range logs {
					rep.ExpiredLogs++
					rep.ExpiredLogBytes += l.RawSize
				}
				break
			}
			ids := make([]int64, len(logs))
			for i, l := range logs {
				ids[i] = l.ID
			}
			expired, err := st.ExpireLogs(ctx, ids, now)
			if err != nil {
				return rep, fmt.Errorf("expire %d logs: %w", len(ids), err)
			}
			if err := deleteContents(ctx, blobs, expired); err != nil {
				return rep, err
			}
			for _, l := range expired {
				rep.ExpiredLogs++
				rep.ExpiredLogBytes += l.RawSize
			}
			if len(logs) < pruneBatch {
				break
			}
			after = logs[len(logs)-1].ID
		}
	}
	if r.Deliveries > 0 {
		cutoff := now.Add(-r.Deliveries)
		for {
			n, err := st.DeleteDeliveries(ctx, cutoff, batch(pruneBatch*10, dry), dry)
			if err != nil {
				return rep, fmt.Errorf("prune deliveries before %s: %w", cutoff.Format(time.DateOnly), err)
			}
			rep.Deliveries += n
			if dry || n < pruneBatch*10 {
				break
			}
		}
	}
	return rep, nil
}

// batch is the per-call limit: all at once for a dry run, which deletes nothing.
func batch(n int, dry bool) int {
	if dry {
		return 0
	}
	return n
}

// deleteContents removes logs' contents from the log store; one already gone is fine.
func deleteContents(ctx context.Context, blobs LogDeleter, logs []Log) error {
	for _, l := range logs {
		if err := blobs.Delete(ctx, l.StorageKey); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete content of log %d (%s): %w", l.ID, l.StorageKey, err)
		}
	}
	return nil
}
