package logs

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// A released buffer serves the next Reader with its old bytes still in it: what that reader
// returns is what a reader on a fresh buffer returns, for input full of the bytes the old
// content leaves behind (breaks, CR runs, escapes, a BOM, lines longer than the limit).
func TestReleasedBufferReadsLikeAFreshOne(t *testing.T) {
	dirty := strings.Repeat("\r\n\x1b[31m\xef\xbb\xbf##[error]x\r\r\r\n", defaultBuffer/20)
	inputs := []string{
		"",
		"one line without a break",
		"\xef\xbb\xbfBOM first\nsecond\r\nthird\rover\n",
		strings.Repeat("\r", 70000) + "after a CR run\n",
		strings.Repeat("x", 3*DefaultMaxLine) + "\nshort\n",
		"##[group]Run make\nmake: *** [all] Error 1\n##[endgroup]\n##[error]Process completed with exit code 2.\n",
	}
	lines := func(lr *Reader) []string {
		var out []string
		for lr.Next() {
			l := lr.Line()
			out = append(out, fmt.Sprintf("%d|%q|%v|%v|%s", l.Num, l.Text, l.Truncated, l.Overwritten, l.Step))
		}
		if err := lr.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for i, in := range inputs {
		used := NewReader(strings.NewReader(dirty))
		lines(used)
		used.Release()
		if used.Next() {
			t.Fatalf("a released reader returned a line")
		}
		want := lines(newReaderSize(strings.NewReader(in), Options{}, defaultBuffer))
		recycled := NewReader(bytes.NewReader([]byte(in)))
		if got := lines(recycled); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("input %d through a released buffer:\n%v\nwant\n%v", i, got, want)
		}
		recycled.Release()
	}
}
