package builtin

import (
	"slices"
	"sort"
	"testing"
)

// TestExamples checks every example line against the whole built-in set: a positive example
// must be matched by its pattern and by nothing but the listed others, a near miss by none of
// them but the listed others.
func TestExamples(t *testing.T) {
	m := compileAll(t)
	for _, ex := range examples {
		want := append([]string(nil), ex.also...)
		if ex.match {
			want = append(want, ex.pattern)
		}
		sort.Strings(want)
		got := scanLine(t, m, ex.line)
		if !slices.Equal(got, want) {
			kind := "near miss"
			if ex.match {
				kind = "example"
			}
			t.Errorf("%s of %q:\n\tline %q\n\tmatched by %q, want %q", kind, ex.pattern, ex.line, got, want)
		}
	}
}

// TestEveryPatternHasExamples requires at least one positive example and one near miss per
// built-in pattern, so that no pattern ships untested against a real-looking line.
func TestEveryPatternHasExamples(t *testing.T) {
	pos, neg := map[string]int{}, map[string]int{}
	names := map[string]bool{}
	for _, p := range All() {
		names[p.Name] = true
	}
	for _, ex := range examples {
		if !names[ex.pattern] {
			t.Errorf("example for unknown pattern %q", ex.pattern)
		}
		for _, a := range ex.also {
			if !names[a] {
				t.Errorf("example of %q lists unknown pattern %q", ex.pattern, a)
			}
		}
		if ex.match {
			pos[ex.pattern]++
		} else {
			neg[ex.pattern]++
		}
	}
	for n := range names {
		if pos[n] == 0 {
			t.Errorf("pattern %q has no positive example line", n)
		}
		if neg[n] == 0 {
			t.Errorf("pattern %q has no near-miss example line", n)
		}
	}
}
