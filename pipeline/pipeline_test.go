package pipeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/pipeline"
)

// A failed GitHub Actions job and a failed CircleCI build on one commit give one check run with
// both verdicts; the same work again writes nothing.
func TestCommitGetsOneCheckRun(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		e.app.SetFile(owner, repo, ".github/totto.yml", []byte(repoConfig))
		gha := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
		circle := e.circleBuild()
		e.start()
		e.enqueue(gha)
		e.enqueue(circle)
		e.drain()

		cr := e.checkRun()
		if cr.Name != "totto" || cr.Conclusion != "failure" || cr.Status != "completed" {
			t.Errorf("check run %q %s/%s, want totto completed/failure", cr.Name, cr.Status, cr.Conclusion)
		}
		if want := "https://totto.example.com/repos/octo/widgets/commits/" + sha; cr.DetailsURL != want {
			t.Errorf("details_url %q, want %q", cr.DetailsURL, want)
		}
		golden(t, "commit_check_run.md", "# "+cr.Output.Title+"\n\n"+cr.Output.Summary)
		writes := cr.Writes

		// Redelivered events: the same jobs again.
		e.enqueue(gha)
		e.enqueue(circle)
		e.drain()
		cr = e.checkRun()
		if cr.Writes != writes {
			t.Errorf("check run written %d times after unchanged work, want %d", cr.Writes, writes)
		}
		if n := e.checkRunCreates(); n != 1 {
			t.Errorf("%d check runs created, want 1", n)
		}
	})
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file (run with -update to create): %v", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (run with -update after checking):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// A job that failed and then passed on a rerun of the same commit is flaky: the passing attempt is
// recorded (without its log) as rerun evidence.
func TestRerunThatPassedIsFlaky(t *testing.T) {
	e := newEnv(t, backends[0])
	failed := e.ghaJob(101, "test (unit)", "failure", "python_runtimeerror.log")
	e.gh.AddJob(fakegithub.Job{ID: 102, RunID: 900, RunAttempt: 2, Owner: owner, Repo: repo, Name: "test (unit)", HeadSHA: sha,
		Conclusion: "success"})
	e.start()
	e.enqueue(failed)
	e.enqueue(pipeline.ProcessJobArgs{InstallationID: installation, Repo: full, SHA: sha, Provider: "github-actions",
		JobID: 102, JobName: "test (unit)", Conclusion: "success"})
	e.drain()
	cr := e.checkRun()
	if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "| flaky |") {
		t.Errorf("want a green check run calling the job flaky, got %s:\n%s", cr.Conclusion, cr.Output.Summary)
	}
	// The pages read the verdict the check run states, kept on the failed attempt.
	r, err := e.st.Repository(t.Context(), full)
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := e.st.CommitJobs(t.Context(), r.ID, sha)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	kept, err := e.st.JobVerdicts(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		v, ok := kept[j.ID]
		switch {
		case j.Conclusion == "failure" && (!ok || v.Verdict != "flaky" || !v.Explained || v.Stale):
			t.Errorf("kept verdict of the failed attempt: %+v, %v; want flaky, explained", v, ok)
		case j.Conclusion == "success" && ok:
			t.Errorf("the passing attempt has a kept verdict %+v", v)
		}
	}
	for _, r := range e.gh.Requests() {
		if strings.HasSuffix(r.Path, "/actions/jobs/102/logs") {
			t.Error("the log of a successful job was fetched")
		}
	}
}
