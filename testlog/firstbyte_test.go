package testlog

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestFirstBytes(t *testing.T) {
	for _, tt := range []struct {
		expr string
		want string // the bytes of the set; "-" for no set
	}{
		{`^\s+\d+ - `, "\t\n\f\r "},
		{`^(?:FAIL|ERROR): (?P<name>\S+)`, "EF"},
		{`^(?i:fail)ed`, "Ff"},
		{`^a*b+`, "ab"},
		{`^(?:\[\w+\] )?Running `, "R["},
		{`^x?`, "-"},          // matches the empty text
		{`FAIL`, "-"},         // not anchored
		{`^(?:a|)b`, "ab"},    // an empty branch lets b start it
		{`^a{0,2}c`, "ac"},    // a repeat that may be absent
		{`^\bok`, "o"},        // zero-width assertions consume nothing
		{`^(?:x|y)|z`, "-"},   // only one branch is anchored
		{`^●`, "\xe2"},        // the first byte of a multi-byte character
		{`^[^\s:]+::`, "all"}, // a negated class: everything but white space and ':'
	} {
		s := firstBytes(regexp.MustCompile(tt.expr))
		var got string
		switch {
		case s == nil:
			got = "-"
		case tt.want == "all":
			got = "all"
			for b, in := range s {
				if in == (b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r' || b == ':') {
					got = "wrong"
				}
			}
		default:
			for b, in := range s {
				if in {
					got += string(rune(b))
				}
			}
			if tt.want == "\xe2" {
				got = string([]byte{s.first()})
			}
		}
		if got != tt.want {
			t.Errorf("firstBytes(%s) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func (s *byteSet) first() byte {
	for b, in := range s {
		if in {
			return byte(b)
		}
	}
	return 0
}

// Every rule's first-byte set admits every line its expression matches, on the fixtures' lines
// and on each of them with leading white space and letters added or removed.
func TestFirstBytesAdmitEveryMatch(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.log"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	var lines []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			l := sc.Text()
			lines = append(lines, l, "  "+l, strings.TrimLeft(l, " \t"), "x"+l, "\t"+l)
			if len(l) > 0 {
				lines = append(lines, l[1:])
			}
		}
		fh.Close()
	}
	prefiltered, matched := 0, 0
	for _, s := range specs {
		for _, r := range s.rules() {
			if r.first == nil {
				continue
			}
			prefiltered++
			for _, l := range lines {
				if r.re.MatchString(l) {
					matched++
					if l == "" || !r.first[l[0]] {
						t.Fatalf("%s: %s matches %q, whose first byte its set refuses", s.runner, r.re, l)
					}
				}
			}
		}
	}
	if prefiltered < 20 || matched == 0 {
		t.Errorf("%d rules with a first-byte set, %d matches checked", prefiltered, matched)
	}
}
