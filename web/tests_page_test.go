package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// The tests page lists a repository's failing tests flakiest first and, for one test, every
// recorded failure with its commit, pull request and a link to the log line; names from logs
// render inert and redacted.
func TestTestsPage(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		var h store.TestHistory = st
		flaky := store.TestKey{Runner: "pytest", File: "tests/test_net.py", Name: "test_timeout"}
		odd := store.TestKey{Runner: "go", File: "example.com/p", Name: "Test<script>alert(1)</script>/" + secretToken}
		rec := func(j store.Job, pr int, at time.Time, ts ...store.JobTest) {
			t.Helper()
			if err := h.RecordJobTests(t.Context(), store.JobTestsContext{JobID: j.ID, RepoID: j.RepoID, SHA: j.SHA, JobName: j.Name,
				PullRequest: pr, At: at}, ts); err != nil {
				t.Fatal(err)
			}
		}
		rec(w.build, 7, testNow.Add(-time.Hour), store.JobTest{TestKey: flaky, Line: timeoutLine, Text: "E   TimeoutError " + secretToken, PassedInLog: true})
		rec(w.lint1, 0, testNow.Add(-2*time.Hour), store.JobTest{TestKey: odd, Line: 2, Text: "undefined: Foo"})
		c := newClient(t, w.handler(t, nil))

		r := c.get("/repos/acme/widgets/tests")
		mustContain(t, r, 200, "tests/test_net.py › test_timeout", "Test&lt;script&gt;", "[REDACTED]",
			"/repos/acme/widgets/tests?test="+flaky.ID())
		mustNotContain(t, r, "<script>alert(1)", secretToken)
		if i, j := strings.Index(r.body, "test_timeout"), strings.Index(r.body, "Test&lt;script"); i < 0 || j < 0 || i > j {
			t.Errorf("the test that flipped is not listed first")
		}
		r = c.get("/repos/acme/widgets/tests?test=" + flaky.ID())
		mustContain(t, r, 200, `id="failures"`, "#7", fmt.Sprintf("/jobs/%d?page=3#L%d", w.build.ID, timeoutLine),
			"passed on the runner's retry", "1 failures on 1 commits", "1 flips")
		mustNotContain(t, r, secretToken)
		if r := c.get("/repos/acme/widgets/tests?test=0123456789abcdef"); r.status != 404 {
			t.Errorf("an unknown test: status %d, want 404", r.status)
		}
		mustContain(t, c.get("/"), 200, "/repos/acme/widgets/tests")
		// The job page lists the job's failing tests with their verdicts, linked to their history.
		r = c.get(fmt.Sprintf("/jobs/%d", w.build.ID))
		mustContain(t, r, 200, `id="job-tests"`, "/repos/acme/widgets/tests?test="+flaky.ID(), "flaky (passed on the runner&#39;s retry in the same log)",
			fmt.Sprintf("/jobs/%d?page=3#L%d", w.build.ID, timeoutLine))
		mustContain(t, c.get(fmt.Sprintf("/jobs/%d", w.lint1.ID)), 200, "/repos/acme/widgets/tests?test="+odd.ID(), "Test&lt;script&gt;", "— new")
	})
}

// The tests page's newest failing tests are those whose first failure is within the window, the
// newest first; a test that also failed before it is listed with all failing tests only.
func TestTestsPageNewestFailures(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		old := store.TestKey{Runner: "go", File: "example.com/p", Name: "TestOld"}
		newer := store.TestKey{Runner: "go", File: "example.com/p", Name: "TestNewer"}
		newest := store.TestKey{Runner: "go", File: "example.com/p", Name: "TestNewest"}
		rec := func(j store.Job, at time.Time, ks ...store.TestKey) {
			t.Helper()
			var ts []store.JobTest
			for _, k := range ks {
				ts = append(ts, store.JobTest{TestKey: k, Line: 1, Text: "boom"})
			}
			if err := st.RecordJobTests(t.Context(), store.JobTestsContext{JobID: j.ID, RepoID: j.RepoID, SHA: j.SHA, JobName: j.Name, At: at}, ts); err != nil {
				t.Fatal(err)
			}
		}
		rec(w.lint1, testNow.Add(-20*24*time.Hour), old)
		rec(w.build, testNow.Add(-3*24*time.Hour), old, newer)
		rec(w.lint2, testNow.Add(-time.Hour), newest)
		r := newClient(t, w.handler(t, nil)).get("/repos/acme/widgets/tests")
		mustContain(t, r, 200, `id="new-tests"`, "Newest failing tests")
		start, end := strings.Index(r.body, `id="new-tests"`), strings.Index(r.body, `id="tests"`)
		if start < 0 || end < start {
			t.Fatalf("no newest-failures table before the list of all tests:\n%s", r.body)
		}
		section, all := r.body[start:end], r.body[end:]
		i, j := strings.Index(section, "TestNewest"), strings.Index(section, "TestNewer")
		if i < 0 || j < 0 || i > j || strings.Contains(section, "TestOld") {
			t.Errorf("newest failures, want TestNewest then TestNewer and not TestOld:\n%s", section)
		}
		if !strings.Contains(all, "TestOld") {
			t.Errorf("TestOld is not among all failing tests")
		}
	})
}
