package pipeline_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/store"
)

// The process stops after the jobs were processed and while the commit's triage is in flight; a
// new queue on the same database finishes the work and posts the check run exactly once.
func TestStoppedMidPipeline(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		gha := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
		started := make(chan struct{}, 1)
		e.openQueue(func(q *queue.Queue) error { return pipeline.RegisterStalledTriage(q, e.deps, started) })
		e.enqueue(gha)
		select {
		case <-started:
		case <-time.After(60 * time.Second):
			t.Fatalf("triage never started; events: %s", e.eventSummary())
		}
		e.stopQueue()
		if n := len(e.gh.CheckRuns(owner, repo)); n != 0 {
			t.Fatalf("%d check runs before the restart, want 0", n)
		}

		e.start()
		e.drain()
		cr := e.checkRun()
		if cr.Writes != 1 || e.checkRunCreates() != 1 {
			t.Errorf("check run written %d times, created %d times; want 1 and 1", cr.Writes, e.checkRunCreates())
		}
		if !strings.Contains(cr.Output.Summary, "**new**") {
			t.Errorf("summary lacks the new verdict:\n%s", cr.Output.Summary)
		}
	})
}

// A check run created by a process that crashed before recording it is adopted, not doubled.
func TestExistingCheckRunAdopted(t *testing.T) {
	e := newEnv(t, backends[0])
	gha := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
	created, _, err := e.gh.Client().Checks.ListCheckRunsForRef(t.Context(), owner, repo, sha, nil)
	if err != nil || created.GetTotal() != 0 {
		t.Fatalf("listing check runs: %v, %d", err, created.GetTotal())
	}
	name, status := pipeline.CheckRunName, "in_progress"
	if _, _, err := e.gh.Client().Checks.CreateCheckRun(t.Context(), owner, repo, githubCreate(name, status)); err != nil {
		t.Fatal(err)
	}
	e.start()
	e.enqueue(gha)
	e.drain()
	cr := e.checkRun()
	if cr.Writes != 2 || cr.Conclusion != "failure" {
		t.Errorf("adopted check run: writes %d, conclusion %q; want 2 (create + update), failure", cr.Writes, cr.Conclusion)
	}
}

// GitHub answering 502 and then rate-limiting (primary, then secondary) delays the pipeline but
// does not stop it: the job is retried after the 502s and snoozed until each limit resets.
func TestRecoversFromOutagesAndRateLimits(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		gha := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
		e.start()
		e.gh.FailNext(2, 502, "/repos/"+full+"/actions/jobs/")
		e.gh.RateLimitNext(1, time.Now().Add(time.Second).Unix(), 0)
		e.gh.RateLimitNext(1, 0, 1)
		e.enqueue(gha)
		e.drain()
		e.checkRun()
		if n := e.eventCount(river.EventKindJobFailed, "process_job"); n < 2 {
			t.Errorf("%d failed attempts of process_job, want at least 2 (the 502s); events: %s", n, e.eventSummary())
		}
		if n := e.eventCount(river.EventKindJobSnoozed, "process_job") + e.eventCount(river.EventKindJobSnoozed, "triage_commit"); n < 2 {
			t.Errorf("%d snoozes, want at least 2 (primary and secondary rate limit); events: %s", n, e.eventSummary())
		}
	})
}

// An expired log is recorded as unavailable with the reason, and the job's verdict says so.
func TestExpiredLogIsNoLog(t *testing.T) {
	e := newEnv(t, backends[0])
	gha := e.ghaJob(101, "build (linux)", "failure", "")
	e.gh.AddJob(fakegithub.Job{ID: 101, RunID: 900, Owner: owner, Repo: repo, Name: "build (linux)", HeadSHA: sha,
		Conclusion: "failure", LogStatus: 410})
	e.start()
	e.enqueue(gha)
	e.drain()
	cr := e.checkRun()
	if cr.Conclusion != "neutral" || !strings.Contains(cr.Output.Summary, "no log") && !strings.Contains(cr.Output.Summary, "no-log") {
		t.Errorf("want a neutral check run with a no-log verdict, got %s:\n%s", cr.Conclusion, cr.Output.Summary)
	}
	if !strings.Contains(cr.Output.Summary, "410") {
		t.Errorf("summary does not give the reason (HTTP 410):\n%s", cr.Output.Summary)
	}
}

// A burst of job events for one commit collapses into one pending triage: while it waits out its
// debounce delay, every further event is folded into it.
func TestBurstCollapsesIntoOneTriage(t *testing.T) {
	e := newEnv(t, backends[0])
	e.deps.TriageDelay = time.Hour
	const n = 12
	var burst []pipeline.ProcessJobArgs
	for i := range n {
		burst = append(burst, e.ghaJob(int64(200+i), fmt.Sprintf("test (shard %d)", i), "success", ""))
	}
	e.start()
	for _, a := range burst {
		e.enqueue(a)
	}
	e.waitFor("all jobs processed", func() bool { return e.eventCount(river.EventKindJobCompleted, "process_job") == n })
	if got := e.jobsOfKind("triage_commit"); got != 1 {
		t.Errorf("%d triage jobs for a burst of %d job events, want 1", got, n)
	}
	if len(e.gh.CheckRuns(owner, repo)) != 0 {
		t.Error("check run written before the debounce delay")
	}
}

// An oversized log keeps its tail, is marked truncated, and the failure at its end is still found.
func TestOversizedLogKeepsTail(t *testing.T) {
	e := newEnv(t, backends[0])
	e.deps.MaxLogBytes = 2048
	gha := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
	e.start()
	e.enqueue(gha)
	e.drain()
	r, err := e.st.Repository(t.Context(), full)
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := e.st.(interface {
		CommitJobs(ctx context.Context, repoID int64, sha string) ([]store.Job, error)
	}).CommitJobs(t.Context(), r.ID, sha)
	if err != nil || len(jobs) != 1 || jobs[0].LogID == nil {
		t.Fatalf("jobs %+v, %v; want one with a log", jobs, err)
	}
	l, err := e.st.Log(t.Context(), *jobs[0].LogID)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Truncated || l.RawSize > 2048 || l.RawSize < 1024 {
		t.Errorf("log %+v: want truncated to at most 2048 bytes", l)
	}
	if cr := e.checkRun(); !strings.Contains(cr.Output.Summary, "CMake build failed") {
		t.Errorf("the failure at the end of the log is not shown:\n%s", cr.Output.Summary)
	}
}
