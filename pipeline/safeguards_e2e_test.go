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

// commitJob makes a GitHub Actions job of its own commit known to the fake, finished at at (so
// commits are ordered in time as they would be on a branch), and returns its event.
func (e *env) commitJob(id int64, sha, branch, name, conclusion string, log []byte, at time.Time) pipeline.ProcessJobArgs {
	e.t.Helper()
	e.gh.AddJob(fakegithub.Job{ID: id, RunID: 900 + id, Owner: owner, Repo: repo, Name: name, HeadSHA: sha, HeadBranch: branch,
		Conclusion: conclusion, Log: log, StartedAt: at, CompletedAt: at.Add(time.Minute),
		Steps: []fakegithub.Step{{Name: "Run", Number: 1, Conclusion: conclusion}}})
	return pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Branch: branch, DefaultBranch: "main",
		Provider: "github-actions", JobID: id, JobName: name, Conclusion: conclusion}
}

// checkRunOf returns the check run of one commit, failing the test unless there is exactly one.
func (e *env) checkRunOf(sha string) fakegithub.CheckRun {
	e.t.Helper()
	var out []fakegithub.CheckRun
	for _, c := range e.gh.CheckRuns(owner, repo) {
		if c.HeadSHA == sha {
			out = append(out, c)
		}
	}
	if len(out) != 1 {
		e.t.Fatalf("want exactly one check run on %s, got %d", sha, len(out))
	}
	return out[0]
}

func shaOf(n int) string { return fmt.Sprintf("%040x", 0xc0ffee000+n) }

// A flaky pattern whose matches failed again on rerun is demoted by its record (with the
// repository's demotion threshold): the job is new, and the check run says why.
func TestDemotedFlakyPatternMakesJobNew(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		e.app.SetFile(owner, repo, ".github/totto.yml", []byte(`builtin: false
demotion:
  min_confirmed: 1
patterns:
  - name: git diff timeout
    literal: "Failed to get git diff information"
    tags: [flaky]
`))
		log := corpusFile(t, "logs", "pytorch-dev", "clean", "python_runtimeerror.log")
		e.start()
		// The same job failed on both attempts of one commit, matched by the flaky pattern both
		// times: a deterministic failure the pattern called flaky.
		first := e.commitJob(201, sha, "feature", "test (unit)", "failure", log, time.Now())
		e.gh.AddJob(fakegithub.Job{ID: 202, RunID: 1101, RunAttempt: 2, Owner: owner, Repo: repo, Name: "test (unit)", HeadSHA: sha,
			HeadBranch: "feature", Conclusion: "failure", Log: log, Steps: []fakegithub.Step{{Name: "Run", Number: 1, Conclusion: "failure"}}})
		e.enqueue(first)
		e.drain()
		e.enqueue(pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Branch: "feature",
			Provider: "github-actions", JobID: 202, JobName: "test (unit)", Conclusion: "failure"})
		e.drain()

		cr := e.checkRun()
		out := cr.Output.Summary + cr.Output.Text
		if !strings.Contains(out, "| **new** |") || strings.Contains(out, "| flaky |") {
			t.Errorf("want the job new, not flaky:\n%s", out)
		}
		// The note as rendered (Markdown punctuation escaped).
		if !strings.Contains(out, "(demoted)") || !strings.Contains(out, `pattern git diff timeout demoted\: 1 of 1 rerun\-confirmed hits failed again on rerun`) {
			t.Errorf("the check run does not say why the pattern was demoted:\n%s", out)
		}
	})
}

// An open known-broken annotation closes by itself after the repository's number of passing
// jobs on the default branch; a later failure of that job is new again.
func TestKnownBrokenExpiresAfterPasses(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		e.app.SetFile(owner, repo, ".github/totto.yml", []byte("builtin: false\nknown_broken_expiry_passes: 2\n"))
		ctx := t.Context()
		r, err := e.st.UpsertRepository(ctx, store.Repository{FullName: full, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.OpenAnnotation(ctx, store.Annotation{RepoID: r.ID, JobGlob: "lint", FromSHA: shaOf(0), Reason: "linter update", CreatedBy: "maint"}); err != nil {
			t.Fatal(err)
		}
		log := corpusFile(t, "logs", "pytorch-dev", "clean", "python_runtimeerror.log")
		at := time.Now().Add(time.Minute)
		e.start()
		step := func(n int, conclusion string, defaultBranch string) {
			t.Helper()
			var l []byte
			if conclusion == "failure" {
				l = log
			}
			a := e.commitJob(int64(300+n), shaOf(n), "main", "lint", conclusion, l, at.Add(time.Duration(n)*time.Hour))
			a.DefaultBranch = defaultBranch
			e.enqueue(a)
			e.drain()
		}
		open := func() int {
			t.Helper()
			as, err := e.st.Annotations(ctx, r.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			return len(as)
		}

		step(1, "failure", "main")
		if cr := e.checkRunOf(shaOf(1)); !strings.Contains(cr.Output.Summary, "| known\\-broken |") {
			t.Errorf("failure while the annotation is open: want known-broken:\n%s", cr.Output.Summary)
		}
		// An event without the default branch: the pipeline asks GitHub (once).
		step(2, "success", "")
		if n := open(); n != 1 {
			t.Fatalf("after 1 pass of 2: %d open annotations, want 1", n)
		}
		// A pull request's commit after the fix, failing lint while the annotation is still open:
		// excused for now, judged again once the annotation expires.
		pr := shaOf(20)
		e.enqueue(e.commitJob(320, pr, "feature", "lint", "failure", log, at.Add(150*time.Minute)))
		e.drain()
		if cr := e.checkRunOf(pr); !strings.Contains(cr.Output.Summary, "| known\\-broken |") {
			t.Errorf("pull request failure while the annotation is open: want known-broken:\n%s", cr.Output.Summary)
		}
		step(3, "success", "")
		if n := open(); n != 0 {
			t.Fatalf("after 2 passes of 2: %d open annotations, want 0", n)
		}
		if cr := e.checkRunOf(pr); !strings.Contains(cr.Output.Summary, "| **new** |") {
			t.Errorf("pull request failure after the fix, once the annotation expired: want new (re-triaged):\n%s", cr.Output.Summary)
		}
		gets := 0
		for _, rq := range e.gh.Requests() {
			if rq.Method == "GET" && rq.Path == "/api/v3/repos/"+full {
				gets++
			}
		}
		if gets != 1 {
			t.Errorf("asked GitHub for the default branch %d times, want 1 (cached)", gets)
		}
		as, err := e.st.Annotations(ctx, r.ID, false)
		if err != nil || len(as) != 1 || as[0].ToSHA == nil || *as[0].ToSHA != shaOf(2) || as[0].ClosedBy != "totto" {
			t.Fatalf("annotations %+v, %v; want lint closed by totto at %s", as, err, shaOf(2))
		}

		step(4, "failure", "main")
		if cr := e.checkRunOf(shaOf(4)); !strings.Contains(cr.Output.Summary, "| **new** |") {
			t.Errorf("failure after the annotation expired: want new:\n%s", cr.Output.Summary)
		}
		if cr := e.checkRunOf(shaOf(1)); !strings.Contains(cr.Output.Summary, "| known\\-broken |") {
			t.Errorf("the failure inside the closed range: want still known-broken:\n%s", cr.Output.Summary)
		}
	})
}

// unexplainedLog is a job log whose failure no pattern explains; torque varies per job, so
// the lines differ but share a shape.
func unexplainedLog(torque int) []byte {
	return fmt.Appendf(nil, `2026-11-26T10:00:00.0000000Z ##[group]Run ./ci/integration.sh
2026-11-26T10:00:01.0000000Z starting integration suite on rig gantry
2026-11-26T10:00:02.0000000Z widget calibrator: spindle torque %d exceeds the bound of rig gantry-7
2026-11-26T10:00:03.0000000Z ##[endgroup]
`, torque)
}

// Three commits failing with the same unexplained line: the third check run offers the pattern
// that would explain it, counting the other two jobs.
func TestRecurringUnexplainedFailureGetsSuggestion(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		e.app.SetFile(owner, repo, ".github/totto.yml", []byte("suggestions:\n  min_jobs: 3\n  window: 7d\n"))
		e.start()
		now := time.Now()
		for n := 1; n <= 3; n++ {
			e.enqueue(e.commitJob(int64(400+n), shaOf(10+n), "feature", "integration", "failure", unexplainedLog(4000+n), now))
			e.drain()
		}
		for n := 1; n <= 2; n++ {
			if cr := e.checkRunOf(shaOf(10 + n)); strings.Contains(cr.Output.Summary+cr.Output.Text, "A pattern would explain it") {
				t.Errorf("commit %d of 3 already offers a pattern:\n%s", n, cr.Output.Summary)
			}
		}
		cr := e.checkRunOf(shaOf(13))
		out := cr.Output.Summary + cr.Output.Text
		if !strings.Contains(out, "| **new** |") {
			t.Fatalf("want the unexplained failure new:\n%s", out)
		}
		if !strings.Contains(out, "Seen in 2 other jobs this week. A pattern would explain it:") {
			t.Errorf("the third check run does not offer the suggested pattern:\n%s", out)
		}
		if !strings.Contains(out, "exceeds the bound of rig gantry-7") {
			t.Errorf("the suggested pattern is not shown:\n%s", out)
		}
		// Each log's cause line was worked out once, when its commit was triaged, and kept.
		if n := e.countQuery(`SELECT count(*) FROM log_cause_lines WHERE line LIKE '%spindle torque%'`); n != 3 {
			t.Errorf("%d cause lines kept, want 3 (one per log)", n)
		}
	})
}
