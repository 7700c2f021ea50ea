package backfill

import (
	"context"
	"testing"
	"time"
)

// BenchmarkBackfillActions backfills 40 workflow runs (53 failed jobs with 256 KB logs and
// 53 successful ones, 10 sampled) from the fake GitHub on loopback into a fresh SQLite store, and
// reports listed jobs/s and downloaded MB/s. The fake validates every request against GitHub's
// OpenAPI description, so the figures are a lower bound for the client side.
func BenchmarkBackfillActions(b *testing.B) {
	var jobs, bytes int64
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		e.history(40, 256<<10)
		o := e.opts()
		o.Concurrency = 4
		o.SampleSuccess = 10
		b.StartTimer()
		start := time.Now()
		res, err := Run(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		jobs += int64(res.Listed)
		bytes += res.Bytes
	}
	b.ReportMetric(float64(jobs)/elapsed.Seconds(), "jobs/s")
	b.ReportMetric(float64(bytes)/1e6/elapsed.Seconds(), "MB/s")
}
