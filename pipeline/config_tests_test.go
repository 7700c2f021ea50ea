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

func TestParseRerunConfig(t *testing.T) {
	for _, tc := range []struct {
		yaml    string
		want    RerunConfig
		problem string
	}{
		{yaml: "", want: RerunConfig{MaxAttempts: 2}},
		{yaml: "rerun:\n  flaky: true\n  max_attempts: 3\n  branches: [main, \"release/*\"]\n", want: RerunConfig{Flaky: true, MaxAttempts: 3, Branches: []string{"main", "release/*"}}},
		{yaml: "rerun:\n  flaky: yes please\n", problem: "rerun.flaky must be true or false"},
		{yaml: "rerun:\n  max_attempts: 9\n", problem: "rerun.max_attempts must be at most 5"},
		{yaml: "rerun:\n  branches: main\n", problem: "rerun.branches must be a list"},
		{yaml: "rerun: true\n", problem: "rerun must be a mapping"},
	} {
		cfg, err := ParseConfig("totto.yml", []byte(tc.yaml))
		if tc.problem != "" {
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("%q: error %v, want %q", tc.yaml, err, tc.problem)
			}
			continue
		}
		if err != nil || cfg.Rerun.Flaky != tc.want.Flaky || cfg.Rerun.MaxAttempts != tc.want.MaxAttempts || strings.Join(cfg.Rerun.Branches, ",") != strings.Join(tc.want.Branches, ",") {
			t.Errorf("%q: %+v (%v), want %+v", tc.yaml, cfg.Rerun, err, tc.want)
		}
	}
}

func TestParseCommentMode(t *testing.T) {
	for yml, want := range map[string]CommentMode{"": CommentNever, "comment: always\n": CommentAlways, "comment: on-failure\n": CommentOnFailure, "comment: never\n": CommentNever} {
		cfg, err := ParseConfig("totto.yml", []byte(yml))
		if err != nil || cfg.Comment != want {
			t.Errorf("%q: %q (%v), want %q", yml, cfg.Comment, err, want)
		}
	}
	if _, err := ParseConfig("totto.yml", []byte("comment: sometimes\n")); err == nil || !strings.Contains(err.Error(), "comment must be never, on-failure or always") {
		t.Errorf("a bad mode: %v", err)
	}
}
