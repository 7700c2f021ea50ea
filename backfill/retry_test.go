package backfill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/totto-ci/totto/ciprovider"
)

func TestRetryable(t *testing.T) {
	cases := []struct {
		err   error
		retry bool
	}{
		{&ciprovider.RetryError{Err: errors.New("HTTP 502")}, true},
		{fmt.Errorf("wrapped: %w", &ciprovider.RetryError{Err: errors.New("HTTP 429"), After: time.Second}), true},
		{&ciprovider.UnavailableError{Reason: "HTTP 410"}, false},
		{fmt.Errorf("redirect: %w", ciprovider.ErrHostNotAllowed), false},
		{context.Canceled, false},
		{errors.New("HTTP 401"), false},
		{&timeoutErr{}, true},
		{fmt.Errorf("reading body: %w", io.ErrUnexpectedEOF), true},
	}
	for _, c := range cases {
		if retry := retryable(c.err); retry != c.retry {
			t.Errorf("%v: got %v, want %v", c.err, retry, c.retry)
		}
	}
}

type timeoutErr struct{}

func (*timeoutErr) Error() string   { return "i/o timeout" }
func (*timeoutErr) Timeout() bool   { return true }
func (*timeoutErr) Temporary() bool { return true }

// Three requests answered "rate limited" at once (Retry-After 10s, 20s, 30s) make one pause that
// ends at the latest time, not three back-to-back pauses; no request starts during it.
func TestConcurrentRateLimitsMakeOnePause(t *testing.T) {
	var clk testClock
	clk.t = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	inSleep, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var p *polite
	sleep := func(ctx context.Context, d time.Duration) error {
		once.Do(func() {
			for p.limited.Load() < 3 { // the other answers arrive while the first is being waited out
				runtime.Gosched()
			}
			close(inSleep)
			<-release
		})
		return clk.sleep(ctx, d)
	}
	p = &polite{gate: &ciprovider.Gate{Now: clk.now, Sleep: sleep}, slots: make(chan struct{}, 3), now: clk.now, sleep: sleep,
		attempts: 3, backoff: time.Second}
	var limited sync.WaitGroup
	limited.Add(3)
	var mu sync.Mutex
	calls := map[int]int{}
	var wg sync.WaitGroup
	for i := 1; i <= 3; i++ {
		wg.Go(func() {
			err := p.do(context.Background(), "limited", func(context.Context) error {
				mu.Lock()
				calls[i]++
				n := calls[i]
				mu.Unlock()
				if n == 1 {
					limited.Done()
					limited.Wait() // all three are answered before any pause begins
					return &ciprovider.RetryError{Err: fmt.Errorf("HTTP %d", http.StatusTooManyRequests), After: time.Duration(i) * 10 * time.Second}
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	<-inSleep
	mu.Lock()
	during := calls[1] + calls[2] + calls[3]
	mu.Unlock()
	close(release)
	wg.Wait()
	if during != 3 {
		t.Fatalf("%d requests sent before the pause ended, want only the 3 limited ones", during)
	}
	pauses := p.gate.Pauses()
	if len(pauses) != 1 || pauses[0] < 30*time.Second || pauses[0] > 31*time.Second {
		t.Fatalf("pauses %v, want one of 30s (the latest Retry-After)", pauses)
	}
	if p.limited.Load() != 3 || p.retries.Load() != 0 {
		t.Fatalf("limited %d retries %d, want 3 and 0 (a rate limit uses no attempt)", p.limited.Load(), p.retries.Load())
	}
}

// testClock is a clock whose sleeps move time instead of waiting.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}
