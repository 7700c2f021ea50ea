package cause

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// BenchmarkFinder measures the Finder on a real Firefox CI log (reader included), so that the
// cost it adds to a scan is visible next to the reader's own benchmark.
func BenchmarkFinder(b *testing.B) {
	dir := filepath.Join(corpusDir(b), "logs", "treeherder")
	matches, _ := filepath.Glob(filepath.Join(dir, "*.log.gz"))
	if len(matches) == 0 {
		b.Skip("no treeherder logs in the corpus")
	}
	fh, err := os.Open(matches[0])
	if err != nil {
		b.Fatal(err)
	}
	gz, err := gzip.NewReader(fh)
	if err != nil {
		b.Fatalf("gunzip %s: %v", matches[0], err)
	}
	data, err := io.ReadAll(gz)
	fh.Close()
	if err != nil {
		b.Fatalf("read %s: %v", matches[0], err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := logs.NewReader(bytes.NewReader(data))
		f := NewFinder(Options{})
		for r.Next() {
			f.Add(r.Line())
		}
		_ = f.Excerpt()
	}
}
