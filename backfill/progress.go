package backfill

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Printer shows a backfill's progress: one line redrawn in place on a terminal, never wider than
// the terminal (so it does not wrap into stale lines), or a plain line every Interval elsewhere
// (CI logs and files must not fill up with carriage returns).
type Printer struct {
	W        io.Writer
	Terminal bool
	// Width returns the terminal's width in columns (nil or <= 0: 80).
	Width func() int
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
		fmt.Fprintf(p.W, "\r\033[K%s", Summary(pr, p.width()-1))
		return
	}
	fmt.Fprintln(p.W, Summary(pr, 0))
}

// Done prints the final state on its own line.
func (p *Printer) Done(pr Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Terminal {
		fmt.Fprintf(p.W, "\r\033[K%s\n", Summary(pr, p.width()-1))
		return
	}
	fmt.Fprintln(p.W, Summary(pr, 0))
}

func (p *Printer) width() int {
	if p.Width != nil {
		if w := p.Width(); w > 0 {
			return w
		}
	}
	return 80
}

// part is one piece of the progress line; the lower its rank, the longer it stays when the line
// must be shortened.
type part struct {
	rank int
	text string
}

// Summary is one line of counts, rate, ETA, pauses and retries, at most width characters
// (0: no limit); the least important parts are left out first.
func Summary(pr Progress, width int) string {
	var parts []part
	add := func(rank int, format string, args ...any) {
		parts = append(parts, part{rank, fmt.Sprintf(format, args...)})
	}
	if !pr.WaitingUntil.IsZero() {
		add(0, "waiting for rate limit until %s", pr.WaitingUntil.Local().Format(time.TimeOnly))
	}
	listing := map[bool]string{false: "+", true: ""}[pr.ListingDone]
	if pr.Scanning || pr.Scanned > 0 {
		add(1, "scanned %d", pr.Scanned)
	}
	add(1, "logs %d/%d%s", pr.Fetched(), pr.ToFetch, listing)
	if eta, ok := pr.eta(); ok {
		add(2, "ETA %s", eta)
	}
	if pr.RunsTotal > 0 && !pr.ListingDone {
		add(3, "runs %d/%d", pr.Runs, pr.RunsTotal)
	} else {
		add(3, "runs %d", pr.Runs)
	}
	if pr.Failed > 0 {
		add(3, "%d failed", pr.Failed)
	}
	secs := pr.Elapsed.Seconds()
	if secs > 0 && pr.Downloaded+pr.FromCache > 0 {
		add(4, "%.1f logs/s", float64(pr.Downloaded+pr.FromCache)/secs)
	}
	if pr.Retries > 0 || pr.RateLimited > 0 {
		add(5, "%d retries, %d rate-limited", pr.Retries, pr.RateLimited)
	}
	if pr.Unavailable > 0 {
		add(6, "%d unavailable", pr.Unavailable)
	}
	add(7, "%.1f MB", float64(pr.Bytes)/1e6)
	if pr.FromCache > 0 {
		add(8, "%d cached", pr.FromCache)
	}
	if pr.AlreadyStored > 0 {
		add(8, "%d already stored", pr.AlreadyStored)
	}
	add(9, "jobs %d", pr.Listed)
	for drop := 9; ; drop-- {
		var keep []string
		for _, p := range parts {
			if p.rank <= drop {
				keep = append(keep, p.text)
			}
		}
		line := strings.Join(keep, " | ")
		if width <= 0 || len([]rune(line)) <= width || drop == 0 {
			if width > 0 && len([]rune(line)) > width {
				line = string([]rune(line)[:width])
			}
			return line
		}
	}
}

// eta estimates the time left from the measured rate of logs and the logs still to fetch; while
// listing goes on, the logs still to fetch are extrapolated from the runs listed so far.
func (pr Progress) eta() (time.Duration, bool) {
	done := pr.Fetched()
	if done == 0 || pr.Elapsed <= 0 {
		return 0, false
	}
	total := float64(pr.ToFetch)
	if !pr.ListingDone && pr.Runs > 0 && pr.RunsTotal > pr.Runs {
		total = total * float64(pr.RunsTotal) / float64(pr.Runs)
	}
	left := total - float64(done)
	if left <= 0 {
		return 0, false
	}
	perLog := pr.Elapsed.Seconds() / float64(done)
	return time.Duration(left * perLog * float64(time.Second)).Round(time.Second), true
}
