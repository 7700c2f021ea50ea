package cause

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// BenchmarkFinderTreeherder measures the Finder alone on every Firefox CI log of the corpus, read
// as `totto scan` reads them (default reader format, default options). The logs are decompressed
// and split into lines before the timer starts, so the figure is the Finder's own throughput in
// bytes of log per second: the rate it allows the scan that feeds it every line.
func BenchmarkFinderTreeherder(b *testing.B) {
	matches, _ := filepath.Glob(filepath.Join(corpusDir(b), "logs", "treeherder", "*.gz"))
	if len(matches) == 0 {
		b.Skip("no treeherder logs in the corpus")
	}
	benchmarkFinderOn(b, matches, logs.FormatAuto, Options{})
}

// BenchmarkFinderLogChunks measures the Finder alone on the LogChunks dev logs in canonical text
// (Travis and GitHub Actions logs whose fold, timing and group markers the Finder strips itself),
// as bench/likelycause.sh feeds them.
func BenchmarkFinderLogChunks(b *testing.B) {
	var matches []string
	root := filepath.Join(corpusDir(b), "logs", "logchunks-dev")
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".log.gz") {
			matches = append(matches, path)
		}
		return nil
	})
	if len(matches) == 0 {
		b.Skip("no LogChunks dev logs in the corpus")
	}
	benchmarkFinderOn(b, matches, logs.FormatPlain, Options{FreeBlank: true})
}

// benchmarkFinderOn reads every log into memory as lines, then times Finders over them.
func benchmarkFinderOn(b *testing.B, paths []string, format logs.Format, opts Options) {
	var all [][]logs.Line
	var size int64
	for _, p := range paths {
		lines, n, err := readLines(p, format)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, lines)
		size += n
	}
	b.SetBytes(size)
	b.ReportAllocs()
	cpu0, ok := processCPU()
	n := 0
	for b.Loop() {
		for _, lines := range all {
			f := NewFinder(opts)
			for _, l := range lines {
				f.Add(l)
			}
			_ = f.Excerpt()
		}
		n++
	}
	if cpu1, ok1 := processCPU(); ok && ok1 && cpu1 > cpu0 {
		// Throughput per CPU second (garbage collection included), steady when others share the
		// machine.
		b.ReportMetric(float64(size)*float64(n)/(cpu1-cpu0).Seconds()/1e6, "cpu-MB/s")
	}
}

// readLines reads a (possibly gzipped) log into lines whose texts share one buffer, and returns
// them with the log's size in bytes.
func readLines(path string, format logs.Format) ([]logs.Line, int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("read log: %w", err)
	}
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, 0, fmt.Errorf("gunzip %s: %w", path, err)
		}
		if data, err = io.ReadAll(gz); err != nil {
			return nil, 0, fmt.Errorf("gunzip %s: %w", path, err)
		}
	}
	r := logs.NewReaderOptions(bytes.NewReader(data), logs.Options{Format: format})
	var lines []logs.Line
	var ends []int
	var buf []byte
	for r.Next() {
		l := r.Line()
		buf = append(buf, l.Text...)
		ends = append(ends, len(buf))
		lines = append(lines, l)
	}
	if err := r.Err(); err != nil {
		return nil, 0, fmt.Errorf("split %s into lines: %w", path, err)
	}
	start := 0
	for i := range lines {
		lines[i].Text = buf[start:ends[i]:ends[i]]
		start = ends[i]
	}
	return lines, int64(len(data)), nil
}
