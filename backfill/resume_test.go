package backfill

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/totto-ci/totto/internal/fakegithub"
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

// A second interrupt aborts downloads in flight at once: Run returns without waiting for them,
// nothing of them is stored, and no download file is left behind.
func TestBackfillAbortStopsDownloadsInFlight(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	e := newEnv(t)
	e.history(2, 100)
	o := e.opts()
	o.FailedOnly = true
	ctx, cancel := context.WithCancel(context.Background())
	abort, abortNow := context.WithCancel(context.Background())
	defer cancel()
	o.Abort = abort
	slow := make(chan struct{})
	defer close(slow)
	for _, id := range e.failedOf[1] { // the rest of the log never comes while the test runs
		e.gh.AddJob(fakegithub.Job{ID: id, RunID: 1, RunAttempt: 1, Owner: "octo", Repo: "widgets", Name: "test",
			HeadSHA: fmt.Sprintf("%040x", 1), HeadBranch: "main", Conclusion: "failure", Log: logOf(id, 100), StallLog: slow})
	}
	o.Progress = func(p Progress) {
		if p.ToFetch > 0 && ctx.Err() == nil {
			cancel()   // first Ctrl-C: stop listing, let downloads finish…
			abortNow() // …second: stop them now
		}
	}
	res, err := Run(ctx, o)
	if !errors.Is(err, context.Canceled) || res.Downloaded != 0 {
		t.Fatalf("aborted run: %+v, %v", res.Progress, err)
	}
	st, _ := e.st.Stats(context.Background())
	if st.Logs != 0 {
		t.Fatalf("%d logs stored from aborted downloads", st.Logs)
	}
	if left, _ := os.ReadDir(os.TempDir()); len(left) != 0 {
		t.Fatalf("files left in the temporary directory: %v", left)
	}
}

// Files of a killed backfill (its process gone) are removed and counted at the next start; those
// of a running one are kept.
func TestBackfillRemovesLeftovers(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cacheDir := filepath.Join(t.TempDir(), "cache")
	cache, err := OpenCache(cacheDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	dead := deadPID(t)
	files := map[string]bool{ // path: removed
		filepath.Join(tmp, fmt.Sprintf("%s%d-123", tempPrefix, dead)):                      true,
		filepath.Join(cacheDir, fmt.Sprintf("%s%d-456.part", cachePartPrefix, dead)):       true,
		filepath.Join(tmp, fmt.Sprintf("%s%d-789", tempPrefix, os.Getpid())):               false,
		filepath.Join(cacheDir, fmt.Sprintf("%s%d-1.part", cachePartPrefix, os.Getppid())): false,
	}
	for p := range files {
		if err := os.WriteFile(p, make([]byte, 10), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e := newEnv(t)
	e.history(1, 10)
	o := e.opts()
	o.Cache = cache
	res, err := Run(context.Background(), o)
	if err != nil || res.Leftovers != 2 || res.LeftoverBytes != 20 {
		t.Fatalf("leftovers %d (%d bytes), %v", res.Leftovers, res.LeftoverBytes, err)
	}
	for p, removed := range files {
		if _, err := os.Stat(p); os.IsNotExist(err) != removed {
			t.Errorf("%s: removed %v, want %v", p, os.IsNotExist(err), removed)
		}
	}
}

// deadPID is the id of a process that has exited.
func deadPID(t *testing.T) int {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// With a cap smaller than the history, a rebuild downloads only what the cache does not hold:
// logs stored by this run are evicted before logs it has yet to read, and the cap holds from
// the moment the cache is opened.
func TestCacheCapSmallerThanHistory(t *testing.T) {
	e := newEnv(t)
	failed, _ := e.history(6, 1000) // 8 failed logs of about 1 kB
	dir := filepath.Join(t.TempDir(), "cache")
	size := int64(len(logOf(10002, 1000)))
	cache, err := OpenCache(dir, 4*size+size/2)
	if err != nil {
		t.Fatal(err)
	}
	o := e.opts()
	o.FailedOnly, o.Cache = true, cache
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if n := cacheFiles(t, dir); n != 4 {
		t.Fatalf("%d logs cached under a cap of 4", n)
	}
	e.dbPath = filepath.Join(t.TempDir(), "again.db")
	e.open(t)
	o.Store, o.Blobs = e.st, e.blobs
	if o.Cache, err = OpenCache(dir, 4*size+size/2); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), o)
	if err != nil || res.FromCache != 4 || res.Downloaded != failed-4 {
		t.Fatalf("rebuild: %+v, %v", res.Progress, err)
	}
	// A lower cap applies at once.
	if _, err := OpenCache(dir, 2*size+size/2); err != nil || cacheFiles(t, dir) != 2 {
		t.Fatalf("reopened under a cap of 2: %d logs cached, %v", cacheFiles(t, dir), err)
	}
}

func cacheFiles(t *testing.T, dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".log" {
			n++
		}
	}
	return n
}
