package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusRoot returns ../shared/corpus relative to the module root, or skips the test.
func corpusRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the test directory")
		}
		dir = parent
	}
	root := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(root, "logs", "cidiff-dev")); err != nil {
		t.Skipf("shared corpus not found at %s: %v", root, err)
	}
	return root
}

// TestRealBreakagesAreNeverFlaky is the diagnosis benchmark as a regression test: with every
// safeguard on, the built-in packs and the real imported catalogues call none of the CiDiff
// breakages and none of the LogChunks test or compile failures flaky, and none of their flaky or
// infra patterns fires on a CiDiff passing log.
func TestRealBreakagesAreNeverFlaky(t *testing.T) {
	ms, err := measure(corpusRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	last := len(stages) - 1
	want := map[string][2]int{ // patterns, flaky-tagged
		"built-in packs":            {-1, -1},
		"Dr. CI patterns-dump.json": {72, 16},
		"PyTorch ruleset.toml":      {102, 0},
	}
	for _, r := range ms.Results {
		name := r.Catalogue.Name
		stress := strings.Contains(name, "(stress)")
		if w, ok := want[name]; ok && w[0] >= 0 && (len(r.Catalogue.Patterns) != w[0] || r.Catalogue.Flaky != w[1]) {
			t.Errorf("%s: %d patterns, %d flaky; want %d, %d", name, len(r.Catalogue.Patterns), r.Catalogue.Flaky, w[0], w[1])
		}
		for gi, g := range groups {
			for si := 1; si < len(stages); si++ {
				if r.Counts[si][gi] > r.Counts[si-1][gi] {
					t.Errorf("%s, %s: stage %q calls more failures flaky (%d) than the one before (%d)",
						name, g.Name, stages[si].Name, r.Counts[si][gi], r.Counts[si-1][gi])
				}
			}
		}
		if stress {
			if r.Counts[last][1] >= r.Counts[0][1] {
				t.Errorf("%s: the safeguards removed nothing (%d -> %d)", name, r.Counts[0][1], r.Counts[last][1])
			}
			continue
		}
		if n := r.Counts[last][0]; n != 0 {
			t.Errorf("%s: %d CiDiff breakages called flaky", name, n)
		}
		if n := r.Counts[last][1]; n != 0 {
			t.Errorf("%s: %d LogChunks test or compile failures called flaky", name, n)
		}
		for _, h := range r.PassHits {
			t.Errorf("%s: flaky/infra pattern %q matches passing log %s line %d: %q", name, h.Match.Pattern, h.Log.ID, h.Match.Line, h.Match.Text)
		}
	}
	if ms.Suggest.Generic != 0 {
		t.Errorf("%d suggested patterns are generic", ms.Suggest.Generic)
	}
	if len(ms.Suggest.Suggestions) == 0 {
		t.Error("no pattern suggested from the unexplained failures")
	}
}
