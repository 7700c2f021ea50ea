package pipeline_test

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/store"
)

const prNumber = 7

func (e *env) pull() {
	e.app.AddPull(fakegithub.Pull{Owner: owner, Repo: repo, Number: prNumber, HeadSHA: sha, HeadRef: "feature", BaseRef: "main"}, "")
}

func command(id int64, author, body string) pipeline.CommandArgs {
	return pipeline.CommandArgs{InstallationID: installation, Repo: full, IssueNumber: prNumber, CommentID: id, Author: author, Body: body}
}

func reactionContents(rs []fakegithub.Reaction) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Content)
	}
	return out
}

// A user without write access is refused politely and nothing changes.
func TestCommandWithoutPermissionIsRefused(t *testing.T) {
	e := newEnv(t, backends[0])
	e.pull()
	e.app.SetPermission(owner, repo, "visitor", "read")
	e.start()
	e.enqueue(command(55, "visitor", "/totto known-broken build* the compiler update broke it"))
	e.drain()

	if got := strings.Join(reactionContents(e.app.Reactions()), ","); got != "eyes,confused" {
		t.Errorf("reactions %q, want eyes,confused", got)
	}
	cs := e.app.Comments()
	if len(cs) != 1 || cs[0].IssueNumber != prNumber || !strings.Contains(cs[0].Body, "needs write access") {
		t.Fatalf("want one refusal reply on #%d, got %+v", prNumber, cs)
	}
	r, err := e.st.Repository(t.Context(), full)
	if err != nil {
		t.Fatal(err)
	}
	as, err := e.st.Annotations(t.Context(), r.ID, false)
	if err != nil || len(as) != 0 {
		t.Errorf("annotations after a refused command: %+v, %v; want none", as, err)
	}
}

// known-broken from a maintainer, then a failure of that job: the verdict is known-broken; fixed
// closes the range and the commit's check run goes back to the job's own verdict.
func TestKnownBrokenThenFailure(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		e.pull()
		e.app.SetPermission(owner, repo, "maint", "maintain")
		gha := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
		e.start()
		e.enqueue(command(56, "maint", "Looks like main is broken.\n/totto known-broken \"build (*\" broken by #123"))
		e.drain()

		if got := strings.Join(reactionContents(e.app.Reactions()), ","); got != "eyes,+1" {
			t.Errorf("reactions %q, want eyes,+1", got)
		}
		cs := e.app.Comments()
		if len(cs) != 1 || !strings.Contains(cs[0].Body, "known-broken") {
			t.Fatalf("want one reply saying what was done, got %+v", cs)
		}
		r, err := e.st.Repository(t.Context(), full)
		if err != nil {
			t.Fatal(err)
		}
		as, err := e.st.Annotations(t.Context(), r.ID, true)
		if err != nil || len(as) != 1 || as[0].JobGlob != "build (*" || as[0].FromSHA != sha || as[0].CreatedBy != "maint" || as[0].Reason != "broken by #123" {
			t.Fatalf("open annotations %+v, %v; want \"build (*\" from %s by maint", as, err, sha)
		}

		e.enqueue(gha)
		e.drain()
		cr := e.checkRun()
		if cr.Conclusion != "success" || !strings.Contains(cr.Output.Summary, "known-broken") && !strings.Contains(cr.Output.Summary, "known broken") {
			t.Errorf("want a green check run with a known-broken verdict, got %s:\n%s", cr.Conclusion, cr.Output.Summary)
		}

		e.enqueue(command(57, "maint", "/totto fixed \"build (*\""))
		e.drain()
		cr = e.checkRun()
		if cr.Conclusion != "failure" {
			t.Errorf("after /totto fixed on the same commit the failure counts again: got %s:\n%s", cr.Conclusion, cr.Output.Summary)
		}
		if open, _ := e.st.Annotations(t.Context(), r.ID, true); len(open) != 0 {
			t.Errorf("annotations still open after fixed: %+v", open)
		}
	})
}

// help and rescan need no write access beyond what is documented; an unknown command is answered.
func TestHelpAndInvalidCommands(t *testing.T) {
	e := newEnv(t, backends[0])
	e.pull()
	e.start()
	e.enqueue(command(58, "anyone", "/totto help"))
	e.enqueue(command(59, "anyone", "/totto frobnicate"))
	e.drain()
	cs := e.app.Comments()
	if len(cs) != 2 {
		t.Fatalf("want two replies, got %+v", cs)
	}
	for _, c := range cs {
		if !strings.Contains(c.Body, "/totto known-broken JOB") {
			t.Errorf("reply lacks the command list:\n%s", c.Body)
		}
	}
	byComment := map[int64][]string{}
	for _, r := range e.app.Reactions() {
		byComment[r.CommentID] = append(byComment[r.CommentID], r.Content)
	}
	if got := strings.Join(byComment[58], ","); got != "eyes,+1" {
		t.Errorf("help reactions %q, want eyes,+1", got)
	}
	if got := strings.Join(byComment[59], ","); got != "eyes,confused" {
		t.Errorf("invalid command reactions %q, want eyes,confused", got)
	}
}

// A command job that runs again after it already replied (it died, or lost GitHub's answer,
// between posting the reply and finishing) finds its reply in the thread and does not post a
// second one.
func TestRetriedCommandRepliesOnce(t *testing.T) {
	e := newEnv(t, backends[0])
	e.pull()
	e.start()
	e.enqueue(command(60, "anyone", "/totto help"))
	e.drain()
	e.enqueue(command(60, "anyone", "/totto help")) // the same comment's job, run again
	e.drain()
	cs := e.app.Comments()
	if len(cs) != 1 {
		t.Fatalf("want one reply, got %d: %+v", len(cs), cs)
	}
	if !strings.Contains(cs[0].Body, "<!-- totto-reply-to:60 -->") {
		t.Errorf("the reply carries no marker:\n%s", cs[0].Body)
	}
	if got := strings.Join(reactionContents(e.app.Reactions()), ","); got != "eyes,+1,eyes,+1" {
		t.Errorf("reactions %q, want eyes,+1 for each run", got)
	}
}

// "at COMMIT" takes a short SHA as pages show it: a unique prefix of a known commit opens or
// closes the range at that commit's full SHA; an ambiguous or unknown one is refused with the
// reason, and nothing is opened for it.
func TestKnownBrokenAtShortSHA(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e := newEnv(t, b)
		e.pull()
		e.app.SetPermission(owner, repo, "maint", "maintain")
		e.start()
		e.enqueue(e.ghaJob(101, "lint", "failure", "compile_error.log"))
		e.drain()
		r, err := e.st.Repository(t.Context(), full)
		if err != nil {
			t.Fatal(err)
		}
		twin := sha[:8] + strings.Repeat("f", 32) // shares sha's first 8 digits
		if _, err := e.st.UpsertJob(t.Context(), store.Job{Provider: "github-actions", ExternalID: "twin", RepoID: r.ID, SHA: twin, Name: "lint", Conclusion: "failure"}); err != nil {
			t.Fatal(err)
		}

		e.enqueue(command(60, "maint", "/totto known-broken lint at "+sha[:7]+"\n/totto known-broken lint at 1234567\n/totto known-broken lint at "+twin[:9]+" broke in #9"))
		e.drain()
		cs := e.app.Comments()
		if len(cs) != 1 || !strings.Contains(cs[0].Body, "ambiguous") || !strings.Contains(cs[0].Body, "not the start of any commit") {
			t.Fatalf("want one reply refusing the ambiguous and the unknown commit, got %+v", cs)
		}
		if got := strings.Join(reactionContents(e.app.Reactions()), ","); got != "eyes,confused" {
			t.Errorf("reactions %q, want eyes,confused", got)
		}
		as, err := e.st.Annotations(t.Context(), r.ID, true)
		if err != nil || len(as) != 1 || as[0].FromSHA != twin || as[0].Reason != "broke in #9" {
			t.Fatalf("open annotations %+v, %v; want lint from the full %s", as, err, twin)
		}

		e.enqueue(command(61, "maint", "/totto fixed lint at "+strings.ToUpper(sha[:9])))
		e.drain()
		all, err := e.st.Annotations(t.Context(), r.ID, false)
		if err != nil || len(all) != 1 || all[0].ToSHA == nil || *all[0].ToSHA != sha {
			t.Fatalf("annotations after fixed at a short SHA: %+v, %v; want closed at %s", all, err, sha)
		}
	})
}
