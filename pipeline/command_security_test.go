package pipeline_test

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/pipeline"
)

// Slash commands from people who may not change the repository's state — readers, triagers and
// non-collaborators (a fork's author commenting on their own pull request) — change nothing: no
// annotation, no re-triage, a confused reaction and a reply saying write access is needed.
func TestCommandsFromNonWritersChangeNothing(t *testing.T) {
	for _, c := range []struct{ name, role string }{
		{"reader", "read"},
		{"triager", "triage"},
		{"fork author, not a collaborator", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, backends[0])
			e.pull()
			author := "outsider"
			if c.role != "" {
				e.app.SetPermission(owner, repo, author, c.role)
			}
			e.start()
			e.enqueue(command(77, author, "/totto known-broken * everything is broken\n/totto fixed lint\n/totto rescan"))
			e.drain()

			if got := strings.Join(reactionContents(e.app.Reactions()), ","); got != "eyes,confused" {
				t.Errorf("reactions %q, want eyes,confused", got)
			}
			cs := e.app.Comments()
			if len(cs) != 1 || strings.Count(cs[0].Body, "needs write access") != 3 {
				t.Fatalf("want one reply refusing all three commands, got %+v", cs)
			}
			r, err := e.st.Repository(t.Context(), full)
			if err != nil {
				t.Fatal(err)
			}
			if as, err := e.st.Annotations(t.Context(), r.ID, true); err != nil || len(as) != 0 {
				t.Errorf("annotations after refused commands: %+v, %v; want none", as, err)
			}
			if n := e.jobsOfKind((pipeline.TriageCommitArgs{}).Kind()); n != 0 {
				t.Errorf("refused commands queued %d re-triages", n)
			}
		})
	}
}
