package cause

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/logs"
)

// excerptOf runs a log through the reader and a Finder.
func excerptOf(t testing.TB, text string, opts Options) (Excerpt, int) {
	t.Helper()
	r := logs.NewReaderOptions(strings.NewReader(text), logs.Options{Format: logs.FormatPlain})
	f := NewFinder(opts)
	n := 0
	for r.Next() {
		f.Add(r.Line())
		n++
	}
	if err := r.Err(); err != nil {
		t.Fatalf("read log: %v", err)
	}
	return f.Excerpt(), n
}

// covers reports whether line num is inside the excerpt.
func covers(e Excerpt, num int) bool {
	for _, r := range e.Ranges {
		if num >= r[0] && num <= r[1] {
			return true
		}
	}
	return false
}

// lineOf returns the 1-based number of the first line of text containing s.
func lineOf(t testing.TB, text, s string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in log", s)
	return 0
}

// corpusDir returns the shared corpus root, skipping when it is absent.
func corpusDir(t testing.TB) string {
	t.Helper()
	return testcorpus.Path(t)
}
