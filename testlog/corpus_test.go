package testlog

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/logs"
)

// corpusLogs lists every job log of the corpus (treeherder's large Firefox logs included: no
// runner of ours runs there, so they check that nothing is invented).
func corpusLogs(t *testing.T) []string {
	root := filepath.Join(testcorpus.Path(t), "logs")
	var files []string
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		for _, ext := range []string{".log", ".log.gz", ".txt", ".txt.gz"} {
			if strings.HasSuffix(p, ext) {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func extractFile(t *testing.T, path string) Result {
	t.Helper()
	f, err := logs.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := New()
	r := logs.NewReader(f)
	for r.Next() {
		e.Add(r.Line())
	}
	if err := r.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return e.Result()
}

// unnamedFailures lists corpus logs whose runner count cannot be matched because the log itself
// does not name every failing test; for them a Mismatch (and no guessed list) is the right answer.
var unnamedFailures = map[string]string{
	"logs/misc/ci_runner/minitest_namespace.log":                                     "an excerpt: 15 failures counted, one printed",
	"logs/logchunks-dev/samples/TypeScript/Microsoft@vscode/failed/374142911.log.gz": "every output line of the test runner is prefixed with a stray \"nl\"",
	"logs/logchunks-dev/samples/TypeScript/Microsoft@vscode/failed/374149107.log.gz": "as above",
	"logs/logchunks-dev/samples/TypeScript/Microsoft@vscode/failed/374196125.log.gz": "as above",
	"logs/logchunks-dev/samples/TypeScript/Microsoft@vscode/failed/374222868.log.gz": "as above",
	"logs/logchunks-dev/samples/TypeScript/Microsoft@vscode/failed/374277077.log.gz": "as above",
	"logs/logchunks-dev/samples/TypeScript/Microsoft@vscode/failed/374281279.log.gz": "as above",
}

// TestCorpusCountsAgree is the sweep recorded in docs/tests.md: on every corpus log where a
// runner prints its failure count, the tests found add up to it.
func TestCorpusCountsAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus sweep: run without -short")
	}
	files := corpusLogs(t)
	type tally struct{ logs, tests int }
	per := map[string]*tally{}
	counted, withTests := 0, 0
	for _, p := range files {
		res := extractFile(t, p)
		rel, _ := filepath.Rel(testcorpus.Path(t), p)
		for _, m := range res.Mismatches {
			if why, ok := unnamedFailures[filepath.ToSlash(rel)]; ok {
				t.Logf("%s:%d: mismatch reported as expected (%s)", rel, m.Line, why)
				continue
			}
			t.Errorf("%s:%d: %s printed %d failed, %d found", rel, m.Line, m.Runner, m.Summary, m.Extracted)
		}
		if res.Counted > 0 {
			counted++
		}
		if len(res.Tests) > 0 {
			withTests++
		}
		seen := map[string]bool{}
		for _, tt := range res.Tests {
			if per[tt.Runner] == nil {
				per[tt.Runner] = &tally{}
			}
			per[tt.Runner].tests++
			if !seen[tt.Runner] {
				seen[tt.Runner] = true
				per[tt.Runner].logs++
			}
			if testing.Verbose() {
				t.Logf("%s:%d [%s] %s | %s | %s", rel, tt.Line, tt.Runner, tt.File, tt.Name, tt.Text)
			}
		}
	}
	var names []string
	for n := range per {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "  %-9s %3d logs %4d failing tests\n", n, per[n].logs, per[n].tests)
	}
	t.Logf("%d logs swept; %d with failing tests; %d whose runner count was checked and agrees\n%s", len(files), withTests, counted, b.String())
}
