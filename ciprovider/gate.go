package ciprovider

import (
	"context"
	"sync"
	"time"
)

// Gate pauses every request to one provider account while a rate limit is in force. A limit
// answer closes it until the time the provider named; answers that arrive while it is closed
// only move that time later, so concurrent answers make one pause that ends once, at the latest
// reset, instead of one pause each.
type Gate struct {
	// Now and Sleep are the clock (tests inject one that does not sleep); nil means real time.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error

	mu     sync.Mutex
	ended  time.Time     // when the last pause ended
	until  time.Time     // end of the pause in force; zero when open
	opened chan struct{} // closed when the pause in force ends
	pauses []time.Duration
}

func (g *Gate) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g *Gate) sleep(ctx context.Context, d time.Duration) error {
	if g.Sleep != nil {
		return g.Sleep(ctx, d)
	}
	return SleepContext(ctx, d)
}

// SleepContext waits d or until ctx is done.
func SleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// MinPause is the shortest pause: a reset already past by our clock (skew) is not a tight loop.
const MinPause = time.Second

// Hold closes the gate until t for a limit answer to a request sent at sent, or keeps it closed
// until t when it already is and t is later. An answer to a request sent before the last pause
// ended is stale (it was in flight while the limit was waited out) and changes nothing. The
// pause is slept out by one goroutine bound to ctx; when ctx ends the gate opens (its waiters
// see their own contexts end).
func (g *Gate) Hold(ctx context.Context, sent, t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.opened != nil {
		if t.After(g.until) {
			g.until = t
		}
		return
	}
	if sent.Before(g.ended) {
		return
	}
	start := g.now()
	if t.Before(start.Add(MinPause)) {
		t = start.Add(MinPause)
	}
	g.until, g.opened = t, make(chan struct{})
	go g.pause(ctx, start)
}

// pause sleeps until the latest time held, measured from start by the planned ends rather than
// by reading the clock again, so an injected sleeper that returns at once still accounts for the
// whole pause.
func (g *Gate) pause(ctx context.Context, start time.Time) {
	slept := start
	var err error
	for {
		g.mu.Lock()
		target := g.until
		if !target.After(slept) || err != nil {
			g.pauses = append(g.pauses, slept.Sub(start))
			close(g.opened)
			g.until, g.opened, g.ended = time.Time{}, nil, g.now()
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		if err = g.sleep(ctx, target.Sub(slept)); err == nil {
			slept = target
		}
	}
}

// Wait blocks while the gate is closed; it returns ctx's error if ctx ends first.
func (g *Gate) Wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		opened := g.opened
		g.mu.Unlock()
		if opened == nil {
			return ctx.Err()
		}
		select {
		case <-opened:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Until is the end of the pause in force, or the zero time when the gate is open.
func (g *Gate) Until() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.until
}

// Pauses lists the length of every pause that has ended.
func (g *Gate) Pauses() []time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]time.Duration(nil), g.pauses...)
}
