package ciprovider

import (
	"context"
	"testing"
	"time"
)

// Holds that arrive while the gate is closed extend the one pause to the latest time; an answer
// to a request sent before the pause ended makes no new pause; Wait blocks while closed.
func TestGateOnePauseAtTheLatestReset(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	release := make(chan struct{})
	slept := make(chan time.Duration, 4)
	g := &Gate{Now: func() time.Time { return now }, Sleep: func(ctx context.Context, d time.Duration) error {
		slept <- d
		<-release
		return nil
	}}
	ctx := context.Background()
	g.Hold(ctx, now, now.Add(10*time.Second))
	g.Hold(ctx, now, now.Add(30*time.Second))
	g.Hold(ctx, now, now.Add(20*time.Second))
	if got := g.Until(); !got.Equal(now.Add(30 * time.Second)) {
		t.Fatalf("until %v, want the latest reset", got)
	}
	waited := make(chan error)
	go func() { waited <- g.Wait(ctx) }()
	select {
	case <-waited:
		t.Fatal("Wait returned while the gate is closed")
	case d := <-slept:
		if d > 30*time.Second {
			t.Fatalf("first sleep %v, longer than the latest reset", d)
		}
	}
	close(release)
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
	if p := g.Pauses(); len(p) != 1 || p[0] != 30*time.Second {
		t.Fatalf("pauses %v, want one of 30s", p)
	}
	g.Hold(ctx, now.Add(-time.Second), now.Add(30*time.Second)) // in flight during the pause: stale
	if !g.Until().IsZero() {
		t.Fatal("a stale answer closed the gate again")
	}
	g.Hold(ctx, now.Add(time.Second), now.Add(-time.Minute)) // a reset already past by our clock
	if got := g.Until(); !got.Equal(now.Add(MinPause)) {
		t.Fatalf("until %v, want the shortest pause", got)
	}
}
