package patterns

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/totto-ci/totto/logs"
)

// fuzzAtoms and fuzzOps make up the small grammar fuzzed patterns are drawn from: pieces that
// stress literal extraction (case folding, classes, optional and repeated parts, anchors,
// non-ASCII text, the Kelvin sign that (?i)k also matches).
var (
	fuzzAtoms = []string{"ab", "Err", "err", "é", "K", "\u212a", "x", ":", " ", "[ab]", "[Ee]", `\d`, `\w`, ".", "(?i:ok)", "^", "$", `\b`, "[é-ë]", "\uFFFD"}
	fuzzOps   = []string{"", "", "", "?", "*", "+", "{2}", "{1,3}"}
)

// fuzzPattern builds a regex from bytes: each byte picks an atom and an operator; 0xff starts an
// alternation branch; a leading odd byte makes the whole pattern case-insensitive.
func fuzzPattern(spec []byte) string {
	var b strings.Builder
	if len(spec) > 0 && spec[0]%2 == 1 {
		b.WriteString("(?i)")
	}
	for i, c := range spec {
		if i > 12 {
			break
		}
		if c == 0xff {
			b.WriteString("|")
			continue
		}
		atom := fuzzAtoms[int(c)%len(fuzzAtoms)]
		op := fuzzOps[int(c/32)%len(fuzzOps)]
		if op != "" && atom != "^" && atom != "$" && atom != `\b` {
			atom = "(?:" + atom + ")" + op
		}
		b.WriteString(atom)
	}
	return b.String()
}

func FuzzMatcher(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte("Error: ab\nerr:x\n"), "ab")
	f.Add([]byte{4, 0xff, 5}, []byte("KILL \u212aill\nok\r\nOK\n"), "K")
	f.Add([]byte{10, 44, 76}, []byte("\xff\xfe err 12\n\x1b[31mErr\x1b[0m\n"), "é")
	f.Fuzz(func(t *testing.T, spec, log []byte, literal string) {
		expr := fuzzPattern(spec)
		if _, err := regexp.Compile(expr); err != nil {
			t.Skip()
		}
		ps := []Pattern{{ID: 1, Name: "re", Kind: Regex, Expr: expr}}
		if literal != "" && !strings.ContainsAny(literal, "\r\n") && utf8.ValidString(literal) {
			ps = append(ps, Pattern{ID: 2, Name: "lit", Kind: Literal, Expr: literal})
		}
		// Repeat the log so the scan spans several blocks and the automaton's interleaved walks.
		data := bytes.Repeat(append(log, '\n'), 1+(3<<10)/(len(log)+1))
		m, err := Compile(ps)
		if err != nil {
			t.Fatal(err)
		}
		want := referenceScan(t, ps, data)
		if d := diffMatches(want, fastScan(t, m, data)); d != "" {
			t.Fatalf("pattern %q literal %q: prefiltered scan differs from reference: %s", expr, literal, d)
		}
		if d := diffMatches(want, naiveScan(t, m, data)); d != "" {
			t.Fatalf("pattern %q: naive scan differs from reference: %s", expr, d)
		}
		lines := 0
		if d := diffMatches(want, fastScanWith(t, m, data, ScanOptions{OnLine: func(logs.Line) { lines++ }})); d != "" {
			t.Fatalf("pattern %q literal %q: scan with keywords differs from reference: %s", expr, literal, d)
		}
		if lines == 0 {
			t.Fatal("OnLine saw no line")
		}
	})
}
