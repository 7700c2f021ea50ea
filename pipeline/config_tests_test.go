package pipeline

import (
	"strings"
	"testing"
	"time"
)

func TestParseTestsConfig(t *testing.T) {
	for _, tc := range []struct {
		yaml    string
		want    TestsConfig
		text    string
		problem string
	}{
		{yaml: "", want: TestsConfig{FlakyWindow: 14 * 24 * time.Hour, FlakyCommits: 2}, text: "14 days"},
		{yaml: "tests:\n  flaky_window: 36h\n  flaky_commits: 3\n", want: TestsConfig{FlakyWindow: 36 * time.Hour, FlakyCommits: 3}, text: "36 hours"},
		{yaml: "tests:\n  flaky_window: 1d\n", want: TestsConfig{FlakyWindow: 24 * time.Hour, FlakyCommits: 2}, text: "1 day"},
		{yaml: "tests:\n  flaky_window: forever\n", problem: "totto.yml:2: tests.flaky_window must be a period"},
		{yaml: "tests:\n  flaky_commits: 0\n", problem: "totto.yml:2: tests.flaky_commits must be a whole number of at least 1"},
		{yaml: "tests:\n  flaky: true\n", problem: `unknown key "flaky" under tests`},
	} {
		cfg, err := ParseConfig("totto.yml", []byte(tc.yaml))
		if tc.problem != "" {
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("%q: error %v, want %q", tc.yaml, err, tc.problem)
			}
			continue
		}
		if err != nil || cfg.Tests != tc.want || cfg.Tests.WindowText() != tc.text || cfg.triageConfig().FlakyTestCommits != tc.want.FlakyCommits {
			t.Errorf("%q: %+v %q (%v), want %+v %q", tc.yaml, cfg.Tests, cfg.Tests.WindowText(), err, tc.want, tc.text)
		}
	}
}
