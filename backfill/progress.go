package backfill

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Printer shows a backfill's progress: redrawn in place on a terminal, or as a log line every
// Interval elsewhere (CI logs and files must not fill up with carriage returns).
type Printer struct {
	W        io.Writer
	Terminal bool
	// Interval between lines on a non-terminal (default 10s) and between redraws on a terminal
	// (100ms).
	Interval time.Duration

	mu   sync.Mutex
	last time.Duration
	line bool
}

// Update is an Options.Progress callback.
func (p *Printer) Update(pr Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	every := p.Interval
	if every <= 0 {
		every = map[bool]time.Duration{true: 100 * time.Millisecond, false: 10 * time.Second}[p.Terminal]
	}
	if pr.Elapsed-p.last < every && p.line {
		return
	}
	p.last = pr.Elapsed
	p.line = true
	if p.Terminal {
		fmt.Fprintf(p.W, "\r\033[K%s", Summary(pr))
		return
	}
	fmt.Fprintln(p.W, Summary(pr))
}

// Done prints the final state on its own line.
func (p *Printer) Done(pr Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Terminal {
		fmt.Fprintf(p.W, "\r\033[K%s\n", Summary(pr))
		return
	}
	fmt.Fprintln(p.W, Summary(pr))
}

// Summary is one line of counts, download rate and ETA.
func Summary(pr Progress) string {
	var b strings.Builder
	mb := float64(pr.Bytes) / 1e6
	secs := pr.Elapsed.Seconds()
	fmt.Fprintf(&b, "jobs %d listed%s | logs %d/%d fetched (%d downloaded, %.1f MB", pr.Listed,
		map[bool]string{false: "…", true: ""}[pr.ListingDone], pr.Fetched(), pr.ToFetch, pr.Downloaded, mb)
	if secs > 0 {
		fmt.Fprintf(&b, ", %.1f logs/s, %.1f MB/s", float64(pr.Downloaded+pr.FromCache)/secs, mb/secs)
	}
	fmt.Fprintf(&b, "; %d cached, %d already stored, %d unavailable, %d failed) | scanned %d", pr.FromCache,
		pr.AlreadyStored, pr.Unavailable, pr.Failed, pr.Scanned)
	if left := pr.ToFetch - pr.Fetched(); left > 0 && pr.Fetched() > 0 && secs > 0 {
		eta := time.Duration(float64(left) / (float64(pr.Fetched()) / secs) * float64(time.Second))
		fmt.Fprintf(&b, " | ETA %s", eta.Round(time.Second))
		if !pr.ListingDone {
			b.WriteString("+")
		}
	}
	return b.String()
}
