package cause

import (
	"testing"

	"github.com/totto-ci/totto/logs"
)

// TestScorerWithoutFallsThrough checks that a switched-off rule lets its line fall to the next rule
// that matches it, and that other lines score as with the whole table.
func TestScorerWithoutFallsThrough(t *testing.T) {
	score := scorerWithout([]string{"go-test-fail", "no-such-rule"})
	for _, tt := range []struct{ line, whole, without string }{
		{"--- FAIL: TestParse (0.00s)", "go-test-fail", "fail-word"},
		{"    parse_test.go:42: got 3, want 4", "go-test-assert", "go-test-assert"},
		{"all good", "none", "none"},
	} {
		_, _, i := scoreRule([]byte(tt.line))
		if got := ruleName(i); got != tt.whole {
			t.Errorf("whole table: %q met %q, want %q", tt.line, got, tt.whole)
		}
		_, _, j := score([]byte(tt.line), nil)
		if got := ruleName(j); got != tt.without {
			t.Errorf("without go-test-fail: %q met %q, want %q", tt.line, got, tt.without)
		}
	}
}

// TestFinderWithoutRules checks that Options.WithoutRules changes what the Finder picks, and only
// when set: a Go test header loses to an unrelated later line once its rule is off.
func TestFinderWithoutRules(t *testing.T) {
	text := []string{"=== RUN   TestParse", "--- FAIL: TestParse (0.00s)", "FAIL", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "cleanup: could not remove cache", "done"}
	cause := func(without []string) int {
		f := NewFinder(Options{WithoutRules: without})
		for i, s := range text {
			f.Add(logs.Line{Num: i + 1, Text: []byte(s)})
		}
		return f.Excerpt().Cause
	}
	if got := cause(nil); got != 2 {
		t.Fatalf("whole table: cause line %d, want 2 (the test header)", got)
	}
	if got := cause([]string{"go-test-fail"}); got != 34 {
		t.Fatalf("without go-test-fail: cause line %d, want 34 (the later could-not line)", got)
	}
	if got := RuleOf([]byte("2024-05-01T10:00:00.1234567Z --- FAIL: TestParse (0.00s)")); got != "go-test-fail" {
		t.Errorf("RuleOf: %q, want go-test-fail", got)
	}
	if n := RuleNames(); len(n) != len(rules) || n[0] != rules[0].name {
		t.Errorf("RuleNames: %d names, want %d in table order", len(n), len(rules))
	}
}
