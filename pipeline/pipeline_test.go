package pipeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/riverqueue/river"

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

var (
	_ = strings.Contains
	_ = river.EventKindJobCompleted
	_ = pipeline.CheckRunName
)
