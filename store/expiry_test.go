package store

import (
	"testing"
	"time"
)

func TestKnownBrokenExpiry(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	run := func(min int, sha, name string, attempt int, concl string) BranchJobRun {
		return BranchJobRun{SHA: sha, Name: name, Attempt: attempt, Conclusion: concl, At: t0.Add(time.Duration(min) * time.Minute)}
	}
	tests := []struct {
		name   string
		glob   string
		hist   []BranchJobRun
		passes int
		want   string
		ok     bool
	}{
		{"no history", "lint", nil, 3, "", false},
		{"three passes", "lint", []BranchJobRun{run(1, "a", "lint", 1, "failure"), run(2, "b", "lint", 1, "success"), run(3, "c", "lint", 1, "success"), run(4, "d", "lint", 1, "success")}, 3, "b", true},
		{"input order does not matter", "lint", []BranchJobRun{run(4, "d", "lint", 1, "success"), run(2, "b", "lint", 1, "success"), run(1, "a", "lint", 1, "failure"), run(3, "c", "lint", 1, "success")}, 3, "b", true},
		{"two passes are not enough", "lint", []BranchJobRun{run(1, "a", "lint", 1, "failure"), run(2, "b", "lint", 1, "success"), run(3, "c", "lint", 1, "success")}, 3, "", false},
		{"a failure breaks the streak", "lint", []BranchJobRun{run(1, "b", "lint", 1, "success"), run(2, "c", "lint", 1, "success"), run(3, "d", "lint", 1, "failure"), run(4, "e", "lint", 1, "success")}, 3, "", false},
		{"latest attempt decides", "lint", []BranchJobRun{run(1, "b", "lint", 1, "failure"), run(2, "b", "lint", 2, "success"), run(3, "c", "lint", 1, "success")}, 2, "b", true},
		{"every matching job must pass", "lint*", []BranchJobRun{run(1, "b", "lint", 1, "success"), run(1, "b", "lint-go", 1, "failure"), run(2, "c", "lint", 1, "success")}, 2, "", false},
		{"other jobs are ignored", "lint", []BranchJobRun{run(1, "b", "lint", 1, "success"), run(1, "b", "test", 1, "failure"), run(2, "c", "lint", 1, "success")}, 2, "b", true},
		{"default passes is 3", "lint", []BranchJobRun{run(2, "b", "lint", 1, "success"), run(3, "c", "lint", 1, "success")}, 0, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := KnownBrokenExpiry(tc.glob, tc.hist, tc.passes)
			if got != tc.want || ok != tc.ok {
				t.Errorf("KnownBrokenExpiry = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
