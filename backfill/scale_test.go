package backfill

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/store"
)

// A big history under hostile conditions: more runs than one listing returns, 20 % of requests
// answered 502, 20 % of downloads cut mid-body, some logs expired, and a primary rate limit that
// runs out part way. An interrupted pass and its resume store every failed job's log or record
// why there is none; the resume lists only unfinished runs; the rate limit costs one pause, no
// longer than its window. TOTTO_BACKFILL_SCALE=full runs it at 5,000 runs with 100 ms latency;
// without -short it runs 1,300 runs (past the cap) without latency, with -short 300 (the cap
// has its own quick test).
func TestBackfillAtScale(t *testing.T) {
	runs, latency, conc := 1300, time.Duration(0), 8
	if os.Getenv("TOTTO_BACKFILL_SCALE") == "full" {
		runs, latency, conc = 5000, 100*time.Millisecond, 16
	} else if testing.Short() {
		runs = 300
	}
	e := newEnv(t)
	failed, _ := e.history(runs, 300)
	// The clock starts after the newest run (history starts on 1 November, a run an hour).
	e.waits.t = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(runs+1) * time.Hour)
	expired := map[int64]bool{}
	for run := int64(7); run <= int64(runs); run += 37 { // a few expired logs
		j := e.failedOf[run][0]
		expired[j] = true
		e.gh.AddJob(fakegithub.Job{ID: j, RunID: run, RunAttempt: 1, Owner: "octo", Repo: "widgets", Name: "test",
			HeadSHA: fmt.Sprintf("%040x", run), HeadBranch: "main", Conclusion: "failure", LogStatus: http.StatusGone})
	}
	e.gh.SetTraffic(fakegithub.Traffic{Latency: latency, ServerErrors: 0.2, CutBodies: 0.2, Seed: 7})
	const window = time.Hour
	e.gh.SetPrimaryLimit(runs*2, window, http.StatusForbidden) // runs out during the first pass
	e.gh.SetClock(e.waits.now)
	o := e.opts()
	o.FailedOnly, o.Concurrency, o.Attempts = true, conc, 12
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o.Progress = func(p Progress) {
		if p.Downloaded >= failed/2 {
			cancel()
		}
	}
	res1, err := Run(ctx, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted pass: %v", err)
	}
	stored := map[int64]bool{} // failed jobs resolved by the first pass
	for ext, j := range storedJobs(t, e) {
		var id int64
		fmt.Sscan(ext, &id)
		stored[id] = j.LogState == store.LogStored || j.LogState == store.LogUnavailable
	}
	before := len(e.gh.Requests())
	o.Progress = nil
	res2, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("resumed pass: %v (failures %v)", err, res2.Failures)
	}
	t.Logf("pass 1: %+v", res1.Progress)
	t.Logf("pass 2: %+v", res2.Progress)
	t.Logf("rate-limit pauses %v %v, refusals %d, capped %v", res1.RateLimitWaits, res2.RateLimitWaits, e.gh.LimitRefusals(), res2.Capped)

	// Every failed job: its log stored, or unavailable with the reason.
	jobs := storedJobs(t, e)
	for id := range e.runOf {
		if !isFailed(e, id) {
			continue
		}
		j := jobs[fmt.Sprint(id)]
		switch {
		case expired[id] && (j.LogState != store.LogUnavailable || j.LogReason == ""):
			t.Errorf("expired job %d: state %s reason %q", id, j.LogState, j.LogReason)
		case !expired[id] && j.LogState != store.LogStored:
			t.Errorf("job %d of run %d: state %s", id, e.runOf[id], j.LogState)
		}
	}
	// The resume listed the jobs of unfinished runs only.
	relisted := 0
	for _, r := range e.gh.Requests()[before:] {
		var run int64
		if _, err := fmt.Sscanf(r.Path, "/api/v3/repos/octo/widgets/actions/runs/%d/jobs", &run); err != nil {
			continue
		}
		relisted++
		done := true
		for _, id := range e.failedOf[run] {
			done = done && stored[id]
		}
		if done {
			t.Errorf("resumed pass listed the jobs of run %d, completely processed before", run)
		}
	}
	t.Logf("resumed pass listed the jobs of %d runs", relisted)
	// One pause per exhausted window, each no longer than the window.
	pauses := append(res1.RateLimitWaits, res2.RateLimitWaits...)
	if e.gh.LimitRefusals() == 0 || len(pauses) != 1 || pauses[0] > window || pauses[0] <= 0 {
		t.Fatalf("rate-limit pauses %v for %d refusals, want one of at most %s", pauses, e.gh.LimitRefusals(), window)
	}
	if len(res1.Capped)+len(res2.Capped) != 0 {
		t.Fatalf("ranges still capped: %v %v", res1.Capped, res2.Capped)
	}
}

func isFailed(e *env, id int64) bool {
	for _, f := range e.failedOf[e.runOf[id]] {
		if f == id {
			return true
		}
	}
	return false
}

// storedJobs maps the provider ids of the stored jobs to the jobs (ids may have gaps: upserts can
// use up ids).
func storedJobs(t testing.TB, e *env) map[string]store.Job {
	out := map[string]store.Job{}
	for id, misses := int64(1), 0; misses < 1000; id++ {
		j, err := e.st.Job(context.Background(), id)
		if err != nil {
			misses++
			continue
		}
		misses = 0
		out[j.ExternalID] = j
	}
	return out
}

// More runs than one listing returns: the window is split by creation time until every part is
// under the cap, and all runs are listed; a second that still holds more than 1,000 runs is
// reported.
func TestActionsBackfillPastTheRunCap(t *testing.T) {
	e := newEnv(t)
	base := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	const n = 2500
	for i := 1; i <= n; i++ { // successful single-attempt runs: with FailedOnly only listed
		e.gh.AddRun(fakegithub.Run{ID: int64(i), Owner: "octo", Repo: "widgets", HeadBranch: "main", Conclusion: "success",
			CreatedAt: base.Add(time.Duration(i) * 7 * time.Minute)})
	}
	o := e.opts()
	o.FailedOnly = true
	res, err := Run(context.Background(), o)
	if err != nil || res.Runs != n || len(res.Capped) != 0 {
		t.Fatalf("listed %d runs of %d (capped %v): %v", res.Runs, n, res.Capped, err)
	}

	// 1,001 runs created in one second cannot be split further: said, not silently dropped.
	e2 := newEnv(t)
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for i := 1; i <= runCap+1; i++ {
		e2.gh.AddRun(fakegithub.Run{ID: int64(i), Owner: "octo", Repo: "widgets", HeadBranch: "main", Conclusion: "success", CreatedAt: at})
	}
	o = e2.opts()
	o.FailedOnly = true
	res, err = Run(context.Background(), o)
	if err != nil || res.Runs != runCap || len(res.Capped) != 1 || !strings.Contains(res.Capped[0], "2026-06-01T12:00:00Z") {
		t.Fatalf("one crowded second: %d runs, capped %v, %v", res.Runs, res.Capped, err)
	}
}
