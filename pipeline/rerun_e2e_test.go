package pipeline_test

import (
	"strings"
	"testing"

	"github.com/riverqueue/river"
)

// goRetryLog is a job log where `go test -count=2` failed TestDial once and passed it once:
// the test is flaky by its own log.
var goRetryLog = []byte(`2026-11-20T09:14:02.0000000Z ##[group]Run go test -count=2 ./...
2026-11-20T09:14:02.0000000Z go test -count=2 ./...
2026-11-20T09:14:02.0000000Z ##[endgroup]
2026-11-20T09:14:05.0000000Z --- FAIL: TestDial (0.50s)
2026-11-20T09:14:05.0000000Z     dial_test.go:31: dial tcp 127.0.0.1:9: connection refused
2026-11-20T09:14:05.0000000Z --- PASS: TestDial (0.01s)
2026-11-20T09:14:05.0000000Z FAIL
2026-11-20T09:14:05.0000000Z FAIL	example.com/net	0.612s
2026-11-20T09:14:05.0000000Z ##[error]Process completed with exit code 1.
`)

// Opted-in automatic re-runs: a job whose every failing test is flaky is re-run exactly once
// (not again on a redelivery), the check run says so and, once the new attempt passed, says
// that; a job past max_attempts, on another branch, or whose installation lacks Actions: write
// is not re-run, and the last says why without failing the work.
func TestAutomaticRerun(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e, w := testsWorld(t, b, "rerun:\n  flaky: true\n  max_attempts: 2\n  branches: [\"f*\"]\n")

		c1 := commitSHA(21)
		first := w.job(c1, "f1", 1, "failure", goRetryLog)
		e.enqueue(first)
		e.drain()
		if got := e.app.Reruns(); len(got) != 1 || got[0] != first.JobID {
			t.Fatalf("re-runs %v, want exactly job %d", got, first.JobID)
		}
		cr := e.checkRunOf(c1)
		if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "re\\-ran attempt 1 automatically → attempt 2 requested") {
			t.Errorf("after the re-run request: %s\n%s", cr.Conclusion, cr.Output.Summary)
		}
		e.enqueue(first) // a redelivery
		e.drain()
		if got := e.app.Reruns(); len(got) != 1 {
			t.Errorf("re-runs after a redelivery: %v, want 1", got)
		}
		e.enqueue(w.job(c1, "f1", 2, "success", nil))
		e.drain()
		cr = e.checkRunOf(c1)
		if !strings.Contains(cr.Output.Summary, "attempt 2 passed") || !strings.Contains(cr.Output.Summary, "| flaky |") {
			t.Errorf("after attempt 2 passed:\n%s", cr.Output.Summary)
		}

		// Attempt 2 failing again is at max_attempts: no third attempt.
		c2 := commitSHA(22)
		e.enqueue(w.job(c2, "f2", 2, "failure", goRetryLog))
		e.drain()
		// Another branch is not re-run.
		c3 := commitSHA(23)
		e.enqueue(w.job(c3, "main", 1, "failure", goRetryLog))
		e.drain()
		if got := e.app.Reruns(); len(got) != 1 {
			t.Errorf("re-runs %v: max_attempts or branches not respected", got)
		}

		// Without Actions: write the check run says so; the work does not fail or retry.
		e.app.DenyReruns(true)
		c4 := commitSHA(24)
		e.enqueue(w.job(c4, "f4", 1, "failure", goRetryLog))
		e.drain()
		cr = e.checkRunOf(c4)
		if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "lacks the Actions\\: write permission") {
			t.Errorf("without permission: %s\n%s", cr.Conclusion, cr.Output.Summary)
		}
		if n := e.eventCount(river.EventKindJobFailed, "triage_commit"); n != 0 {
			t.Errorf("%d failed triage jobs", n)
		}
		denied := 0
		for _, r := range e.gh.Requests() {
			if r.Method == "POST" && strings.HasSuffix(r.Path, "/rerun") {
				denied++
			}
		}
		if denied != 2 {
			t.Errorf("%d re-run requests, want 2 (one granted, one refused, none repeated)", denied)
		}
	})
}
