package pipeline

import (
	"io"
	"time"
)

// countDownload records one log download: the bytes read from the provider (before any
// truncation) and the time to download and store them.
func (p *pipeline) countDownload(n int64, took time.Duration) {
	if p.Metrics == nil {
		return
	}
	p.Metrics.LogBytes.Add(float64(n))
	p.Metrics.LogDownloadSeconds.Observe(took.Seconds())
}

// countScan records one log scan: its raw bytes and the time taken.
func (p *pipeline) countScan(n int64, took time.Duration) {
	if p.Metrics == nil || n == 0 {
		return // nothing was pending for this log: no scan happened
	}
	p.Metrics.ScanBytes.Add(float64(n))
	p.Metrics.ScanSeconds.Add(took.Seconds())
	p.Metrics.ScanDuration.Observe(took.Seconds())
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}
