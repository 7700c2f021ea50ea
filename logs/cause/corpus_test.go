package cause

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// TestCorpusLogs runs real failed CI logs with human labels through the reader and the Finder
// and checks that the excerpt holds a labelled line. The logs were chosen across ecosystems
// (Travis and GitHub Actions; C#, Go, Java, Python, C++); the dev-set hit rate as a whole is
// measured by bench/likelycause.sh, not here.
func TestCorpusLogs(t *testing.T) {
	corpus := corpusDir(t)
	logsDir := filepath.Join(corpus, "logs")
	labels := logChunksGold(t, filepath.Join(logsDir, "logchunks-dev", "labels-dev.jsonl"))
	tests := []struct {
		id   string // the scorer's id
		path string
		gold [][2]int
	}{
		{id: "pytorch:compile_error", path: "pytorch-dev/clean/compile_error.log", gold: [][2]int{{31, 31}}},
		{id: "pytorch:python_importerror_name", path: "pytorch-dev/clean/python_importerror_name.log", gold: [][2]int{{31, 31}}},
		{id: "pytorch:gha_timeout", path: "pytorch-dev/clean/gha_timeout.log", gold: [][2]int{{31, 31}}},
		{id: "cidiff:breakages/astor_1260", path: "cidiff-dev/breakages/astor_1260/fail.log.gz", gold: [][2]int{{355, 364}, {373, 391}}},
		{id: "cidiff:breakages_dump/Quick_Checks/run201", path: "cidiff-dev/breakages_dump/Quick_Checks/run201/fail.log.gz", gold: [][2]int{{715, 718}}},
		{id: "samples/C#/NancyFx@Nancy/failed/382556234.log"},
		{id: "samples/Go/ethereum@go-ethereum/failed/566009484.log"},
		{id: "samples/C++/BVLC@caffe/failed/214247336.log"},
		{id: "samples/Elixir/h4cc@awesome-elixir/failed/508448705.log"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			path, gold := tt.path, tt.gold
			if path == "" {
				path = filepath.Join("logchunks-dev", tt.id+".gz")
				var ok bool
				if gold, ok = labels[tt.id]; !ok {
					t.Skipf("%s has no label in labels-dev.jsonl", tt.id)
				}
			}
			ex, n := excerptOfFile(t, filepath.Join(logsDir, path))
			checkExcerpt(t, ex, n, 10)
			for _, g := range gold {
				for l := g[0]; l <= g[1]; l++ {
					if covers(ex, l) {
						return
					}
				}
			}
			t.Fatalf("excerpt %v misses the labelled lines %v:\n%s", ex.Ranges, gold, strings.Join(ex.Lines, "\n"))
		})
	}
}

// logChunksGold reads the gold line ranges of the LogChunks dev labels.
func logChunksGold(t *testing.T, path string) map[string][][2]int {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("LogChunks labels not available: %v", err)
	}
	defer fh.Close()
	out := map[string][][2]int{}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var rec struct {
			Log        string   `json:"log"`
			GoldRanges [][2]int `json:"gold_ranges"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out[rec.Log] = rec.GoldRanges
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// excerptOfFile runs a (possibly gzipped) log file through the reader in the scorer's canonical
// text mode and a Finder with the default options.
func excerptOfFile(t *testing.T, path string) (Excerpt, int) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("corpus log not available: %v", err)
	}
	defer fh.Close()
	var r io.Reader = fh
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(fh)
		if err != nil {
			t.Fatalf("gunzip %s: %v", path, err)
		}
		defer gz.Close()
		r = gz
	}
	lr := logs.NewReaderOptions(r, logs.Options{Format: logs.FormatPlain})
	f := NewFinder(Options{FreeBlank: true})
	n := 0
	for lr.Next() {
		f.Add(lr.Line())
		n++
	}
	if err := lr.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return f.Excerpt(), n
}
