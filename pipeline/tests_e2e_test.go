package pipeline_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/store"
)

// pytestLog is a GitHub Actions job log whose pytest run failed the named tests.
func pytestLog(tests ...string) []byte {
	var b strings.Builder
	b.WriteString("2026-11-20T09:14:02.0000000Z ##[group]Run pytest -q tests\n2026-11-20T09:14:02.0000000Z pytest -q tests\n2026-11-20T09:14:02.0000000Z ##[endgroup]\n")
	b.WriteString("2026-11-20T09:14:03.0000000Z ============================= test session starts ==============================\n")
	b.WriteString("2026-11-20T09:14:09.0000000Z =========================== short test summary info ============================\n")
	for _, t := range tests {
		fmt.Fprintf(&b, "2026-11-20T09:14:09.0000000Z FAILED tests/test_api.py::%s - assert 200 == 503\n", t)
	}
	fmt.Fprintf(&b, "2026-11-20T09:14:09.0000000Z ========================= %d failed, 40 passed in 6.12s =========================\n", len(tests))
	b.WriteString("2026-11-20T09:14:09.0000000Z ##[error]Process completed with exit code 1.\n")
	return []byte(b.String())
}

// world adds GitHub Actions jobs of the "test" job on commits, each attempt its own job id.
type world struct {
	e    *env
	next int64
}

func (w *world) job(commit, branch string, attempt int, conclusion string, log []byte) pipeline.ProcessJobArgs {
	w.next++
	id := 500 + w.next
	at := time.Date(2026, 11, 20, 9, 14, 0, 0, time.UTC).Add(time.Duration(w.next) * time.Minute)
	w.e.gh.AddJob(fakegithub.Job{ID: id, RunID: 900 + w.next, RunAttempt: attempt, Owner: owner, Repo: repo, Name: "test", HeadSHA: commit,
		HeadBranch: branch, Conclusion: conclusion, Log: log, StartedAt: at, CompletedAt: at.Add(time.Minute),
		Steps: []fakegithub.Step{{Name: "Set up job", Number: 1, Conclusion: "success"}, {Name: "Run pytest -q tests", Number: 2, Conclusion: conclusion}}})
	return pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: commit, Branch: branch, DefaultBranch: "main",
		Provider: "github-actions", JobID: id, JobName: "test", Conclusion: conclusion}
}

func commitSHA(n int) string { return fmt.Sprintf("%07x%033x", 0xabc0000+n, n) }

// Failing tests by name decide a job's verdict: a test that passed on a rerun is flaky; a test
// whose history flips on two other commits is flaky on a third without a rerun; the same test
// failing at the merge base is broken upstream; a test with no such evidence is new. Every
// check run lists the tests with their history, and the history is stored per job.
func TestFailingTestsEndToEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		e.deps.Clock = func() time.Time { return time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC) }
		w := &world{e: e}
		e.start()

		// Two commits where test_flaky failed and passed on attempt 2.
		for i := 1; i <= 2; i++ {
			c := commitSHA(i)
			e.app.AddPull(fakegithub.Pull{Owner: owner, Repo: repo, Number: 10 + i, HeadSHA: c, HeadRef: fmt.Sprintf("f%d", i), BaseRef: "main"}, "")
			e.enqueue(w.job(c, fmt.Sprintf("f%d", i), 1, "failure", pytestLog("test_flaky")))
			e.enqueue(w.job(c, fmt.Sprintf("f%d", i), 2, "success", nil))
			e.drain()
		}
		cr := e.checkRunOf(commitSHA(1))
		if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "tests/test_api.py › test_flaky") || !strings.Contains(cr.Output.Summary, "passed on attempt 2") {
			t.Errorf("rerun commit: %s\n%s", cr.Conclusion, cr.Output.Summary)
		}

		// A third commit fails test_flaky once: its history calls it flaky.
		c3 := commitSHA(3)
		e.enqueue(w.job(c3, "f3", 1, "failure", pytestLog("test_flaky")))
		e.drain()
		cr = e.checkRunOf(c3)
		if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "| flaky |") ||
			!strings.Contains(cr.Output.Summary, "failed then passed on the same commit on 2 commits") {
			t.Errorf("history-flaky commit: %s\n%s", cr.Conclusion, cr.Output.Summary)
		}

		// main's merge base fails test_broken; a pull request based there fails it too.
		mb := commitSHA(4)
		e.enqueue(w.job(mb, "main", 1, "failure", pytestLog("test_broken")))
		e.drain()
		c5 := commitSHA(5)
		e.app.AddPull(fakegithub.Pull{Owner: owner, Repo: repo, Number: 15, HeadSHA: c5, HeadRef: "f5", BaseRef: "main"}, mb)
		e.enqueue(w.job(c5, "f5", 1, "failure", pytestLog("test_broken")))
		e.drain()
		cr = e.checkRunOf(c5)
		if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "| broken\\-upstream |") ||
			!strings.Contains(cr.Output.Summary, "1 on the default branch in 14 days") {
			t.Errorf("broken-upstream commit: %s\n%s", cr.Conclusion, cr.Output.Summary)
		}

		// A new failing test next to a flaky one makes the job new.
		c6 := commitSHA(6)
		job6 := w.job(c6, "f6", 1, "failure", pytestLog("test_flaky", "test_new"))
		e.enqueue(job6)
		e.drain()
		cr = e.checkRunOf(c6)
		if cr.Conclusion != "failure" || !strings.Contains(cr.Output.Summary, "**new**") || !strings.Contains(cr.Output.Summary, "first failure in 14 days") {
			t.Errorf("new-test commit: %s\n%s", cr.Conclusion, cr.Output.Summary)
		}

		// The history as stored: test_flaky failed on 4 commits (2 pull requests), flipping on 2.
		h := e.st.(store.TestHistory)
		r, err := e.st.Repository(t.Context(), full)
		if err != nil {
			t.Fatal(err)
		}
		k := store.TestKey{Runner: "pytest", File: "tests/test_api.py", Name: "test_flaky"}
		stats, err := h.TestStats(t.Context(), r.ID, []store.TestKey{k}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if s := stats[k]; s.Failures != 4 || s.Commits != 4 || s.PullRequests != 2 || s.FlipCommits != 2 {
			t.Errorf("stored history of test_flaky: %+v", s)
		}
		// A redelivered job is not counted twice.
		e.enqueue(job6)
		e.drain()
		if again, err := h.TestStats(t.Context(), r.ID, []store.TestKey{k}, time.Time{}); err != nil || again[k] != stats[k] {
			t.Errorf("after a redelivery: %+v (%v), want %+v", again[k], err, stats[k])
		}
	})
}
