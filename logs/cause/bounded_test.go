package cause

import (
	"fmt"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// TestFinderStateIsBounded feeds 2 million lines, many of them candidates, and checks that the
// lines the Finder retains never exceed the bound its options imply, so a 1 GB log cannot
// exhaust memory.
func TestFinderStateIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("2 M lines; skipped in -short")
	}
	opts := Options{Budget: 10, MaxCandidates: 64}.withDefaults()
	f := NewFinder(opts)
	// Each candidate holds at most Context lines before (Context+Budget for a step end), itself
	// and Context after; the tail window holds Context+Budget lines.
	perCand := 2*opts.Context + opts.Budget + 1
	bound := (opts.MaxCandidates+1)*perCand + opts.Context + opts.Budget
	// One line in 25 is a candidate (real logs have far fewer); the others are plain output.
	lines := []string{
		"compiling module", "linking", "running tests", "ok  \tgithub.com/acme/a\t0.01s",
		"error: cannot open file foo.h",
		"--- FAIL: TestThing (0.01s)",
		"assert failed: expected 3",
		"The command \"make\" exited with 2.",
		"",
		"FAILED tests/test_a.py::test_b - AssertionError",
	}
	const n = 2_000_000
	maxSeen := 0
	for i := 1; i <= n; i++ {
		text := lines[0]
		if i%25 == 0 {
			text = lines[(i/25)%len(lines)]
		}
		if i%7 == 0 {
			text = fmt.Sprintf("%s %d", text, i) // distinct lines, as in real logs
		}
		f.Add(logs.Line{Num: i, Text: []byte(text)})
		if i%1000 == 0 {
			r := f.retained()
			if r > maxSeen {
				maxSeen = r
			}
			if r > bound {
				t.Fatalf("after %d lines the Finder retains %d lines, bound %d", i, r, bound)
			}
			if len(f.cands) > opts.MaxCandidates || len(f.open) > opts.MaxCandidates {
				t.Fatalf("after %d lines: %d candidates, %d open; max %d", i, len(f.cands), len(f.open), opts.MaxCandidates)
			}
		}
	}
	if maxSeen == 0 {
		t.Fatal("no lines retained at all")
	}
	ex := f.Excerpt()
	if ex.EndLine() > n || ex.StartLine() < 1 {
		t.Fatalf("excerpt %v out of 1..%d", ex.Ranges, n)
	}
	t.Logf("max retained lines %d (bound %d) over %d lines", maxSeen, bound, n)
}
