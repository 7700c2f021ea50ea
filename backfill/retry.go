package backfill

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ci"
)

// polite runs provider requests with bounded retries. A rate-limit answer (primary, secondary,
// Retry-After) pauses every worker, not just the one that got it, until the provider's wait is
// over: the gate is held shared by requests and exclusively by a worker waiting out a limit.
type polite struct {
	gate     sync.RWMutex
	sleep    func(context.Context, time.Duration) error
	attempts int
	backoff  time.Duration
	// waits counts rate-limit pauses, for tests and the summary.
	mu    sync.Mutex
	waits []time.Duration
}

// sleepContext is the real sleeper: it waits d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// do calls fn until it succeeds, fails for good, or the attempts are used up. fn's context lets
// go-github send even while it remembers a limit, because the waiting is done here, through the
// injectable sleeper.
func (p *polite) do(ctx context.Context, what string, fn func(context.Context) error) error {
	reqCtx := context.WithValue(ctx, github.BypassRateLimitCheck, true)
	for attempt := 1; ; attempt++ {
		p.gate.RLock()
		err := fn(reqCtx)
		p.gate.RUnlock()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		retry, after := retryable(err)
		if !retry || attempt >= p.attempts {
			return err
		}
		log := zerolog.Ctx(ctx).Warn().Err(err).Str("request", what).Int("attempt", attempt)
		if after > 0 {
			log.Dur("wait", after).Msg("rate limited: pausing all requests")
			p.mu.Lock()
			p.waits = append(p.waits, after)
			p.mu.Unlock()
			p.gate.Lock()
			err = p.sleep(ctx, after)
			p.gate.Unlock()
		} else {
			wait := min(p.backoff<<(attempt-1), time.Minute)
			log.Dur("wait", wait).Msg("retrying")
			err = p.sleep(ctx, wait)
		}
		if err != nil {
			return err
		}
	}
}

// retryable extends ci.RetryAfter with transport timeouts and resets from the API clients.
func retryable(err error) (bool, time.Duration) {
	if ci.IsUnavailable(err) || errors.Is(err, ci.ErrHostNotAllowed) || errors.Is(err, context.Canceled) {
		return false, 0
	}
	if retry, after := ci.RetryAfter(err); retry {
		return true, max(after, 0)
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true, 0
	}
	return false, 0
}

func secondsOf(n int) time.Duration { return time.Duration(max(n, 0)) * time.Second }
