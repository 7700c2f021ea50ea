package backfill

import (
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
)

// maxLimitWaits bounds how often one request waits out a rate limit before it is given up (a
// later run tries again): a provider that keeps answering "limited" must not hold a run forever.
const maxLimitWaits = 20

// polite runs provider requests: at most slots at once (listing and downloads share them), each
// retried a bounded number of times. A rate-limit answer closes the shared gate until the time
// the provider named, so every worker pauses, and concurrent answers make a single pause.
type polite struct {
	gate     *ciprovider.Gate
	slots    chan struct{}
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	attempts int
	backoff  time.Duration
	// retries counts requests sent again after a timeout, a broken body or a 5xx; limited
	// counts rate-limit answers.
	retries, limited atomic.Int64
}

// do calls fn until it succeeds, fails for good, or the attempts are used up. Waiting out a rate
// limit does not use up an attempt. fn's context lets go-github send even while it remembers a
// limit, because the waiting is done here, through the gate.
func (p *polite) do(ctx context.Context, what string, fn func(context.Context) error) error {
	reqCtx := context.WithValue(ctx, github.BypassRateLimitCheck, true)
	limits := 0
	for attempt := 1; ; {
		if err := p.gate.Wait(ctx); err != nil {
			return err
		}
		select {
		case p.slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		sent := p.now()
		err := fn(reqCtx)
		<-p.slots
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log := zerolog.Ctx(ctx).Warn().Err(err).Str("request", what).Int("attempt", attempt)
		if until, ok := ciprovider.RateLimitUntil(err, p.now()); ok && limits < maxLimitWaits {
			limits++
			log.Time("until", until).Msg("rate limited: pausing all requests")
			p.gate.Hold(ctx, sent, until)
			p.limited.Add(1)
			continue
		}
		if !retryable(err) || attempt >= p.attempts {
			return err
		}
		wait := min(p.backoff<<(attempt-1), time.Minute)
		log.Dur("wait", wait).Msg("retrying")
		p.retries.Add(1)
		if err := p.sleep(ctx, wait); err != nil {
			return err
		}
		attempt++
	}
}

// retryable extends ciprovider.RetryAfter with transport timeouts, resets and bodies cut short.
func retryable(err error) bool {
	if ciprovider.IsUnavailable(err) || errors.Is(err, ciprovider.ErrHostNotAllowed) || errors.Is(err, context.Canceled) {
		return false
	}
	if retry, _ := ciprovider.RetryAfter(err); retry {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF)
}

func secondsOf(n int) time.Duration { return time.Duration(max(n, 0)) * time.Second }
