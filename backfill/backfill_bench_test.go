package backfill

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/totto-ci/totto/internal/fakegithub"
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

// BenchmarkBackfillLatency backfills 1,000 workflow runs (1,333 failed jobs, 2 KiB logs) from the
// fake GitHub answering every request after 100 ms, as a distant API does, at concurrency 4 and
// 16, and reports jobs/s and the time to the first stored log. The 16-worker run reports its
// speed-up over the 4-worker one measured in the same run (listing and downloads sharing the
// bound, so the ratio shows they both scale).
func BenchmarkBackfillLatency(b *testing.B) {
	jobsPerSec := map[int]float64{}
	for _, conc := range []int{4, 16} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			var jobs int64
			var elapsed, first time.Duration
			for b.Loop() {
				b.StopTimer()
				e := newEnv(b)
				e.history(1000, 2<<10)
				e.waits.t = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(1001 * time.Hour)
				e.gh.SetTraffic(fakegithub.Traffic{Latency: 100 * time.Millisecond})
				o := e.opts()
				o.FailedOnly, o.Concurrency = true, conc
				b.StartTimer()
				start := time.Now()
				res, err := Run(context.Background(), o)
				if err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				first += res.FirstLog
				jobs += int64(res.Listed)
			}
			jobsPerSec[conc] = float64(jobs) / elapsed.Seconds()
			b.ReportMetric(jobsPerSec[conc], "jobs/s")
			b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-to-first-log")
			if conc == 16 && jobsPerSec[4] > 0 {
				b.ReportMetric(jobsPerSec[16]/jobsPerSec[4], "x-vs-concurrency-4")
			}
		})
	}
}
