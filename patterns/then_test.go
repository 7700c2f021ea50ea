package patterns

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

func TestParseThen(t *testing.T) {
	data := "patterns:\n" +
		"  - name: timeout under test\n" +
		"    regex: '^FAIL: (\\w+)'\n" +
		"    then: {literal: 'context deadline exceeded', within: 5}\n" +
		"    tags: [flaky]\n"
	ps, err := Parse("m.yml", []byte(data))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := &Then{Kind: Literal, Expr: "context deadline exceeded", Within: 5}
	if len(ps) != 1 || !reflect.DeepEqual(ps[0].Then, want) {
		t.Fatalf("Parse = %+v, want then %+v", ps, want)
	}
	out, err := Marshal(ps)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "then: {literal: context deadline exceeded, within: 5}") {
		t.Errorf("Marshal wrote then as:\n%s", out)
	}
	again, err := Parse("m.yml", out)
	if err != nil || !reflect.DeepEqual(again[0].Then, want) {
		t.Errorf("round trip = %+v, %v", again, err)
	}
}

func TestParseThenProblems(t *testing.T) {
	for _, tc := range []struct {
		name, then string
		line       int
		want       string
	}{
		{"not a mapping", "then: 'Caused by'", 4, "`then` must be a mapping"},
		{"no window", "then: {literal: Caused by}", 4, "`within` must be a number of lines from 1 to 1000"},
		{"window too wide", "then: {literal: Caused by, within: 5000}", 4, "got 5000"},
		{"negative window", "then: {literal: Caused by, within: -1}", 4, "got -1"},
		{"window not a number", "then: {literal: Caused by, within: five}", 4, "`within` must be an integer"},
		{"no expression", "then: {within: 3}", 4, "needs exactly one of `regex` or `literal`"},
		{"both kinds", "then: {literal: a, regex: b, within: 3}", 4, "has both `regex` and `literal`"},
		{"unknown field", "then: {literal: abc, within: 3, lines: 4}", 4, "unknown field `then.lines`"},
		{"bad regex", "then: {regex: 'a(', within: 3}", 4, "then: `regex`: bad regex"},
		{"empty", "then: {literal: '', within: 3}", 4, "then: `literal`: empty expression"},
		{"line break", "then: {literal: \"a\\nb\", within: 3}", 4, "contains a line break"},
		{"twice", "then: {literal: abc, literal: abd, within: 3}", 4, "`then.literal` given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := "patterns:\n  - name: p\n    literal: first line\n    " + tc.then + "\n"
			ps, err := Parse("m.yml", []byte(data))
			var probs Problems
			if !errors.As(err, &probs) || len(probs.Errors()) == 0 {
				t.Fatalf("Parse = %+v, %v; want an error", ps, err)
			}
			if len(ps) != 0 {
				t.Errorf("an invalid pattern loaded: %+v", ps)
			}
			got := probs.Errors()[0]
			if got.Line != tc.line || got.Pattern != "p" || !strings.Contains(got.Msg, tc.want) {
				t.Errorf("problem = %s, want line %d mentioning %q", got, tc.line, tc.want)
			}
		})
	}
}

func TestCheckThen(t *testing.T) {
	p := Pattern{Name: "p", Kind: Literal, Expr: "first", Then: &Then{Kind: Regex, Expr: "x(", Within: 2}}
	errs := Check(p).Errors()
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Msg, "then: `regex`: bad regex") {
		t.Errorf("Check = %v, want one error on then's regex", errs)
	}
	p.Then = &Then{Kind: Literal, Expr: "Caused by", Within: 3}
	if errs := Check(p).Errors(); len(errs) != 0 {
		t.Errorf("Check of a valid multi-line pattern = %v", errs)
	}
}

// thenReference is the obviously-correct meaning of a multi-line pattern: a first-expression
// line L matches when some line M, L < M ≤ L+within, matches the second expression.
func thenReference(tb testing.TB, p Pattern, data []byte) []Match {
	tb.Helper()
	first := referenceScan(tb, []Pattern{{ID: p.ID, Name: p.Name, Kind: p.Kind, Expr: p.Expr, Tags: p.Tags}}, data)
	second := referenceScan(tb, []Pattern{{Name: "then", Kind: p.Then.Kind, Expr: p.Then.Expr}}, data)
	var out []Match
	for _, m := range first {
		for _, s := range second {
			if s.Line > m.Line && s.Line-m.Line <= p.Then.Within {
				m.ThenLine = s.Line
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// byLine orders a scan's matches by line (a multi-line match is emitted when its second line is read).
func byLine(ms []Match) []Match {
	out := append([]Match(nil), ms...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Line < out[j-1].Line; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func TestMatcherThen(t *testing.T) {
	filler := strings.Repeat("ordinary output of a build step\n", 3000) // > one 64 KiB block
	for _, tc := range []struct {
		name  string
		log   string
		then  Then
		lines [][2]int // (first line, second line) of each expected match
	}{
		{"answered next line", "FAIL: a\nCaused by: timeout\n", Then{Literal, "Caused by", 1}, [][2]int{{1, 2}}},
		{"answered at the window's edge", "FAIL: a\nx\nx\nCaused by: timeout\n", Then{Literal, "Caused by", 3}, [][2]int{{1, 4}}},
		{"beyond the window", "FAIL: a\nx\nx\nx\nCaused by: timeout\n", Then{Literal, "Caused by", 3}, nil},
		{"second before first", "Caused by: timeout\nFAIL: a\n", Then{Literal, "Caused by", 5}, nil},
		{"same line does not answer itself", "FAIL: a Caused by: x\n", Then{Literal, "Caused by", 5}, nil},
		{"same line answers an earlier one", "FAIL: a\nFAIL: b Caused by: x\n", Then{Literal, "Caused by", 5}, [][2]int{{1, 2}}},
		{"one answer settles every waiting line", "FAIL: a\nFAIL: b\nCaused by\n", Then{Literal, "Caused by", 5}, [][2]int{{1, 3}, {2, 3}}},
		{"regex second expression", "FAIL: a\nerror code 137\n", Then{Regex, `code \d+$`, 2}, [][2]int{{1, 2}}},
		{"window spans a block boundary", "FAIL: a\n" + filler + "Caused by\n", Then{Literal, "Caused by", 3001}, [][2]int{{1, 3002}}},
		{"window ends before the block boundary", "FAIL: a\n" + filler + "Caused by\n", Then{Literal, "Caused by", 3000}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Pattern{ID: 7, Name: "multi", Kind: Regex, Expr: `^FAIL: (\w+)`, Then: &tc.then}
			m, err := Compile([]Pattern{p, {ID: 8, Name: "single", Kind: Literal, Expr: "Caused by"}})
			if err != nil {
				t.Fatal(err)
			}
			var got [][2]int
			for _, mt := range fastScan(t, m, []byte(tc.log)) {
				if mt.PatternID == 7 {
					got = append(got, [2]int{mt.Line, mt.ThenLine})
				}
			}
			if !reflect.DeepEqual(got, tc.lines) {
				t.Errorf("matches (first, second line) = %v, want %v", got, tc.lines)
			}
			one, _ := Compile([]Pattern{p})
			if d := diffMatches(thenReference(t, p, []byte(tc.log)), byLine(fastScan(t, one, []byte(tc.log)))); d != "" {
				t.Errorf("differs from the reference: %s", d)
			}
		})
	}
}

func TestMatcherThenScopesAndWindows(t *testing.T) {
	log := "##[group]Run make build\nFAIL: a\n##[endgroup]\n##[group]Run make test\nCaused by\nFAIL: b\nCaused by\n##[endgroup]\n"
	scan := func(p Pattern, job string) []int {
		m, err := Compile([]Pattern{p})
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		if _, err := m.Scan(logs.NewReader(strings.NewReader(log)), ScanOptions{Job: job}, func(mt Match) error {
			lines = append(lines, mt.Line)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return lines
	}
	base := Pattern{ID: 1, Name: "p", Kind: Literal, Expr: "FAIL:", Then: &Then{Kind: Literal, Expr: "Caused by", Within: 10}}
	all := scan(base, "")
	if len(all) != 2 {
		t.Fatalf("unscoped: matches on lines %v, want two", all)
	}
	stepped := base
	stepped.Steps = []string{"Run make test"}
	if got := scan(stepped, ""); len(got) != 1 || got[0] != all[1] {
		t.Errorf("step scope: matches on lines %v, want only the test step's first line %d", got, all[1])
	}
	jobbed := base
	jobbed.Jobs = []string{"lint"}
	if got := scan(jobbed, "unit"); len(got) != 0 {
		t.Errorf("job scope excluding the job: matches on lines %v", got)
	}
	last := base
	last.LastLines = 3
	if got := scan(last, ""); len(got) != 1 || got[0] != all[1] {
		t.Errorf("last_lines 3: matches on lines %v, want only %d", got, all[1])
	}
}

func TestMatcherThenCapAndMemory(t *testing.T) {
	// Every line is a first line that is never answered: waiting lines are bounded by the window.
	log := bytes.Repeat([]byte("FAIL: x\n"), 20000)
	p := Pattern{ID: 1, Name: "p", Kind: Literal, Expr: "FAIL", Then: &Then{Kind: Literal, Expr: "never printed", Within: 4}}
	m, err := Compile([]Pattern{p})
	if err != nil {
		t.Fatal(err)
	}
	s := &scan{m: m, waiting: make([][]Match, len(m.pats))}
	for i := 1; i <= 20000; i++ {
		s.await(0, Match{Line: i})
		if n := len(s.waiting[0]); n > 5 {
			t.Fatalf("after line %d, %d first lines wait, want at most within+1 = 5", i, n)
		}
	}
	if got := fastScan(t, m, log); len(got) != 0 {
		t.Errorf("%d matches of an unanswered multi-line pattern", len(got))
	}
	// Answered on every other line, the per-pattern cap still applies.
	log = bytes.Repeat([]byte("FAIL: x\nnever printed\n"), 3000)
	var n int
	st, err := m.Scan(logs.NewReader(bytes.NewReader(log)), ScanOptions{MaxMatchesPerPattern: 10}, func(Match) error { n++; return nil })
	if err != nil || n != 10 || st.Dropped != 2990 {
		t.Errorf("capped scan: %d emitted, %d dropped, %v; want 10 and 2990", n, st.Dropped, err)
	}
}

// FuzzMatcherThen: the one-pass multi-line matcher agrees with the reference on any log.
func FuzzMatcherThen(f *testing.F) {
	f.Add([]byte("a\nb\n\nab\nba\n"), uint8(1))
	f.Add([]byte("a\r\nb\n\x1b[31mb\x1b[0m\na\n\n\nb"), uint8(3))
	f.Add([]byte("aaa\nbbb\raaa\nb\n"), uint8(2))
	f.Fuzz(func(t *testing.T, log []byte, within uint8) {
		p := Pattern{ID: 1, Name: "p", Kind: Literal, Expr: "a", Then: &Then{Kind: Regex, Expr: "b$", Within: 1 + int(within)%8}}
		data := bytes.Repeat(append(log, '\n'), 1+(3<<10)/(len(log)+1))
		m, err := Compile([]Pattern{p})
		if err != nil {
			t.Fatal(err)
		}
		want := thenReference(t, p, data)
		if d := diffMatches(want, byLine(fastScan(t, m, data))); d != "" {
			t.Fatalf("within %d: %s", p.Then.Within, d)
		}
		if d := diffMatches(want, byLine(naiveScan(t, m, data))); d != "" {
			t.Fatalf("naive, within %d: %s", p.Then.Within, d)
		}
	})
}
