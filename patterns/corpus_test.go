package patterns

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
)

// corpusDir returns the shared corpus root, or skips the test.
func corpusDir(tb testing.TB) string {
	tb.Helper()
	return testcorpus.Path(tb)
}

// benchPatternSet loads one of the corpus's benchmark pattern sets (P1, P2, P3) as patterns with
// ids in file order and priority decreasing with file order (first = highest, as upstream).
func benchPatternSet(tb testing.TB, name string) []Pattern {
	tb.Helper()
	f := filepath.Join(corpusDir(tb), "patterns", "bench", name+".jsonl")
	data, err := os.ReadFile(f)
	if err != nil {
		tb.Skipf("pattern set %s absent: %v", f, err)
	}
	var ps []Pattern
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var row struct {
			ID      int    `json:"id"`
			Label   string `json:"label"`
			Kind    string `json:"kind"`
			Pattern string `json:"pattern"`
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		ps = append(ps, Pattern{ID: int64(len(ps) + 1), Name: fmt.Sprintf("%s#%d %s", name, row.ID, row.Label), Kind: Kind(row.Kind), Expr: row.Pattern})
	}
	for i := range ps {
		ps[i].Priority = len(ps) - i
	}
	return ps
}

// corpusLogs lists the gzip logs of the throughput corpus and of the LogChunks dev samples.
func corpusLogs(tb testing.TB, which string) []string {
	tb.Helper()
	c := corpusDir(tb)
	var files []string
	switch which {
	case "treeherder":
		files, _ = filepath.Glob(filepath.Join(c, "logs", "treeherder", "*.gz"))
	case "logchunks":
		root := filepath.Join(c, "logs", "logchunks-dev", "samples")
		_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && filepath.Ext(p) == ".gz" {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) == 0 {
		tb.Skipf("no %s logs in %s", which, c)
	}
	sort.Strings(files)
	return files
}

func gunzipFile(tb testing.TB, file string) []byte {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	return data
}
