package backfill

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	_ "github.com/totto-ci/totto/store/sqlite"
)

// loopbackOf allows log downloads from the fake serving baseURL (host and port).
func loopbackOf(baseURL string) ciprovider.HostList {
	u, _ := url.Parse(baseURL)
	return ciprovider.HostList{u.Host}
}

// env is a fake GitHub with a branch's history plus a real SQLite store and log store.
type env struct {
	gh     *fakegithub.Server
	st     store.Store
	blobs  blob.Store
	dbPath string
	waits  *sleeps
	// runOf maps every job of history to its run; failedOf lists each run's failed jobs.
	runOf    map[int64]int64
	failedOf map[int64][]int64
}

// sleeps records the waits asked of the injected sleeper, which never sleeps but moves its
// clock on.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
	testClock
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return s.testClock.sleep(ctx, d)
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func newEnv(t testing.TB) *env {
	e := &env{gh: fakegithub.New(t), waits: &sleeps{testClock: testClock{t: time.Now()}},
		runOf: map[int64]int64{}, failedOf: map[int64][]int64{}}
	e.dbPath = filepath.Join(t.TempDir(), "totto.db")
	e.open(t)
	// One pattern that matches every failed log of history, so the scan has work.
	if _, err := e.st.AddPatterns(context.Background(), []store.Pattern{{Pattern: patterns.Pattern{Name: "exit-status",
		Kind: patterns.Literal, Expr: "exit status 1"}}}, "test"); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) open(t testing.TB) {
	st, err := store.Open(context.Background(), "sqlite:"+e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.OpenDir(filepath.Join(filepath.Dir(e.dbPath), "logs"))
	if err != nil {
		t.Fatal(err)
	}
	e.st, e.blobs = st, blobs
	t.Cleanup(func() { st.Close(); blobs.Close() })
}

func (e *env) opts() Options {
	return Options{Repo: "octo/widgets", Branch: "main", Store: e.st, Blobs: e.blobs, Concurrency: 3,
		Actions: &ciprovider.GitHubActions{API: e.gh.Client(), Logs: ciprovider.LogHTTPClient(loopbackOf(e.gh.URL), 10*time.Second), Hosts: loopbackOf(e.gh.URL)},
		Sleep:   e.waits.sleep, Now: e.waits.now, ScanWorkers: 1}
}

// history adds runs of main (and one of another branch): run r has jobs "build" (success) and
// "test" (failure; attempt 2 of every third run also fails), logs of logBytes bytes.
func (e *env) history(runs int, logBytes int) (failed, succeeded int) {
	id := int64(10000)
	for r := 1; r <= runs; r++ {
		attempts := 1
		if r%3 == 0 {
			attempts = 2
		}
		e.gh.AddRun(fakegithub.Run{ID: int64(r), Owner: "octo", Repo: "widgets", HeadBranch: "main",
			HeadSHA: fmt.Sprintf("%040x", r), RunAttempt: attempts, Conclusion: "failure",
			CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r) * time.Hour)})
		for a := 1; a <= attempts; a++ {
			for _, name := range []string{"build", "test"} {
				id++
				concl := map[string]string{"build": "success", "test": "failure"}[name]
				e.runOf[id] = int64(r)
				if concl == "failure" {
					e.failedOf[int64(r)] = append(e.failedOf[int64(r)], id)
					failed++
				} else {
					succeeded++
				}
				e.gh.AddJob(fakegithub.Job{ID: id, RunID: int64(r), RunAttempt: a, Owner: "octo", Repo: "widgets",
					Name: name, HeadSHA: fmt.Sprintf("%040x", r), HeadBranch: "main", Conclusion: concl,
					Steps: []fakegithub.Step{{Name: "Run " + name, Number: 1, Conclusion: concl}},
					Log:   logOf(id, logBytes)})
			}
		}
	}
	e.gh.AddRun(fakegithub.Run{ID: 9_999_999, Owner: "octo", Repo: "widgets", HeadBranch: "feature", Conclusion: "failure"})
	e.gh.AddJob(fakegithub.Job{ID: 99999, RunID: 9_999_999, Owner: "octo", Repo: "widgets", Name: "test", Conclusion: "failure", Log: []byte("x\n")})
	return failed, succeeded
}

// logOf is a log of about n bytes, distinct per job, ending with the failure line.
func logOf(id int64, n int) []byte {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "2026-11-20T09:14:02.0000000Z job %d line %d: compiling module\n", id, i)
	}
	fmt.Fprintf(&b, "2026-11-20T09:14:03.0000000Z Error: job %d failed: exit status 1\n", id)
	return []byte(b.String())
}

// blobRequests counts downloads of log content from the fake's blob host.
func (e *env) blobRequests() map[string]int {
	n := map[string]int{}
	for _, r := range e.gh.Requests() {
		if strings.HasPrefix(r.Path, "/_blobs/job-logs/") {
			n[r.Path]++
		}
	}
	return n
}

func (e *env) apiRequests(prefix string) []fakegithub.Request {
	var out []fakegithub.Request
	for _, r := range e.gh.Requests() {
		if strings.HasPrefix(r.Path, "/api/v3"+prefix) || strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// fakeJobWithStatus replaces a failed "test" job of history whose log answers code.
func fakeJobWithStatus(id int64, code int) fakegithub.Job {
	run := map[int64]int64{10002: 1, 10004: 2}[id]
	return fakegithub.Job{ID: id, RunID: run, RunAttempt: 1, Owner: "octo", Repo: "widgets", Name: "test",
		HeadSHA: fmt.Sprintf("%040x", run), HeadBranch: "main", Conclusion: "failure", LogStatus: code}
}

// jobIDByExternal finds a stored job's id by its provider id.
func jobIDByExternal(t testing.TB, e *env, ext string) int64 {
	for id := int64(1); id < 10000; id++ { // ids may have gaps: upserts can use up ids
		if j, err := e.st.Job(context.Background(), id); err == nil && j.ExternalID == ext {
			return id
		}
	}
	t.Fatalf("job %s not stored", ext)
	return 0
}

func (o Options) attempts() int {
	if o.Attempts == 0 {
		return 5
	}
	return o.Attempts
}
