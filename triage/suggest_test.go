package triage

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/totto-ci/totto/patterns"
)

func TestSuggestPattern(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		kind     patterns.Kind
		expr     string // "" when no suggestion is expected
		alsoHits string // another line of the same shape the pattern must match
	}{
		{name: "long constant part becomes a literal", line: "worker 7: connection to 10.0.0.1:5432 refused by the database server",
			kind: patterns.Literal, expr: "refused by the database server", alsoHits: "worker 9: connection to 10.1.2.3:5433 refused by the database server"},
		{name: "short constant parts become a regex", line: "E 42 at 0xdeadbeef in /tmp/x/y",
			kind: patterns.Regex, expr: `E \d+(?:\.\d+)? at 0x[0-9a-fA-F]+ in \S+`, alsoHits: "E 7 at 0x1 in /var/a/b"},
		{name: "generic line", line: "Error: Process completed with exit code 1."},
		{name: "bare FAILED", line: "FAILED"},
		{name: "numbers only", line: "12 34"},
		{name: "secret", line: "curl -H 'Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789' failed with connection refused"},
		{name: "generic literal falls back to the shape", line: "Error: Process completed with exit code 1 in step 4 of 8 for pkg mylib",
			kind: patterns.Regex, alsoHits: "Error: Process completed with exit code 2 in step 5 of 9 for pkg mylib"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := SuggestPattern(tc.line, 0)
			if tc.kind == "" {
				if ok {
					t.Fatalf("suggested %+v for %q, want none", p, tc.line)
				}
				return
			}
			if !ok {
				t.Fatalf("no suggestion for %q", tc.line)
			}
			if p.Kind != tc.kind || (tc.expr != "" && p.Expr != tc.expr) {
				t.Fatalf("suggested %s %q, want %s %q", p.Kind, p.Expr, tc.kind, tc.expr)
			}
			if errs := patterns.Check(p).Errors(); len(errs) > 0 {
				t.Fatalf("suggestion fails validation: %v", errs)
			}
			for _, l := range []string{tc.line, tc.alsoHits} {
				hit := strings.Contains(l, p.Expr)
				if p.Kind == patterns.Regex {
					hit = regexp.MustCompile(p.Expr).MatchString(l)
				}
				if !hit {
					t.Errorf("%s %q does not match %q", p.Kind, p.Expr, l)
				}
			}
		})
	}
}

func TestSuggestClusters(t *testing.T) {
	var fails []UnexplainedFailure
	add := func(n int, line func(i int) string) {
		for i := range n {
			fails = append(fails, UnexplainedFailure{JobID: line(i) + strconv.Itoa(i), Line: line(i)})
		}
	}
	add(4, func(i int) string {
		return "dial tcp 10.0.0." + strconv.Itoa(i) + ":443: i/o timeout while pulling the base image"
	})
	add(3, func(i int) string {
		return "OOM: container used " + strconv.Itoa(100+i) + " MB of the memory limit of the runner"
	})
	add(1, func(i int) string { return "rare failure number " + strconv.Itoa(i) + " in the nightly job only" })
	add(5, func(i int) string { return "Error: exit code " + strconv.Itoa(i) })
	// The same job twice counts once.
	fails = append(fails, UnexplainedFailure{JobID: "dup", Line: "rare failure number 9 in the nightly job only"},
		UnexplainedFailure{JobID: "dup", Line: "rare failure number 8 in the nightly job only"})

	got := Suggest(fails, SuggestOptions{})
	if len(got) != 2 {
		t.Fatalf("got %d suggestions, want 2: %+v", len(got), got)
	}
	if got[0].Jobs != 4 || !strings.Contains(got[0].Pattern.Expr, "i/o timeout while pulling the base image") {
		t.Errorf("first suggestion %+v", got[0])
	}
	if got[1].Jobs != 3 || got[1].Pattern.Kind != patterns.Literal {
		t.Errorf("second suggestion %+v", got[1])
	}
	rejected := Suggest(fails, SuggestOptions{Reject: func(p patterns.Pattern) bool { return strings.Contains(p.Expr, "memory limit") }})
	if len(rejected) != 1 || rejected[0].Jobs != 4 {
		t.Errorf("with a rejecting check: %+v, want only the 4-job suggestion", rejected)
	}
}

func TestRenderOffersSuggestion(t *testing.T) {
	line := "dial tcp 10.0.0.1:443: i/o timeout while pulling the base image"
	run := failed("build")
	run.Cause = Excerpt{Ranges: [][2]int{{10, 10}}, Lines: []string{line}}
	rep := Triage(Input{Commit: Commit{Repo: "o/r", SHA: commitSHA}, Runs: []Run{run}})
	p, ok := SuggestPattern(line, 0)
	if !ok {
		t.Fatal("no suggestion")
	}
	sugg := SuggestionsFor(rep, []Suggestion{{Shape: MaskLine(line), Pattern: p, Jobs: 8}})
	out := Render(rep, RenderOptions{Suggestions: sugg, SuggestionWindow: "this week"})
	for _, want := range []string{"Seen in 7 other jobs this week", "i/o timeout while pulling the base image"} {
		if !strings.Contains(out.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, out.Summary)
		}
	}
}
