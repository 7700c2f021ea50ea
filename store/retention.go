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
	// DeleteJobs deletes up to limit jobs completed (or recorded) before cutoff and the matches
	// of the logs no remaining job uses, and marks those logs expired (OrphanLogs then finds
	// them); it returns those logs (dry: nothing is changed, the counts and logs are what would
	// be).
	DeleteJobs(ctx context.Context, cutoff time.Time, limit int, dry bool) (jobs int64, logs []Log, matches int64, err error)
	// DeleteExpiredContents calls del for each of the given logs that is still expired, in one
	// transaction holding their rows, so a PutLog of the same content waits and then revives
	// the row (and the caller stores the content again); it returns the logs del was called for.
	DeleteExpiredContents(ctx context.Context, ids []int64, del func(Log) error) ([]Log, error)
	// OrphanLogs returns up to limit expired logs no job uses (0: all).
	OrphanLogs(ctx context.Context, limit int) ([]Log, error)
	// DeleteOrphanLogs deletes the given logs that are still expired and used by no job, with
	// their matches and cause lines, and returns how many it deleted.
	DeleteOrphanLogs(ctx context.Context, ids []int64) (int64, error)
}

// LogDeleter removes log contents from the log store (a missing object is not an error).
type LogDeleter interface {
	Delete(ctx context.Context, key string) error
}

// pruneBatch bounds each step's transaction.
const pruneBatch = 1000

// Prune applies the retention policy at now: old jobs with the logs only they used, then expired
// logs' contents, then old delivery records. dry counts without deleting.
//
// A log's content is deleted only while its row is marked expired, inside the transaction that
// confirms the mark (DeleteExpiredContents): a crash leaves at worst a marked row whose content is
// already gone, never a live row without content, and a re-ingest of the same content that
// revives the row (PutLog) either comes first (the content is kept) or waits and then stores the
// content again. Rows of logs no job uses any more are deleted last, once their content is gone.
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
			rep.Matches += matches
			if dry {
				rep.DeletedLogs += int64(len(logs))
			}
			if dry || jobs < pruneBatch {
				break
			}
		}
		if !dry {
			n, err := deleteOrphans(ctx, st, blobs)
			rep.DeletedLogs += n
			if err != nil {
				return rep, err
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
			ids := logIDs(logs)
			expired, err := st.ExpireLogs(ctx, ids, now)
			if err != nil {
				return rep, fmt.Errorf("expire %d logs: %w", len(ids), err)
			}
			deleted, err := st.DeleteExpiredContents(ctx, logIDs(expired), deleteContent(ctx, blobs))
			for _, l := range deleted {
				rep.ExpiredLogs++
				rep.ExpiredLogBytes += l.RawSize
			}
			if err != nil {
				return rep, err
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

// deleteOrphans deletes the contents, then the rows, of expired logs no job uses, in batches;
// it returns how many rows it deleted.
func deleteOrphans(ctx context.Context, st Pruner, blobs LogDeleter) (int64, error) {
	var n int64
	for {
		logs, err := st.OrphanLogs(ctx, pruneBatch)
		if err != nil {
			return n, err
		}
		if _, err := st.DeleteExpiredContents(ctx, logIDs(logs), deleteContent(ctx, blobs)); err != nil {
			return n, err
		}
		deleted, err := st.DeleteOrphanLogs(ctx, logIDs(logs))
		n += deleted
		if err != nil {
			return n, err
		}
		if len(logs) < pruneBatch {
			return n, nil
		}
	}
}

func logIDs(logs []Log) []int64 {
	ids := make([]int64, len(logs))
	for i, l := range logs {
		ids[i] = l.ID
	}
	return ids
}

// deleteContent removes a log's content from the log store; one already gone is fine.
func deleteContent(ctx context.Context, blobs LogDeleter) func(Log) error {
	return func(l Log) error {
		if err := blobs.Delete(ctx, l.StorageKey); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("delete content of log %d (%s): %w", l.ID, l.StorageKey, err)
		}
		return nil
	}
}
