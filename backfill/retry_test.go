package backfill

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/totto-ci/totto/ci"
)

func TestRetryable(t *testing.T) {
	cases := []struct {
		err   error
		retry bool
		after time.Duration
	}{
		{&ci.RetryError{Err: errors.New("HTTP 502")}, true, 0},
		{&ci.RetryError{Err: errors.New("HTTP 403"), After: 42 * time.Second}, true, 42 * time.Second},
		{fmt.Errorf("wrapped: %w", &ci.RetryError{Err: errors.New("HTTP 429"), After: time.Second}), true, time.Second},
		{&ci.UnavailableError{Reason: "HTTP 410"}, false, 0},
		{fmt.Errorf("redirect: %w", ci.ErrHostNotAllowed), false, 0},
		{context.Canceled, false, 0},
		{errors.New("HTTP 401"), false, 0},
		{&timeoutErr{}, true, 0},
	}
	for _, c := range cases {
		retry, after := retryable(c.err)
		if retry != c.retry || after != c.after {
			t.Errorf("%v: got %v %v, want %v %v", c.err, retry, after, c.retry, c.after)
		}
	}
}

type timeoutErr struct{}

func (*timeoutErr) Error() string   { return "i/o timeout" }
func (*timeoutErr) Timeout() bool   { return true }
func (*timeoutErr) Temporary() bool { return true }

// While one request waits out a rate limit, no other request may start.
func TestRateLimitPausesEveryWorker(t *testing.T) {
	inSleep, release := make(chan struct{}), make(chan struct{})
	p := &polite{attempts: 3, backoff: time.Second, sleep: func(ctx context.Context, d time.Duration) error {
		close(inSleep)
		<-release
		return nil
	}}
	calls := 0
	done := make(chan error)
	go func() {
		done <- p.do(context.Background(), "limited", func(context.Context) error {
			calls++
			if calls == 1 {
				return &ci.RetryError{Err: fmt.Errorf("HTTP %d", http.StatusForbidden), After: time.Minute}
			}
			return nil
		})
	}()
	<-inSleep
	if p.gate.TryRLock() {
		t.Fatal("another request could start during the rate-limit wait")
	}
	close(release)
	if err := <-done; err != nil || calls != 2 {
		t.Fatalf("after the wait: %v, %d calls", err, calls)
	}
	if !p.gate.TryRLock() {
		t.Fatal("requests still paused after the wait")
	}
	p.gate.RUnlock()
}
