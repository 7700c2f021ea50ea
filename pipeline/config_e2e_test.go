package pipeline_test

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable time source for the pipeline, so a test can expire cached configuration.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// A broken .github/totto.yml is reported in the check run with file and line, and the last good
// configuration keeps applying.
func TestBrokenConfigKeepsLastGood(t *testing.T) {
	e := newEnv(t, backends[0])
	c := &clock{now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	e.deps.Clock = c.Now
	e.app.SetFile(owner, repo, ".github/totto.yml", []byte(repoConfig))
	e.pull()
	e.app.SetPermission(owner, repo, "maint", "write")
	circle := e.circleBuild()
	e.start()
	e.enqueue(circle)
	e.drain()
	if cr := e.checkRun(); !strings.Contains(cr.Output.Summary, "docker hub anonymous pull") {
		t.Fatalf("the repository's pattern did not apply:\n%s", cr.Output.Summary)
	}

	e.app.SetFile(owner, repo, ".github/totto.yml", []byte("patterns:\n  - name: broken\n    regex: '(unclosed'\n    tags: [flaky]\n"))
	c.Advance(2 * time.Minute)
	e.enqueue(command(60, "maint", "/totto rescan"))
	e.drain()
	cr := e.checkRun()
	if !strings.Contains(cr.Output.Summary, ".github/totto.yml:3") {
		t.Errorf("check run does not locate the problem (.github/totto.yml:3):\n%s", cr.Output.Summary)
	}
	if !strings.Contains(cr.Output.Summary, "docker hub anonymous pull") || cr.Conclusion != "success" {
		t.Errorf("the last good configuration no longer applies (%s):\n%s", cr.Conclusion, cr.Output.Summary)
	}
}

// A repository without its own file uses the organisation's default in its .github repository,
// and `builtin: false` switches the built-in packs off.
func TestOrgDefaultConfigAndBuiltinOff(t *testing.T) {
	e := newEnv(t, backends[0])
	e.app.SetFile(owner, ".github", "totto.yml", []byte("builtin: false\n"))
	gha := e.ghaJob(101, "build (linux)", "failure", "gha_operation_canceled.log")
	e.start()
	e.enqueue(gha)
	e.drain()
	cr := e.checkRun()
	if strings.Contains(cr.Output.Summary, "operation canceled") {
		t.Errorf("a built-in pattern matched although the organisation default switched them off:\n%s", cr.Output.Summary)
	}
	if !strings.Contains(cr.Output.Summary, "**new**") {
		t.Errorf("want the failure reported new:\n%s", cr.Output.Summary)
	}
}

// Without configuration, the built-in packs apply.
func TestBuiltinPatternsApplyByDefault(t *testing.T) {
	e := newEnv(t, backends[0])
	gha := e.ghaJob(101, "build (linux)", "failure", "gha_operation_canceled.log")
	e.start()
	e.enqueue(gha)
	e.drain()
	if cr := e.checkRun(); !strings.Contains(cr.Output.Summary, "operation canceled") {
		t.Errorf("the built-in pattern did not match:\n%s", cr.Output.Summary)
	}
}

// `builtin_off` switches one built-in off for the repository (named pack/pattern), leaving the
// other packs on; another name (a pack the log does not touch) changes nothing.
func TestBuiltinOffOnePattern(t *testing.T) {
	for _, tc := range []struct {
		off     string
		matched bool
	}{{"github-actions/operation canceled", false}, {"GitHub-Actions", false}, {"docker", true}} {
		t.Run(tc.off, func(t *testing.T) {
			e := newEnv(t, backends[0])
			e.app.SetFile(owner, ".github", "totto.yml", []byte("builtin_off: [\""+tc.off+"\"]\n"))
			gha := e.ghaJob(101, "build (linux)", "failure", "gha_operation_canceled.log")
			e.start()
			e.enqueue(gha)
			e.drain()
			cr := e.checkRun()
			if got := strings.Contains(cr.Output.Summary, "operation canceled"); got != tc.matched {
				t.Errorf("builtin_off %q: built-in matched = %v, want %v:\n%s", tc.off, got, tc.matched, cr.Output.Summary)
			}
		})
	}
}
