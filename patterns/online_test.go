package patterns

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/keywords"
	"github.com/totto-ci/totto/logs"
)

// onLineFamily is a line classifier's literal family, registered before the shared scanner is
// built, as the likely-cause rules and the test extractor register theirs.
var onLineFamily = keywords.Register([][]string{
	{"error"}, {"FAIL", "FAILED"}, {"arn"}, {"✓"}, {"Tests run: "}, {"nexpected token"}, {"x"}, {"E"},
})

// The keywords OnLine receives, found by the matcher's own literal pass over each block, answer
// what the family answers scanning each line alone: for the whole line, the head the likely-cause
// rules read, and other limits; on lines longer than that head with literals across it, progress
// frames (kept aside, and scanned when IncludeOverwritten asks), many blocks, and a run of empty
// lines long enough to fill the queue between two blocks.
func TestOnLineKeywordsAsEachLineAlone(t *testing.T) {
	var sb strings.Builder
	words := []string{"error", "FAIL", "FAILED", "warning", "✓", "Tests run: 3", "unexpected token", "x", "E", "ERROR", "Fail", " ", "::", "é"}
	for i := range 6000 {
		for j := range i % 23 {
			sb.WriteString(words[(i*7+j*3)%len(words)])
		}
		switch {
		case i%97 == 0:
			// A line longer than the head, with literals before, across and after its end.
			sb.WriteString(strings.Repeat("a", keywords.HeadLimit-len("unexpected")))
			sb.WriteString("unexpected token error FAIL" + strings.Repeat("y", 300) + "arn")
		case i%41 == 0:
			sb.WriteString("progress 10% error\rprogress 20% FAIL\r")
		}
		sb.WriteString("\n")
	}
	sb.WriteString(strings.Repeat("\n", maxQueuedLines+10))
	sb.WriteString("last line: FAILED\n")
	log := sb.String()

	m, err := Compile([]Pattern{{ID: 1, Name: "fail", Kind: Regex, Expr: `FAIL(ED)?`}, {ID: 2, Name: "tests", Kind: Literal, Expr: "Tests run:"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, overwritten := range []bool{false, true} {
		t.Run(fmt.Sprintf("IncludeOverwritten=%v", overwritten), func(t *testing.T) {
			var want []string
			r := logs.NewReader(strings.NewReader(log))
			for r.Next() {
				want = append(want, string(r.Line().Text))
			}
			n, withMemo := 0, 0
			opts := ScanOptions{IncludeOverwritten: overwritten, OnLine: func(l logs.Line) {
				if n >= len(want) || string(l.Text) != want[n] || l.Num != n+1 {
					t.Fatalf("OnLine call %d: line %d %q, want line %d %q", n+1, l.Num, l.Text, n+1, want[n])
				}
				n++
				if l.Overwritten && !overwritten {
					return // kept aside: consumers skip progress frames
				}
				if l.Keywords == nil {
					t.Fatalf("line %d: no keywords memo", l.Num)
				}
				withMemo++
				for _, limit := range []int{-1, keywords.HeadLimit, 5, len(l.Text) / 2} {
					alone := l.Text
					if limit >= 0 && limit < len(l.Text) {
						alone = l.Text[:limit]
					}
					if got, want := onLineFamily.ScanLine(l.Keywords, l.Text, limit), onLineFamily.Scan(alone); got != want {
						t.Fatalf("line %d, limit %d: memo says %b, the line alone %b (%.80q)", l.Num, limit, got, want, l.Text)
					}
				}
			}}
			stats, err := m.Scan(logs.NewReader(strings.NewReader(log)), opts, func(Match) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want) || stats.Lines != len(want) {
				t.Fatalf("OnLine saw %d lines, the scan counted %d, the reader gives %d", n, stats.Lines, len(want))
			}
			if withMemo < len(want)/2 {
				t.Fatalf("only %d of %d lines checked", withMemo, len(want))
			}
		})
	}
}

// Matches do not depend on whether OnLine is set: the automaton with the keywords added reports
// the patterns' literals as the plain one does.
func TestOnLineLeavesMatchesAlone(t *testing.T) {
	ps := []Pattern{
		{ID: 1, Name: "fail", Kind: Regex, Expr: `FAIL(ED)?`},
		{ID: 2, Name: "err", Kind: Regex, Expr: `(?i)error: \w+`},
		{ID: 3, Name: "arn", Kind: Literal, Expr: "warning"},
	}
	m, err := Compile(ps)
	if err != nil {
		t.Fatal(err)
	}
	log := strings.Repeat("ok\nError: disk full\nwarning: x\nFAILED test_a\nnothing here\n", 3000)
	collect := func(opts ScanOptions) string {
		var b bytes.Buffer
		if _, err := m.Scan(logs.NewReader(strings.NewReader(log)), opts, func(mt Match) error {
			fmt.Fprintf(&b, "%d:%s:%d-%d\n", mt.Line, mt.Pattern, mt.Start, mt.End)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	plain := collect(ScanOptions{})
	if with := collect(ScanOptions{OnLine: func(logs.Line) {}}); with != plain || plain == "" {
		t.Fatalf("matches differ with OnLine set (%d bytes against %d)", len(with), len(plain))
	}
}
