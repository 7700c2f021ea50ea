package patterns

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

func scanString(t *testing.T, ps []Pattern, log string, opts ScanOptions) ([]Match, ScanStats) {
	t.Helper()
	m, err := Compile(ps)
	if err != nil {
		t.Fatal(err)
	}
	var out []Match
	st, err := m.Scan(logs.NewReader(strings.NewReader(log)), opts, func(mt Match) error {
		out = append(out, mt)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, st
}

// lineNums lists "pattern@line" for compact assertions.
func lineNums(ms []Match) string {
	var b strings.Builder
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(m.Pattern)
		b.WriteByte('@')
		b.WriteString(strconv.Itoa(m.Line))
	}
	return b.String()
}

func TestScanSemantics(t *testing.T) {
	tests := []struct {
		name string
		ps   []Pattern
		log  string
		opts ScanOptions
		want string
	}{
		{"one match per pattern per line, first occurrence",
			[]Pattern{{Name: "e", Kind: Regex, Expr: `err(\d)`}}, "err1 err2\nok\nerr3\n", ScanOptions{}, "e@1 e@3"},
		{"line order then pattern order",
			[]Pattern{{Name: "b", Kind: Literal, Expr: "bb"}, {Name: "a", Kind: Literal, Expr: "aa"}},
			"aa bb\naa\n", ScanOptions{}, "b@1 a@1 a@2"},
		{"literal is case-sensitive", []Pattern{{Name: "l", Kind: Literal, Expr: "Error"}}, "error\nERROR\nError\n", ScanOptions{}, "l@3"},
		{"case-insensitive regex", []Pattern{{Name: "i", Kind: Regex, Expr: `(?i)error`}}, "error\nERROR\nErRoR\nerr\n", ScanOptions{}, "i@1 i@2 i@3"},
		{"anchors are per line", []Pattern{{Name: "a", Kind: Regex, Expr: `^done$`}}, "done\n done\ndone!\ndone", ScanOptions{}, "a@1 a@4"},
		{"job scope excludes", []Pattern{{Name: "j", Kind: Literal, Expr: "boom", Jobs: []string{"lint*"}}}, "boom\n", ScanOptions{Job: "test"}, ""},
		{"job scope admits", []Pattern{{Name: "j", Kind: Literal, Expr: "boom", Jobs: []string{"lint*"}}}, "boom\n", ScanOptions{Job: "lint-go"}, "j@1"},
		{"job glob spans slashes", []Pattern{{Name: "j", Kind: Literal, Expr: "boom", Jobs: []string{"build*"}}}, "boom\n", ScanOptions{Job: "build / linux"}, "j@1"},
		{"empty job admits all", []Pattern{{Name: "j", Kind: Literal, Expr: "boom", Jobs: []string{"lint*"}}}, "boom\n", ScanOptions{}, "j@1"},
		{"overwritten frames skipped", []Pattern{{Name: "p", Kind: Literal, Expr: "50%"}}, "50%\r100%\n50%\n", ScanOptions{}, "p@3"},
		{"overwritten frames included", []Pattern{{Name: "p", Kind: Literal, Expr: "50%"}}, "50%\r100%\n50%\n", ScanOptions{IncludeOverwritten: true}, "p@1 p@3"},
		{"cap per pattern", []Pattern{{Name: "x", Kind: Literal, Expr: "xx"}, {Name: "y", Kind: Literal, Expr: "yy"}},
			"xx\nxx yy\nxx\n", ScanOptions{MaxMatchesPerPattern: 2}, "x@1 x@2 y@2"},
		{"last_lines window at the end", []Pattern{{Name: "t", Kind: Literal, Expr: "tail", LastLines: 2}, {Name: "w", Kind: Literal, Expr: "whole"}},
			"tail whole\ntail\ntail whole\nend\n", ScanOptions{}, "w@1 w@3 t@3"},
		{"empty-able regex matches every line", []Pattern{{Name: "e", Kind: Regex, Expr: `z*`}}, "a\n\nb\n", ScanOptions{}, "e@1 e@2 e@3"},
		{"never-matching regex", []Pattern{{Name: "n", Kind: Regex, Expr: `a\bb`}}, "ab\na b\n", ScanOptions{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := scanString(t, tt.ps, tt.log, tt.opts)
			if s := lineNums(got); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
			if st.Matches != len(got) {
				t.Errorf("stats count %d matches, %d emitted", st.Matches, len(got))
			}
		})
	}
}

func TestScanStepScope(t *testing.T) {
	// The provisional reader names no steps; scope checks run on the block's step, so drive a
	// scan directly with lines carrying steps.
	m, err := Compile([]Pattern{{Name: "s", Kind: Literal, Expr: "boom", Steps: []string{"Run tests*"}}})
	if err != nil {
		t.Fatal(err)
	}
	c := &m.pats[0]
	for step, want := range map[string]bool{"": true, "Run tests (shard 1)": true, "Run tests / linux": true, "Set up job": false} {
		if got := c.appliesToStep(step); got != want {
			t.Errorf("step %q: applies = %v, want %v", step, got, want)
		}
	}
}

func TestScanReportsMatchDetails(t *testing.T) {
	ps := []Pattern{{ID: 7, Name: "oom", Kind: Regex, Expr: `(\w+) out of memory`, Tags: []string{TagFlaky}, Priority: 3}}
	log := "x\nCUDA out of memory. end\n"
	got, st := scanString(t, ps, log, ScanOptions{})
	if len(got) != 1 {
		t.Fatalf("got %d matches, want 1", len(got))
	}
	g := got[0]
	if g.PatternID != 7 || g.Line != 2 || g.Start != 0 || g.End != 18 || g.Priority != 3 || len(g.Captures) != 1 || g.Captures[0] != "CUDA" || g.Tags[0] != TagFlaky {
		t.Errorf("unexpected match %+v", g)
	}
	if g.Text != "CUDA out of memory. end" {
		t.Errorf("text %q is not the line", g.Text)
	}
	if st.Lines != 2 || st.Matches != 1 || st.Bytes != int64(len(log)) {
		t.Errorf("stats %+v", st)
	}
}

func TestTextAndSpanRepairsUTF8(t *testing.T) {
	tests := []struct {
		line       string
		start, end int
		want       string
		ws, we     int
	}{
		{"plain", 1, 3, "plain", 1, 3},
		{"a\xffb", 2, 3, "a\uFFFDb", 4, 5},
		{"\xff\xfeab", 0, 4, "\uFFFD\uFFFDab", 0, 8},
		{"é\xff", 0, 3, "é\uFFFD", 0, 5},
	}
	for _, tt := range tests {
		got, s, e := textAndSpan([]byte(tt.line), tt.start, tt.end)
		if got != tt.want || s != tt.ws || e != tt.we {
			t.Errorf("textAndSpan(%q,%d,%d) = %q,%d,%d; want %q,%d,%d", tt.line, tt.start, tt.end, got, s, e, tt.want, tt.ws, tt.we)
		}
		rs, rsS, rsE := refTextAndSpan([]byte(tt.line), tt.start, tt.end)
		if rs != got || rsS != s || rsE != e {
			t.Errorf("reference disagrees on %q", tt.line)
		}
	}
}

func TestScanMarksTruncatedLines(t *testing.T) {
	long := strings.Repeat("a", logs.DefaultMaxLine) + "needle"
	got, _ := scanString(t, []Pattern{{Name: "a", Kind: Literal, Expr: "aaaa"}, {Name: "n", Kind: Literal, Expr: "needle"}}, long+"\n", ScanOptions{})
	if len(got) != 1 || got[0].Pattern != "a" || !got[0].Truncated {
		t.Errorf("want one truncated match of a, got %+v", lineNums(got))
	}
}

func TestScanStopsOnEmitError(t *testing.T) {
	m, err := Compile([]Pattern{{Name: "x", Kind: Literal, Expr: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("store down")
	calls := 0
	_, err = m.Scan(logs.NewReader(strings.NewReader("x\nx\nx\n")), ScanOptions{}, func(Match) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err = %v after %d calls; want the emit error after 1 call", err, calls)
	}
}

func TestCompileNamesBadPattern(t *testing.T) {
	tests := []struct {
		p    Pattern
		want string
	}{
		{Pattern{Name: "broken", Kind: Regex, Expr: `(unclosed`}, `"broken"`},
		{Pattern{Name: "glob", Kind: Literal, Expr: "x", Jobs: []string{"[a"}}, `"glob"`},
		{Pattern{Name: "empty", Kind: Literal, Expr: ""}, `"empty"`},
		{Pattern{Name: "kind", Kind: "glob", Expr: "x"}, `"kind"`},
	}
	for _, tt := range tests {
		_, err := Compile([]Pattern{{Name: "fine", Kind: Literal, Expr: "ok"}, tt.p})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to name %s", tt.p.Name, err, tt.want)
		}
	}
}

func TestScanBlocksAgreeWithReference(t *testing.T) {
	// Many lines so the scan crosses several blocks, with matches straddling block boundaries.
	var b bytes.Buffer
	for i := 0; i < 20000; i++ {
		switch i % 7 {
		case 0:
			b.WriteString("Traceback (most recent call last):\n")
		case 3:
			b.WriteString("INFO step took 123 ms, ERROR none; colour warnings\n")
		default:
			b.WriteString("plain progress line with some words and numbers 2024-01-02\n")
		}
	}
	ps := append(slices.Clone(adversarialPatterns), everyLinePatterns...)
	m, err := Compile(ps)
	if err != nil {
		t.Fatal(err)
	}
	want := referenceScan(t, ps, b.Bytes())
	if d := diffMatches(want, fastScan(t, m, b.Bytes())); d != "" {
		t.Fatal(d)
	}
}

func TestScanConcurrentlySharesMatcher(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		b.WriteString("line with ERROR and colour and Traceback (most recent call last)\n")
	}
	log := b.String()
	m, err := Compile(adversarialPatterns)
	if err != nil {
		t.Fatal(err)
	}
	want := fastScan(t, m, []byte(log))
	errs := make(chan string, 4)
	for g := 0; g < 4; g++ {
		go func() {
			var got []Match
			_, err := m.Scan(logs.NewReader(strings.NewReader(log)), ScanOptions{MaxMatchesPerPattern: 1 << 30}, func(mt Match) error {
				got = append(got, mt)
				return nil
			})
			if err != nil {
				errs <- err.Error()
				return
			}
			errs <- diffMatches(want, got)
		}()
	}
	for g := 0; g < 4; g++ {
		if d := <-errs; d != "" {
			t.Error(d)
		}
	}
}

func TestScanOnLineSeesEveryLine(t *testing.T) {
	m, err := Compile([]Pattern{{Name: "x", Kind: Literal, Expr: "xx"}})
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	_, err = m.Scan(logs.NewReader(strings.NewReader("a\rb\nxx\n")), ScanOptions{OnLine: func(l logs.Line) { seen = append(seen, l.Num) }},
		func(Match) error { return nil })
	if err != nil || !slices.Equal(seen, []int{1, 2, 3}) {
		t.Errorf("OnLine saw %v (err %v), want lines 1, 2, 3 (progress frames included)", seen, err)
	}
}

func TestScanCountsDroppedMatches(t *testing.T) {
	ps := []Pattern{{Name: "x", Kind: Literal, Expr: "xx"}, {Name: "t", Kind: Literal, Expr: "xx", LastLines: 10}}
	got, st := scanString(t, ps, strings.Repeat("xx\n", 5), ScanOptions{MaxMatchesPerPattern: 2})
	if len(got) != 4 || st.Matches != 4 || st.Dropped != 6 || st.Lines != 5 {
		t.Errorf("got %d matches, stats %+v; want 4 kept (2 per pattern), 6 dropped, 5 lines", len(got), st)
	}
}
