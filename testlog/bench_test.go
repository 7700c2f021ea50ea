package testlog

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/patterns/builtin"
)

// BenchmarkExtractVsRead measures the extractor on the LogChunks and CiDiff logs (29 languages,
// most runners) against two peers in the same run: reading the same lines with logs.Reader
// alone, and scanning them with the built-in pattern packs, which every failed job's log gets
// anyway. x-read and x-scan are the extractor's time (reading included) as multiples of theirs.
func BenchmarkExtractVsRead(b *testing.B) {
	root := filepath.Join(testcorpus.Path(b), "logs")
	files, _ := filepath.Glob(filepath.Join(root, "logchunks-dev", "samples", "*", "*", "failed", "*.log.gz"))
	more, _ := filepath.Glob(filepath.Join(root, "cidiff-dev", "breakages", "*", "fail.log.gz"))
	files = append(files, more...)
	if len(files) < 100 {
		b.Skip("corpus logs not found")
	}
	var data [][]byte
	total := 0
	for _, f := range files {
		rc, err := logs.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		d, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
		total += len(d)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	m, err := patterns.Compile(builtin.All())
	if err != nil {
		b.Fatal(err)
	}
	var read, scan, extract time.Duration
	found := 0
	for b.Loop() {
		t0 := time.Now()
		for _, d := range data {
			r := logs.NewReader(bytes.NewReader(d))
			for r.Next() {
			}
		}
		ts := time.Now()
		for _, d := range data {
			if _, err := m.Scan(logs.NewReader(bytes.NewReader(d)), patterns.ScanOptions{}, func(patterns.Match) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for _, d := range data {
			e := New()
			r := logs.NewReader(bytes.NewReader(d))
			for r.Next() {
				e.Add(r.Line())
			}
			found += len(e.Result().Tests)
		}
		read += ts.Sub(t0)
		scan += t1.Sub(ts)
		extract += time.Since(t1)
	}
	if found == 0 {
		b.Fatal("no failing test found")
	}
	b.ReportMetric(float64(extract)/float64(read), "x-read")
	b.ReportMetric(float64(extract)/float64(scan), "x-scan")
}
