package backfill

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

func TestActionsBackfillPaginatesAllAttempts(t *testing.T) {
	e := newEnv(t)
	failed, succeeded := e.history(7, 2000) // 3 pages of runs at per_page 3… GitHub's minimum is 1
	o := e.opts()
	o.SampleSuccess = 2
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Listed != failed+succeeded {
		t.Fatalf("listed %d jobs, want %d (all attempts of the main branch only)", res.Listed, failed+succeeded)
	}
	if res.Downloaded != failed+2 || res.ToFetch != failed+2 {
		t.Fatalf("downloaded %d of %d, want %d failed + 2 sampled successes", res.Downloaded, res.ToFetch, failed)
	}
	if got := len(e.blobRequests()); got != failed+2 {
		t.Fatalf("%d distinct log downloads, want %d", got, failed+2)
	}
	if _, ok := e.blobRequests()["/_blobs/job-logs/99999"]; ok {
		t.Fatal("a job of another branch was downloaded")
	}
	for _, r := range e.apiRequests("/repos/octo/widgets/actions/runs/") {
		if strings.HasSuffix(r.Path, "/jobs") && !strings.Contains(r.RawQuery, "filter=all") {
			t.Fatalf("jobs listed without filter=all (earlier attempts missed): %s?%s", r.Path, r.RawQuery)
		}
	}
	if res.Scanned != failed+2 {
		t.Fatalf("scanned %d logs, want %d", res.Scanned, failed+2)
	}
	st, err := e.st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Jobs != int64(failed+succeeded) || st.Logs != int64(failed+2) {
		t.Fatalf("stats %+v", st)
	}

	// A second run lists only runs created since the first: none, so it lists no jobs and
	// downloads nothing.
	before := len(e.gh.Requests())
	res, err = Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for path, n := range e.blobRequests() {
		if n != 1 {
			t.Fatalf("%s downloaded %d times", path, n)
		}
	}
	after := e.gh.Requests()[before:]
	if res.Runs != 0 || res.Listed != 0 || res.Downloaded != 0 || len(after) > 1 {
		t.Fatalf("second run: %+v, requests %v", res.Progress, after)
	}
}

func TestActionsBackfillLinkPagination(t *testing.T) {
	e := newEnv(t)
	e.history(250, 10) // 250 runs: three pages of 100
	o := e.opts()
	o.FailedOnly = true
	o.Concurrency = 4
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, r := range e.apiRequests("/repos/octo/widgets/actions/runs") {
		if strings.HasSuffix(r.Path, "/actions/runs") {
			pages = append(pages, r.RawQuery)
		}
	}
	if len(pages) != 3 || !strings.Contains(pages[2], "page=3") || !strings.Contains(pages[0], "branch=main") {
		t.Fatalf("run pages requested: %q", pages)
	}
	if n := len(e.blobRequests()); n != 250+250/3 {
		t.Fatalf("%d logs downloaded, want %d", n, 250+250/3)
	}
}

func TestActionsBackfillLimitAndSince(t *testing.T) {
	e := newEnv(t)
	e.history(10, 10)
	o := e.opts()
	o.FailedOnly = true
	o.Limit = 2 // the two newest runs: 10 (one attempt) and 9 (two)
	res, err := Run(context.Background(), o)
	if err != nil || res.Downloaded != 3 {
		t.Fatalf("limit 2: %+v, %v", res.Progress, err)
	}
	o.Limit = 0
	o.Since = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC) // runs 8, 9, 10; 9 has two attempts
	res, err = Run(context.Background(), o)
	if err != nil || res.Runs != 1 || res.Downloaded != 1 { // 9 and 10 were completely processed
		t.Fatalf("since: %+v, %v", res.Progress, err)
	}
}

func TestActionsBackfillFaults(t *testing.T) {
	e := newEnv(t)
	e.history(4, 100)
	// Job 10002 ("test" of run 1) has expired, 10004 is deleted.
	for id, code := range map[int64]int{10002: http.StatusGone, 10004: http.StatusNotFound} {
		e.gh.AddJob(fakeJobWithStatus(id, code))
	}
	e.gh.RateLimitNext(1, 0, 42)                                                 // secondary rate limit on the first call
	e.gh.FailNext(2, http.StatusBadGateway, "/repos/octo/widgets/actions/runs/") // 502s on job listings
	o := e.opts()
	o.FailedOnly = true
	o.Concurrency = 1
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unavailable != 2 || res.Downloaded != 3 || res.Failed != 0 {
		t.Fatalf("progress %+v failures %v", res.Progress, res.Failures)
	}
	waits := e.waits.all()
	if len(res.RateLimitWaits) != 1 || res.RateLimitWaits[0] != 42*time.Second || len(waits) != 3 || waits[0] != 42*time.Second {
		t.Fatalf("waits: rate limit %v, all %v (want 42s then two backoffs)", res.RateLimitWaits, waits)
	}
	if waits[2] != 2*waits[1] {
		t.Fatalf("backoff does not grow: %v", waits)
	}
	j, err := e.st.Job(context.Background(), jobIDByExternal(t, e, "10002"))
	if err != nil || j.LogState != store.LogUnavailable || !strings.Contains(j.LogReason, "410") {
		t.Fatalf("expired log: %+v %v", j, err)
	}
	// An expired log is asked for once per run, never retried within it.
	if n := len(e.apiRequests("/repos/octo/widgets/actions/jobs/10002/logs")); n != 1 {
		t.Fatalf("expired log asked for %d times", n)
	}
}

func TestActionsBackfillGivesUpAfterAttempts(t *testing.T) {
	e := newEnv(t)
	e.history(1, 10)
	e.gh.FailNext(100, http.StatusBadGateway, "/repos/octo/widgets/actions/jobs/")
	o := e.opts()
	o.FailedOnly = true
	o.Attempts = 3
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 1 || len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Err.Error(), "502") {
		t.Fatalf("%+v %v", res.Progress, res.Failures)
	}
	if n := len(e.apiRequests("/repos/octo/widgets/actions/jobs/")); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
}

// GitHub's primary rate limit: the backfill waits until the reset GitHub announced, then goes on
// (go-github's own refusal to send before the reset is bypassed: the wait was done here).
func TestActionsBackfillWaitsForPrimaryRateLimitReset(t *testing.T) {
	e := newEnv(t)
	failed, _ := e.history(2, 10)
	// The reset is on the backfill's clock: wall time spent setting up (seconds under -race on a
	// busy machine) must not lengthen the wait.
	e.gh.RateLimitNext(1, e.waits.now().Add(90*time.Second).Unix(), 0)
	o := e.opts()
	o.FailedOnly = true
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Downloaded != failed {
		t.Fatalf("progress %+v", res.Progress)
	}
	if len(res.RateLimitWaits) != 1 || res.RateLimitWaits[0] < 60*time.Second || res.RateLimitWaits[0] > 91*time.Second {
		t.Fatalf("waits %v, want one of about 90s (until the reset)", res.RateLimitWaits)
	}
}

// A log download that is not text is refused through the one detector: the job's log is
// unavailable with the reason, nothing is stored, and the run counts it as unavailable (another
// run would download the same bytes).
func TestActionsBackfillRefusesBinaryLog(t *testing.T) {
	e := newEnv(t)
	e.history(2, 100)
	bin := fakeJobWithStatus(10002, 0)
	bin.Log = append([]byte("PK\x03\x04"), make([]byte, 64)...)
	e.gh.AddJob(bin)
	o := e.opts()
	o.FailedOnly = true
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unavailable != 1 || res.Failed != 0 {
		t.Fatalf("progress %+v failures %v", res.Progress, res.Failures)
	}
	j, err := e.st.Job(context.Background(), jobIDByExternal(t, e, "10002"))
	if err != nil || j.LogState != store.LogUnavailable || j.LogID != nil || !strings.Contains(j.LogReason, "not a text log") {
		t.Fatalf("binary log: %+v %v", j, err)
	}
}

// Backfill records the failing tests of the logs it stores, as the App does, on the default
// branch it asked GitHub for.
func TestActionsBackfillRecordsFailingTests(t *testing.T) {
	e := newEnv(t)
	e.history(2, 100)
	j := fakeJobWithStatus(10002, 0)
	j.Log = []byte("=== RUN   TestParse\n--- FAIL: TestParse (0.00s)\n    parse_test.go:12: want error\nFAIL\nFAIL\texample.com/p\t0.01s\n")
	e.gh.AddJob(j)
	o := e.opts()
	o.FailedOnly = true
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	id := jobIDByExternal(t, e, "10002")
	ts, err := e.st.JobTests(context.Background(), id)
	if err != nil || len(ts) != 1 || ts[0].Name != "TestParse" || ts[0].File != "example.com/p" {
		t.Fatalf("failing tests of the backfilled job: %+v, %v", ts, err)
	}
	job, err := e.st.Job(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.st.TestFailures(context.Background(), job.RepoID, ts[0].TestKey, 10)
	if err != nil || len(fs) != 1 || !fs[0].DefaultBranch || fs[0].PullRequest != 0 {
		t.Fatalf("history: %+v, %v; want one failure on the default branch", fs, err)
	}
	// Every other failed job was read for tests too (none found).
	if left, err := e.st.JobsWithoutTests(context.Background(), 0, 100); err != nil || len(left) != 0 {
		t.Errorf("failed jobs whose tests were not recorded: %d, %v", len(left), err)
	}
}
