package patterns

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/totto-ci/totto/logs"
)

var (
	treeherderOnce sync.Once
	treeherderData [][]byte
)

// treeherderLogs holds the unpacked throughput corpus in memory, loaded once per test binary.
func treeherderLogs(b *testing.B) ([][]byte, int64) {
	files := corpusLogs(b, "treeherder")
	treeherderOnce.Do(func() {
		for _, f := range files {
			treeherderData = append(treeherderData, gunzipFile(b, f))
		}
	})
	var n int64
	for _, d := range treeherderData {
		n += int64(len(d))
	}
	return treeherderData, n
}

func benchScan(b *testing.B, set string) {
	m, err := Compile(benchPatternSet(b, set))
	if err != nil {
		b.Fatal(err)
	}
	data, size := treeherderLogs(b)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	matches := 0
	for b.Loop() {
		for _, d := range data {
			st, err := m.Scan(logs.NewReader(bytes.NewReader(d)), ScanOptions{}, func(Match) error { return nil })
			if err != nil {
				b.Fatal(err)
			}
			matches += st.Matches
		}
	}
	b.ReportMetric(float64(matches)/float64(b.N), "matches/op")
}

// BenchmarkScanP1 is the all-miss case: PyTorch's rules find nothing in Firefox logs.
func BenchmarkScanP1(b *testing.B) { benchScan(b, "P1") }

// BenchmarkScanP2 adds the Dr. CI patterns (literals and regexes).
func BenchmarkScanP2(b *testing.B) { benchScan(b, "P2") }

// BenchmarkScanP3 adds 500 elastic-recheck phrases: the many-literals case.
func BenchmarkScanP3(b *testing.B) { benchScan(b, "P3") }

// BenchmarkScanParallel scans the logs concurrently with one shared Matcher (P3), as workers do.
func BenchmarkScanParallel(b *testing.B) {
	m, err := Compile(benchPatternSet(b, "P3"))
	if err != nil {
		b.Fatal(err)
	}
	data, size := treeherderLogs(b)
	b.SetBytes(size / int64(len(data)))
	b.ReportAllocs()
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			d := data[int(next.Add(1))%len(data)]
			if _, err := m.Scan(logs.NewReader(bytes.NewReader(d)), ScanOptions{}, func(Match) error { return nil }); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
