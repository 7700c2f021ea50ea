package pipeline_test

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/fakegithub"
)

// The sticky comment: created once on a failing pull request, not rewritten when nothing
// changed, edited in place when the verdict changes; with on-failure, a green pull request gets
// none; with the default (never), nothing is posted.
func TestStickyComment(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		e, w := testsWorld(t, b, "comment: on-failure\n")

		c1 := commitSHA(31)
		e.app.AddPull(fakegithub.Pull{Owner: owner, Repo: repo, Number: 31, HeadSHA: c1, HeadRef: "f31", BaseRef: "main"}, "")
		failed := w.job(c1, "f31", 1, "failure", pytestLog("test_new"))
		e.enqueue(failed)
		e.drain()
		cs := e.prComments(31)
		if len(cs) != 1 || !strings.Contains(cs[0].Body, "0 of 1 failure explained") || !strings.Contains(cs[0].Body, "| **new** |") {
			t.Fatalf("comments on #31: %+v", cs)
		}
		e.enqueue(failed) // redelivered: nothing changes
		e.drain()
		if cs := e.prComments(31); len(cs) != 1 || cs[0].Edits != 0 {
			t.Errorf("after an unchanged triage: %+v", cs)
		}
		e.enqueue(w.job(c1, "f31", 2, "success", nil)) // the rerun passed: now flaky
		e.drain()
		cs = e.prComments(31)
		if len(cs) != 1 || cs[0].Edits != 1 || !strings.Contains(cs[0].Body, "1 of 1 failure explained") {
			t.Errorf("after the verdict changed: %+v", cs)
		}

		// A green pull request never gets an on-failure comment.
		c2 := commitSHA(32)
		e.app.AddPull(fakegithub.Pull{Owner: owner, Repo: repo, Number: 32, HeadSHA: c2, HeadRef: "f32", BaseRef: "main"}, "")
		e.enqueue(w.job(c2, "f32", 1, "failure", goRetryLog)) // flaky by its own log: green
		e.drain()
		if cr := e.checkRunOf(c2); cr.Conclusion != "success" {
			t.Fatalf("check run on the green pull request: %s", cr.Conclusion)
		}
		if cs := e.prComments(32); len(cs) != 0 {
			t.Errorf("on-failure commented on a green pull request: %+v", cs)
		}
	})
}

func (e *env) prComments(number int) []fakegithub.Comment {
	var out []fakegithub.Comment
	for _, c := range e.app.Comments() {
		if c.IssueNumber == number {
			out = append(out, c)
		}
	}
	return out
}
