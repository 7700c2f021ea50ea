package builtin

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
)

// hit is one built-in pattern matching one line of a log.
type hit struct {
	Pattern string
	Line    int
	Text    string
}

// compileAll compiles every built-in pattern into one matcher, as totto scans with them.
func compileAll(tb testing.TB) *patterns.Matcher {
	tb.Helper()
	m, err := patterns.Compile(All())
	if err != nil {
		tb.Fatalf("compiling built-in patterns: %v", err)
	}
	return m
}

// scanReader scans raw log bytes (normalised by logs.Reader, as totto does) with the matcher.
func scanReader(m *patterns.Matcher, r io.Reader) ([]hit, error) {
	var hits []hit
	_, err := m.Scan(logs.NewReader(r), patterns.ScanOptions{}, func(mt patterns.Match) error {
		hits = append(hits, hit{Pattern: mt.Pattern, Line: mt.Line, Text: mt.Text})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scanning: %w", err)
	}
	return hits, nil
}

// scanFile scans one (possibly gzipped) log file.
func scanFile(m *patterns.Matcher, path string) ([]hit, error) {
	f, err := logs.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hits, err := scanReader(m, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return hits, nil
}

// scanLine scans a one-line log and returns the names of the patterns that matched it.
func scanLine(tb testing.TB, m *patterns.Matcher, line string) []string {
	tb.Helper()
	hits, err := scanReader(m, strings.NewReader(line+"\n"))
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, h := range hits {
		names = append(names, h.Pattern)
	}
	sort.Strings(names)
	return names
}

// corpusDir returns the shared corpus root, or skips the test (it holds the real CI logs these
// tests scan).
func corpusDir(tb testing.TB) string {
	tb.Helper()
	return testcorpus.Path(tb)
}

// findModuleRoot returns the nearest directory above the working directory holding go.mod.
func findModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test directory")
		}
		dir = parent
	}
}

// globLogs lists logs under root whose path relative to root matches one of the patterns, as
// sorted relative paths; it skips the test when there are none (corpus layout changed).
func globLogs(tb testing.TB, root string, globs ...string) []string {
	tb.Helper()
	var out []string
	for _, g := range globs {
		ms, err := filepath.Glob(filepath.Join(root, g))
		if err != nil {
			tb.Fatal(err)
		}
		for _, m := range ms {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, filepath.ToSlash(rel))
		}
	}
	if len(out) == 0 {
		tb.Skipf("no logs matching %v under %s", globs, root)
	}
	sort.Strings(out)
	return out
}
