package testlog

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

var update = flag.Bool("update", false, "rewrite testdata/*.want.json from the extractor's output")

// TestFixtures checks each runner on excerpts of real corpus logs (named runner-source-id) and,
// for runners the corpus lacks, on logs written from the runner's documented format
// (synthetic-runner). The .want.json files were checked by hand against the log.
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.log")
	if len(files) < 15 {
		t.Fatalf("only %d fixtures", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			got := extractPath(t, f)
			b, _ := json.MarshalIndent(got, "", "  ")
			want := strings.TrimSuffix(f, ".log") + ".want.json"
			if *update {
				if err := os.WriteFile(want, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			w, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run with -update and check the result by hand)", err)
			}
			if strings.TrimSpace(string(w)) != strings.TrimSpace(string(b)) {
				t.Errorf("got\n%s\nwant\n%s", b, w)
			}
			runner := strings.SplitN(strings.TrimPrefix(filepath.Base(f), "synthetic-"), "-", 2)[0]
			runner = strings.TrimSuffix(runner, ".log")
			if runner == "surefire" {
				runner = "maven"
			}
			for _, tt := range got.Tests {
				if tt.Runner != runner {
					t.Errorf("a %s fixture yielded a %s test: %+v", runner, tt.Runner, tt)
				}
			}
		})
	}
}

func extractPath(t *testing.T, path string) Result {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := New()
	r := logs.NewReader(bufio.NewReader(f))
	for r.Next() {
		e.Add(r.Line())
	}
	return e.Result()
}
