package app

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// Every TOTTO_* variable the repository's code, scripts and CI read is known to the resolver, so
// none is reported as a typo on a machine that sets it (a new one must be added to a config key
// or to envOnly).
func TestEveryReadVariableIsKnown(t *testing.T) {
	out, err := exec.Command("git", "-C", "..", "grep", "-hoE", `TOTTO_[A-Z0-9_]+`, "--", "*.go", "*.sh", "Makefile", ".ci/").Output()
	if err != nil {
		t.Skipf("git grep: %v", err)
	}
	known := map[string]bool{}
	for _, n := range EnvNames() {
		known[n] = true
	}
	for old := range deprecatedEnv {
		known[old] = true
	}
	// Names that appear only as examples of typos or prefixes.
	ignore := regexp.MustCompile(`^TOTTO_(WORKER_COUNT|PID|)$`)
	for _, name := range strings.Fields(string(out)) {
		if !known[name] && !ignore.MatchString(name) {
			t.Errorf("%s is read somewhere but unknown to the resolver: a machine setting it gets a warning", name)
		}
	}
}
