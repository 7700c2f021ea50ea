package patterns

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/totto-ci/totto/logs"
)

// referenceScan is the obviously-correct matcher the fast one must agree with: every pattern's
// own regexp (or bytes.Index) on every non-overwritten line, first match per pattern per line,
// matches in line order then pattern order. It ignores scopes, last_lines and caps.
func referenceScan(tb testing.TB, ps []Pattern, data []byte) []Match {
	tb.Helper()
	res := make([]*regexp.Regexp, len(ps))
	for i, p := range ps {
		if p.Kind == Regex {
			res[i] = regexp.MustCompile(p.Expr)
		}
	}
	var out []Match
	r := logs.NewReader(bytes.NewReader(data))
	for r.Next() {
		ln := r.Line()
		if ln.Overwritten {
			continue
		}
		for i, p := range ps {
			var loc []int
			if res[i] == nil {
				if j := bytes.Index(ln.Text, []byte(p.Expr)); j >= 0 {
					loc = []int{j, j + len(p.Expr)}
				}
			} else {
				loc = res[i].FindSubmatchIndex(ln.Text)
			}
			if loc == nil {
				continue
			}
			var caps []string
			for k := 2; k < len(loc); k += 2 {
				if loc[k] < 0 {
					caps = append(caps, "")
				} else {
					caps = append(caps, string(bytes.ToValidUTF8(ln.Text[loc[k]:loc[k+1]], []byte("\uFFFD"))))
				}
			}
			text, s, e := refTextAndSpan(ln.Text, loc[0], loc[1])
			out = append(out, Match{PatternID: p.ID, Pattern: p.Name, Tags: p.Tags, Priority: p.Priority,
				Line: ln.Num, Start: s, End: e, Captures: caps, Text: text, Truncated: ln.Truncated})
		}
	}
	if err := r.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// refTextAndSpan converts a line to valid UTF-8 the way ranging over a string decodes it (one
// U+FFFD per invalid byte), moving the span along.
func refTextAndSpan(line []byte, start, end int) (string, int, int) {
	var out []byte
	ns, ne := len(line), len(line)
	for i, r := range string(line) {
		if i == start {
			ns = len(out)
		}
		if i == end {
			ne = len(out)
		}
		out = utf8.AppendRune(out, r)
	}
	if start == len(line) {
		ns = len(out)
	}
	if end == len(line) {
		ne = len(out)
	}
	return string(out), ns, ne
}

// fastScan runs the matcher under test with no cap, collecting every match.
func fastScan(tb testing.TB, m *Matcher, data []byte) []Match {
	tb.Helper()
	return fastScanWith(tb, m, data, ScanOptions{})
}

// fastScanWith is fastScan with options (OnLine: the automaton that finds keywords too).
func fastScanWith(tb testing.TB, m *Matcher, data []byte, opts ScanOptions) []Match {
	tb.Helper()
	var out []Match
	opts.MaxMatchesPerPattern = 1 << 30
	_, err := m.Scan(logs.NewReader(bytes.NewReader(data)), opts, func(mt Match) error {
		out = append(out, mt)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// naiveScan runs the matcher's reference path (every applicable pattern on every line).
func naiveScan(tb testing.TB, m *Matcher, data []byte) []Match {
	tb.Helper()
	var out []Match
	if _, err := m.scan(logs.NewReader(bytes.NewReader(data)), ScanOptions{MaxMatchesPerPattern: 1 << 30}, func(mt Match) error {
		out = append(out, mt)
		return nil
	}, true); err != nil {
		tb.Fatal(err)
	}
	return out
}

// diffMatches describes the first difference between two match lists, or "".
func diffMatches(want, got []Match) string {
	for i := 0; i < len(want) || i < len(got); i++ {
		switch {
		case i >= len(got):
			return fmt.Sprintf("missing match #%d: %+v", i, want[i])
		case i >= len(want):
			return fmt.Sprintf("extra match #%d: %+v", i, got[i])
		case !reflect.DeepEqual(want[i], got[i]):
			return fmt.Sprintf("match #%d differs:\nwant %+v\ngot  %+v", i, want[i], got[i])
		}
	}
	return ""
}
