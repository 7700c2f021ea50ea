package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// retentionWorld is a store with three logs: A used only by an old job, B only by a recent one,
// C by one of each, every log matched by a pattern.
type retentionWorld struct {
	st      store.Store
	blobs   blob.Store
	a, b, c store.Log
	jobs    map[string]store.Job
}

func newRetentionWorld(t *testing.T, st store.Store) *retentionWorld {
	ctx := t.Context()
	blobs, err := blob.OpenDir(filepath.Join(t.TempDir(), "logs"))
	if err != nil {
		t.Fatal(err)
	}
	w := &retentionWorld{st: st, blobs: blobs, jobs: map[string]store.Job{}}
	if _, err := st.AddPatterns(ctx, []store.Pattern{store.Pattern{Pattern: patterns.Pattern{Name: "boom", Kind: patterns.Literal, Expr: "BOOM", Source: "test"}}}, "test"); err != nil {
		t.Fatal(err)
	}
	repo, err := store.RecordRepository(ctx, st, "o/r", true)
	if err != nil {
		t.Fatal(err)
	}
	put := func(content string) store.Log {
		l, err := ingest.StoreLog(ctx, st, blobs, strings.NewReader(content), 0)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	w.a, w.b, w.c = put("log a\nBOOM a\n"), put("log b\nBOOM b\n"), put("log c\nBOOM c\n")
	now := time.Now()
	recent := now.Add(90 * 24 * time.Hour) // "recent" once the test's clock is 100 days ahead
	for _, j := range []struct {
		name string
		log  store.Log
		at   time.Time
	}{{"old-a", w.a, now}, {"recent-b", w.b, recent}, {"old-c", w.c, now}, {"recent-c", w.c, recent}} {
		at := j.at
		id := j.log.ID
		job, err := st.UpsertJob(ctx, store.Job{Provider: "ingest", ExternalID: j.name, Attempt: 1, RepoID: repo.ID, SHA: "abc",
			Name: j.name, Conclusion: "failure", CompletedAt: &at, LogID: &id, LogState: store.LogStored})
		if err != nil {
			t.Fatal(err)
		}
		w.jobs[j.name] = job
	}
	if _, err := scan.Rescan(ctx, st, blobs, scan.RescanOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []store.Log{w.a, w.b, w.c} {
		if ms := w.matches(t, l); ms != 1 {
			t.Fatalf("log %d: %d matches before pruning, want 1", l.ID, ms)
		}
	}
	return w
}

func (w *retentionWorld) matches(t *testing.T, l store.Log) int {
	t.Helper()
	ms, err := w.st.Matches(t.Context(), store.MatchFilter{LogID: l.ID})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

func (w *retentionWorld) readable(l store.Log) bool {
	r, err := w.blobs.Open(context.Background(), l.StorageKey)
	if err != nil {
		return false
	}
	r.Close()
	return true
}

func (w *retentionWorld) prune(t *testing.T, r store.Retention, dry bool) store.PruneReport {
	t.Helper()
	rep, err := store.Prune(t.Context(), w.st, w.blobs, r, time.Now().Add(100*24*time.Hour), dry)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

const month = 30 * 24 * time.Hour

// Log retention drops the contents of logs only old jobs use, keeps their rows and matches, and
// leaves logs a recent job uses; a dry run changes nothing.
func TestRetentionLogs(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		w := newRetentionWorld(t, st)
		if rep := w.prune(t, store.Retention{Logs: month}, true); rep.ExpiredLogs != 1 || rep.ExpiredLogBytes != w.a.RawSize {
			t.Fatalf("dry run: %+v, want log a", rep)
		}
		if !w.readable(w.a) {
			t.Fatal("the dry run deleted a log")
		}
		if rep := w.prune(t, store.Retention{Logs: month}, false); rep.ExpiredLogs != 1 {
			t.Fatalf("prune: %+v, want 1 expired log", rep)
		}
		if w.readable(w.a) || !w.readable(w.b) || !w.readable(w.c) {
			t.Errorf("readable after prune: a %v b %v c %v, want false true true", w.readable(w.a), w.readable(w.b), w.readable(w.c))
		}
		if _, err := w.st.Log(t.Context(), w.a.ID); err != nil || w.matches(t, w.a) != 1 {
			t.Errorf("log a's row or match did not survive: %v, %d matches", err, w.matches(t, w.a))
		}
		if rep := w.prune(t, store.Retention{Logs: month}, false); rep.ExpiredLogs != 0 {
			t.Errorf("second prune expired %d logs again", rep.ExpiredLogs)
		}
		// The same content stored again is readable again.
		l, err := ingest.StoreLog(t.Context(), w.st, w.blobs, strings.NewReader("log a\nBOOM a\n"), 0)
		if err != nil || l.ID != w.a.ID || !w.readable(w.a) {
			t.Errorf("re-ingest: %v, id %d (want %d), readable %v", err, l.ID, w.a.ID, w.readable(w.a))
		}
	})
}

// Job retention deletes old jobs and the logs (and matches) only they used; a log a recent job
// shares stays.
func TestRetentionJobs(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		w := newRetentionWorld(t, st)
		if rep := w.prune(t, store.Retention{Jobs: month}, true); rep.Jobs != 2 || rep.DeletedLogs != 1 || rep.Matches != 1 {
			t.Fatalf("dry run: %+v, want 2 jobs, 1 log, 1 match", rep)
		}
		if _, err := w.st.Job(t.Context(), w.jobs["old-a"].ID); err != nil {
			t.Fatalf("the dry run deleted a job: %v", err)
		}
		if rep := w.prune(t, store.Retention{Jobs: month}, false); rep.Jobs != 2 || rep.DeletedLogs != 1 || rep.Matches != 1 {
			t.Fatalf("prune: %+v, want 2 jobs, 1 log, 1 match", rep)
		}
		for name, gone := range map[string]bool{"old-a": true, "old-c": true, "recent-b": false, "recent-c": false} {
			_, err := w.st.Job(t.Context(), w.jobs[name].ID)
			if gone != errors.Is(err, store.ErrNotFound) {
				t.Errorf("job %s: %v (want gone: %v)", name, err, gone)
			}
		}
		if _, err := w.st.Log(t.Context(), w.a.ID); !errors.Is(err, store.ErrNotFound) || w.readable(w.a) || w.matches(t, w.a) != 0 {
			t.Errorf("log a should be gone with its content and match: %v", err)
		}
		if !w.readable(w.c) || w.matches(t, w.c) != 1 {
			t.Error("log c, shared with a recent job, was removed")
		}
	})
}

// Delivery records older than the window are deleted; within it they stay.
func TestRetentionDeliveries(t *testing.T) {
	eachBackend(t, func(t *testing.T, st store.Store, _ string) {
		w := newRetentionWorld(t, st)
		if _, err := w.st.RecordDelivery(t.Context(), store.Delivery{ID: "d-1", Event: "push"}); err != nil {
			t.Fatal(err)
		}
		rep, err := store.Prune(t.Context(), w.st, w.blobs, store.Retention{Deliveries: month}, time.Now(), false)
		if err != nil || rep.Deliveries != 0 {
			t.Fatalf("within the window: %+v %v", rep, err)
		}
		if rep := w.prune(t, store.Retention{Deliveries: month}, false); rep.Deliveries != 1 {
			t.Fatalf("prune: %+v, want 1 delivery", rep)
		}
		if first, err := w.st.RecordDelivery(t.Context(), store.Delivery{ID: "d-1", Event: "push"}); err != nil || !first {
			t.Errorf("the pruned delivery is still remembered: %v %v", first, err)
		}
	})
}
