package builtin

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestNoHitsOnPassingLogs is the negative control: the CiDiff passing twins of failing jobs
// (Jenkins/Maven and GitHub Actions) must not contain a single built-in match. A built-in that
// fires on a successful job is too broad: on a failed job it would claim a cause that was not.
func TestNoHitsOnPassingLogs(t *testing.T) {
	root := filepath.Join(corpusDir(t), "logs", "cidiff-dev")
	m := compileAll(t)
	rels := globLogs(t, root, "*/*/pass.log.gz", "*/*/*/pass.log.gz")
	for _, rel := range rels {
		hits, err := scanFile(m, filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			t.Errorf("cidiff-dev/%s:%d: built-in %q matches a passing job's log: %q", rel, h.Line, h.Pattern, h.Text)
		}
	}
	t.Logf("%d passing logs scanned", len(rels))
}

// TestFailureHitsAreReviewed pins every built-in match on the labelled failing logs (LogChunks
// dev and CiDiff dev) to reviewedFailureHits. Each entry there was checked by hand against the
// log's labelled failure cause; a pattern change that adds a match fails here until someone
// checks that the new match does not call a real test or compile failure flaky.
func TestFailureHitsAreReviewed(t *testing.T) {
	if testing.Short() {
		// The review list is checked both ways (new matches and vanished ones), so it needs
		// every log; `make test` runs it once without -race.
		t.Skip("scans every failing dev log with every built-in pattern")
	}
	corpus := corpusDir(t)
	m := compileAll(t)
	labels := loadLabels(t, corpus)
	got := map[string]bool{}
	scanned := 0
	for _, set := range []struct{ prefix, root string }{
		{"logchunks:", filepath.Join(corpus, "logs", "logchunks-dev")},
		{"cidiff:", filepath.Join(corpus, "logs", "cidiff-dev")},
	} {
		var rels []string
		if set.prefix == "logchunks:" {
			rels = globLogs(t, set.root, "samples/*/*/failed/*.log.gz")
		} else {
			rels = globLogs(t, set.root, "*/*/fail.log.gz", "*/*/*/fail.log.gz")
		}
		for _, rel := range rels {
			hits, err := scanFile(m, filepath.Join(set.root, rel))
			if err != nil {
				t.Fatal(err)
			}
			key := set.prefix + strings.TrimSuffix(rel, ".gz")
			if _, ok := labels[key]; !ok {
				t.Errorf("%s has no labelled cause: the corpus layout changed", key)
			}
			scanned++
			for _, h := range hits {
				k := key + "\t" + h.Pattern
				if !got[k] {
					t.Logf("%s:%d %q: %q\n\tlabelled cause: %s", key, h.Line, h.Pattern, h.Text, labels[key].describe(h.Line))
				}
				got[k] = true
			}
		}
	}
	for k := range got {
		if _, ok := reviewedFailureHits[k]; !ok {
			t.Errorf("new built-in match, not reviewed against the labelled cause: %q", k)
		}
	}
	for k := range reviewedFailureHits {
		if !got[k] {
			t.Errorf("reviewed match no longer found (a pattern got narrower or the corpus changed; drop it from the list): %q", k)
		}
	}
	t.Logf("%d distinct (log, pattern) matches on %d failing logs", len(got), scanned)
}

// label is a log's human-labelled failure cause.
type label struct {
	ranges [][2]int
	chunk  string
}

// describe says where the labelled cause is and whether line is inside it.
func (l label) describe(line int) string {
	in := false
	for _, r := range l.ranges {
		if line >= r[0] && line <= r[1] {
			in = true
		}
	}
	chunk := l.chunk
	if len(chunk) > 200 {
		chunk = chunk[:200] + "…"
	}
	return fmt.Sprintf("lines %v (match inside: %v) %q", l.ranges, in, chunk)
}

// loadLabels reads LogChunks' labels-dev.jsonl and CiDiff's groundtruth files, keyed like the
// failure hits ("logchunks:samples/…/1.log", "cidiff:breakages/x/fail.log").
func loadLabels(tb testing.TB, corpus string) map[string]label {
	tb.Helper()
	out := map[string]label{}
	f, err := os.Open(filepath.Join(corpus, "logs", "logchunks-dev", "labels-dev.jsonl"))
	if err != nil {
		tb.Skipf("LogChunks labels absent: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var rec struct {
			Log        string   `json:"log"`
			Chunk      string   `json:"failure_chunk"`
			GoldRanges [][2]int `json:"gold_ranges"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			tb.Fatalf("labels-dev.jsonl: %v", err)
		}
		out["logchunks:"+rec.Log] = label{ranges: rec.GoldRanges, chunk: rec.Chunk}
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("labels-dev.jsonl: %v", err)
	}
	root := filepath.Join(corpus, "logs", "cidiff-dev")
	for _, rel := range globLogs(tb, root, "*/*/groundtruth", "*/*/*/groundtruth") {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			tb.Fatal(err)
		}
		var l label
		for _, ln := range strings.Split(string(data), "\n") {
			var a, b int
			if n, _ := fmt.Sscanf(ln, "E %d-%d", &a, &b); n == 2 {
				l.ranges = append(l.ranges, [2]int{a, b})
			} else if n, _ := fmt.Sscanf(ln, "E %d", &a); n == 1 {
				l.ranges = append(l.ranges, [2]int{a, a})
			}
		}
		sort.Slice(l.ranges, func(i, j int) bool { return l.ranges[i][0] < l.ranges[j][0] })
		out["cidiff:"+strings.TrimSuffix(rel, "groundtruth")+"fail.log"] = l
	}
	return out
}
