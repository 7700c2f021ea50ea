package triage

import "testing"

// Job names as retriage commands and repository configuration name them.
func TestMatchJobGlobJobNames(t *testing.T) {
	cases := []struct {
		glob, name string
		want       bool
	}{
		{"build (*", "build (linux)", true},
		{"lint", "lint", true},
		{"lint", "lint-go", false},
		{"*/test", "ci/circleci/test", true},
		{"te?t", "test", true},
		{"Build (*", "build (Linux)", true},
		{"", "x", false},
	}
	for _, c := range cases {
		if got := MatchJobGlob(c.glob, c.name); got != c.want {
			t.Errorf("MatchJobGlob(%q, %q) = %v, want %v", c.glob, c.name, got, c.want)
		}
	}
}
