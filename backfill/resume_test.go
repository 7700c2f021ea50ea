package backfill

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// An interrupted backfill keeps what it downloaded; the next run fetches only the rest.
func TestBackfillInterruptedResumes(t *testing.T) {
	e := newEnv(t)
	failed, succeeded := e.history(12, 500)
	o := e.opts()
	o.Concurrency = 2
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const k = 5
	o.Progress = func(p Progress) {
		if p.Downloaded >= k {
			cancel()
		}
	}
	res, err := Run(ctx, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: want context.Canceled, got %v", err)
	}
	first := res.Downloaded
	if first < k || first >= failed {
		t.Fatalf("interrupted run downloaded %d logs; want at least %d and fewer than %d", first, k, failed)
	}
	if res.Failed != 0 {
		t.Fatalf("in-flight downloads must finish, not fail: %v", res.Failures)
	}

	// The resumed run lists the jobs of unfinished runs only: none whose failed logs are all
	// stored.
	o.Progress = nil
	stored := map[int64]bool{}
	for path := range e.blobRequests() {
		var id int64
		fmt.Sscanf(path, "/_blobs/job-logs/%d", &id)
		stored[id] = true
	}
	before := len(e.gh.Requests())
	res, err = Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Downloaded != failed-first {
		t.Fatalf("resumed run: %+v (first run downloaded %d)", res.Progress, first)
	}
	for _, r := range e.gh.Requests()[before:] {
		var run int64
		if _, err := fmt.Sscanf(r.Path, "/api/v3/repos/octo/widgets/actions/runs/%d/jobs", &run); err != nil {
			continue
		}
		done := true
		for _, id := range e.failedOf[run] {
			done = done && stored[id]
		}
		if done {
			t.Errorf("resumed run listed the jobs of run %d, completely processed before", run)
		}
	}
	for path, n := range e.blobRequests() {
		if n != 1 {
			t.Fatalf("%s downloaded %d times", path, n)
		}
	}
	if n := len(e.blobRequests()); n != failed {
		t.Fatalf("%d logs downloaded over both runs, want %d", n, failed)
	}
	st, err := e.st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Jobs != int64(failed+succeeded) || st.Logs != int64(failed) || st.UnscannedLogs != 0 {
		t.Fatalf("after resuming: %+v", st)
	}
}

// With the cache, rebuilding the store from scratch downloads nothing.
func TestBackfillCacheAvoidsDownloads(t *testing.T) {
	e := newEnv(t)
	failed, _ := e.history(5, 1000)
	cache, err := OpenCache(filepath.Join(t.TempDir(), "cache"), 0)
	if err != nil {
		t.Fatal(err)
	}
	o := e.opts()
	o.FailedOnly = true
	o.Cache = cache
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if n := len(e.blobRequests()); n != failed {
		t.Fatalf("first run: %d downloads, want %d", n, failed)
	}
	// An emptied store (a new database and log store) with the same cache.
	e.dbPath = filepath.Join(t.TempDir(), "again.db")
	e.open(t)
	o.Store, o.Blobs = e.st, e.blobs
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.FromCache != failed || res.Downloaded != 0 || len(e.blobRequests()) != failed {
		t.Fatalf("second run: %+v, %d downloads in all", res.Progress, len(e.blobRequests()))
	}
	st, _ := e.st.Stats(context.Background())
	if st.Logs != int64(failed) {
		t.Fatalf("logs stored from the cache: %d, want %d", st.Logs, failed)
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	c, err := OpenCache(dir, 250)
	if err != nil {
		t.Fatal(err)
	}
	put := func(key string) {
		f, err := c.tempFile()
		if err != nil {
			t.Fatal(err)
		}
		f.Write(make([]byte, 100))
		f.Close()
		if err := c.commit(f.Name(), key); err != nil {
			t.Fatal(err)
		}
	}
	has := func(key string) bool {
		f, _, ok := c.Open(key)
		if ok {
			f.Close()
		}
		return ok
	}
	put("a")
	put("b")
	if !has("a") { // a is now more recently used than b
		t.Fatal("a evicted under the cap")
	}
	put("c") // 300 bytes > 250: the least recently used, b, goes
	if has("b") || !has("a") || !has("c") {
		t.Fatalf("after c: a=%v b=%v c=%v; want b evicted", has("a"), has("b"), has("c"))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("%d files in the cache, want 2", len(entries))
	}
}
