package pipeline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/store"
)

// A job whose log retention deleted is triaged again (another job of the commit reported): the
// verdict still stands on the stored matches, and the check run says when and why the log went,
// in the one wording store.Log.Expired gives, instead of calling it unavailable.
func TestExpiredLogIsNamedInTheCheckRun(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		e.app.SetFile(owner, repo, ".github/totto.yml", []byte(repoConfig))
		e.start()
		e.enqueue(e.ghaJob(101, "build (linux)", "failure", "compile_error.log"))
		e.drain()
		before := e.checkRun()

		at := time.Now().Add(72 * time.Hour)
		rep, err := store.Prune(t.Context(), e.st, e.blobs, store.Retention{Logs: 24 * time.Hour}, at, false)
		if err != nil || rep.ExpiredLogs != 1 {
			t.Fatalf("prune: %+v, %v; want one log expired", rep, err)
		}
		e.enqueue(pipeline.TriageCommitArgs{InstallationID: installation, Repo: full, SHA: sha})
		e.drain()
		cr := e.checkRun()
		want := "log expired on " + at.UTC().Format(time.DateOnly) + " by retention (retention.logs_days)"
		// In the table (the job has no matched line to show) and in the job's details.
		if plain := strings.ReplaceAll(cr.Output.Summary, `\`, ""); strings.Count(plain, want) != 2 {
			t.Errorf("check run does not say %q:\n%s", want, cr.Output.Summary)
		}
		if strings.Contains(cr.Output.Summary, "could not be read") || strings.Contains(cr.Output.Summary, "| no log |") {
			t.Errorf("the expired log is reported as unreadable:\n%s", cr.Output.Summary)
		}
		if cr.Conclusion != before.Conclusion || cr.Output.Title != before.Output.Title {
			t.Errorf("verdict changed with the log's expiry: %s %q, was %s %q", cr.Conclusion, cr.Output.Title, before.Conclusion, before.Output.Title)
		}
	})
}
