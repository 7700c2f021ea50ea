// Package testcorpus locates the shared real-world test material (CI logs, pattern catalogues,
// webhook deliveries, API descriptions) that lives beside the repository, so tests can use material
// nobody on the team wrote and skip cleanly where it is absent.
package testcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus root (../shared/corpus relative to the module root), or "" if absent.
// TOTTO_CORPUS overrides the location.
func Dir() string {
	if d := os.Getenv("TOTTO_CORPUS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(d, "..", "shared", "corpus")
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return c
			}
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Path joins elems under the corpus root, skipping the test with a clear message when the corpus
// or that part of it is missing.
func Path(tb testing.TB, elems ...string) string {
	tb.Helper()
	root := Dir()
	if root == "" {
		tb.Skip("real-world corpus not found at ../shared/corpus (set TOTTO_CORPUS to its location)")
	}
	p := filepath.Join(append([]string{root}, elems...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("corpus file %s not present: %v", p, err)
	}
	return p
}
