package scan_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// The durable rescan job: queued twice it runs once, and it scans every stored log for a new
// pattern, leaving nothing unscanned, even when its timeout is shorter than the work (under -race,
// or on a slow machine, it snoozes and resumes rather than failing).
func TestRescanJob(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		ctx := t.Context()
		blobs := tempBlobs(t)
		const logs = 60
		for i := range logs {
			ingestJob(t, st, blobs, fmt.Sprint(i), "build", strings.Repeat("compiling\n", 2000)+fmt.Sprintf("E: Hash Sum mismatch %d\n", i))
		}
		addPatterns(t, st, lit("apt", "Hash Sum mismatch"))

		q, err := queue.Open(ctx, st.Conn(), queue.Options{PollInterval: 20 * time.Millisecond, JobTimeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		jobs, err := scan.Register(q, st, blobs)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := jobs.QueueRescan(ctx); err != nil {
				t.Fatal(err)
			}
		}
		events, unsubscribe := q.Subscribe(river.EventKindJobCompleted, river.EventKindJobSnoozed, river.EventKindJobFailed)
		defer unsubscribe()
		if err := q.Start(context.WithoutCancel(ctx)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := q.Stop(stop); err != nil {
				t.Errorf("stop: %v", err)
			}
		})
		completed, snoozed := 0, 0
		var jobID int64
		for completed == 0 {
			select {
			case ev := <-events:
				switch ev.Kind {
				case river.EventKindJobFailed:
					t.Fatalf("rescan job failed: %v", ev.Job.Errors)
				case river.EventKindJobSnoozed:
					snoozed++
				case river.EventKindJobCompleted:
					completed++
					jobID = ev.Job.ID
				}
			case <-time.After(60 * time.Second):
				t.Fatalf("no rescan completed within 60 s (%d snoozes)", snoozed)
			}
		}
		stats, err := st.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if stats.UnscannedLogs != 0 || stats.Matches != logs {
			t.Fatalf("after the job: %d logs unscanned, %d matches; want 0 and %d", stats.UnscannedLogs, stats.Matches, logs)
		}
		t.Logf("job %d done after %d snoozes", jobID, snoozed)
		// The second request was a duplicate of the first: one job did the work.
		if row, err := q.Job(ctx, jobID+1); err == nil && row.Kind == (scan.RescanArgs{}).Kind() {
			t.Fatalf("two rescan jobs were queued: %d and %d", row.ID, jobID)
		}
	})
}
