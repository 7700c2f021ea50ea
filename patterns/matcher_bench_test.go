package patterns

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// BenchmarkScanThenVsSingle measures multi-line patterns against their single-line peers in the
// same run: P3 as is, and P3 with every pattern made multi-line (then: the next pattern's
// expression within 20 lines), so the second expressions double the prefilter's literals and
// every first-line match waits for an answer. It reports the time ratio multi/single.
func BenchmarkScanThenVsSingle(b *testing.B) {
	single := benchPatternSet(b, "P3")
	multi := make([]Pattern, len(single))
	for i, p := range single {
		next := single[(i+1)%len(single)]
		p.Then = &Then{Kind: next.Kind, Expr: next.Expr, Within: 20}
		multi[i] = p
	}
	data, size := treeherderLogs(b)
	b.SetBytes(size)
	var took [2]time.Duration
	for b.Loop() {
		for k, ps := range [][]Pattern{single, multi} {
			m, err := Compile(ps)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			for _, d := range data {
				if _, err := m.Scan(logs.NewReader(bytes.NewReader(d)), ScanOptions{}, func(Match) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			took[k] += time.Since(start)
		}
	}
	b.ReportMetric(float64(took[1])/float64(took[0]), "multi/single")
}
