package pipeline

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/totto-ci/totto/triage"
)

// TestsConfig says how a failing test's history makes it flaky (`tests:` in .github/totto.yml).
type TestsConfig struct {
	// FlakyWindow is how far back a test's history is read (`flaky_window`, default 14d).
	FlakyWindow time.Duration
	// FlakyCommits is how many commits in the window must show the test failing and then
	// passing on the same commit (`flaky_commits`, default 2).
	FlakyCommits int
}

func defaultTestsConfig() TestsConfig {
	return TestsConfig{FlakyWindow: 14 * 24 * time.Hour, FlakyCommits: triage.DefaultFlakyTestCommits}
}

// WindowText is the window as a test's history line says it ("14 days").
func (c TestsConfig) WindowText() string {
	d := c.FlakyWindow
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d %s", d/(24*time.Hour), plural(int(d/(24*time.Hour)), "day", "days"))
	case d%time.Hour == 0:
		return fmt.Sprintf("%d %s", d/time.Hour, plural(int(d/time.Hour), "hour", "hours"))
	default:
		return d.String()
	}
}

// parseTests reads `tests: {flaky_window, flaky_commits}`.
func parseTests(v *yaml.Node, c *TestsConfig, bad problemFunc) {
	fields(v, "tests", []string{"flaky_window", "flaky_commits"}, bad, func(k, v *yaml.Node) {
		switch k.Value {
		case "flaky_window":
			if d, ok := window(v, "tests.flaky_window", bad); ok {
				c.FlakyWindow = d
			}
		case "flaky_commits":
			c.FlakyCommits = positiveInt(v, "tests.flaky_commits", triage.DefaultFlakyTestCommits, bad)
		}
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
