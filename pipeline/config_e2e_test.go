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

// A .github/totto.yml with problems is reported in the check run with file and line; an invalid
// pattern keeps its last good version, and an invalid key keeps its last good value.
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

	// The same pattern, now with a broken regex, and a broken key.
	e.app.SetFile(owner, repo, ".github/totto.yml", []byte("patterns:\n  - name: docker hub anonymous pull\n    regex: '(unclosed'\n    tags: [flaky]\nbuiltin: maybe\n"))
	c.Advance(2 * time.Minute)
	e.enqueue(command(60, "maint", "/totto rescan"))
	e.drain()
	cr := e.checkRun()
	for _, want := range []string{".github/totto.yml:3", ".github/totto.yml:5"} {
		if !strings.Contains(cr.Output.Summary, want) {
			t.Errorf("check run does not locate the problem (%s):\n%s", want, cr.Output.Summary)
		}
	}
	if !strings.Contains(cr.Output.Summary, "docker hub anonymous pull") || cr.Conclusion != "success" {
		t.Errorf("the pattern's last good version no longer applies (%s):\n%s", cr.Conclusion, cr.Output.Summary)
	}
}

// A first .github/totto.yml with one invalid pattern loads its valid patterns (there is no last
// good configuration to fall back to, and one typo must not switch every pattern off), and an
// invalid key takes its default.
func TestFirstConfigWithInvalidPatternLoadsTheValidOnes(t *testing.T) {
	e := newEnv(t, backends[0])
	e.app.SetFile(owner, repo, ".github/totto.yml", []byte(`patterns:
  - name: typo
    regex: '(unclosed'
  - name: docker hub anonymous pull
    literal: "No authentication provided, using CircleCI credentials"
    tags: [flaky]
ignore: 3
`))
	e.pull()
	circle := e.circleBuild()
	e.start()
	e.enqueue(circle)
	e.drain()
	cr := e.checkRun()
	if !strings.Contains(cr.Output.Summary, "docker hub anonymous pull") || cr.Conclusion != "success" {
		t.Errorf("the valid pattern did not apply (%s):\n%s", cr.Conclusion, cr.Output.Summary)
	}
	for _, want := range []string{".github/totto.yml:3", ".github/totto.yml:7", "typo"} {
		if !strings.Contains(cr.Output.Summary, want) {
			t.Errorf("check run does not report %q:\n%s", want, cr.Output.Summary)
		}
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
