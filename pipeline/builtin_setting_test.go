package pipeline_test

import (
	"strings"
	"testing"
)

// scan.builtin: false (Deps.NoBuiltin) turns the built-in packs off for a repository without a
// file, and a repository's `builtin: true` turns them back on for it.
func TestOperatorBuiltinOff(t *testing.T) {
	for _, c := range []struct {
		name, file string
		want       bool
	}{
		{"no file", "", false},
		{"file without builtin", "ignore: [docs]\n", false},
		{"file opts in", "builtin: true\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, backends[0])
			e.deps.NoBuiltin = true
			if c.file != "" {
				e.app.SetFile(owner, repo, ".github/totto.yml", []byte(c.file))
			}
			gha := e.ghaJob(101, "build (linux)", "failure", "gha_operation_canceled.log")
			e.start()
			e.enqueue(gha)
			e.drain()
			summary := e.checkRun().Output.Summary
			if got := strings.Contains(summary, "operation canceled"); got != c.want {
				t.Errorf("built-in pattern matched: %v, want %v:\n%s", got, c.want, summary)
			}
		})
	}
}
