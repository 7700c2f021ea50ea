package app

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// transientRetries is how many times a request that failed transiently is tried again before the
// failure is handed to the durable job (whose retries back off for seconds to minutes).
const transientRetries = 3

// retryTransient retries idempotent requests (GET, HEAD, PUT, PATCH, DELETE, reactions) that failed with a
// 5xx or a broken connection, a few times with a short jittered backoff. GitHub answers a small
// share of requests with 502/503; without this, a job making several calls fails whole attempts
// often enough that River's growing backoff delays check runs by minutes and, at high error
// rates, discards jobs. POSTs are never retried here: creating a check run or a comment twice is
// worse than a job retry, which adopts an existing check run first. Rate-limit answers (403/429)
// are passed through: the pipeline snoozes for them.
func retryTransient(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if !idempotent(r) || (r.Body != nil && r.Body != http.NoBody && r.GetBody == nil) {
			return next.RoundTrip(r)
		}
		backoff := 100 * time.Millisecond
		for attempt := 0; ; attempt++ {
			req := r
			if attempt > 0 && r.GetBody != nil {
				body, err := r.GetBody()
				if err != nil {
					return nil, err
				}
				req = r.Clone(r.Context())
				req.Body = body
			}
			res, err := next.RoundTrip(req)
			if attempt == transientRetries || !transient(res, err) || r.Context().Err() != nil {
				return res, err
			}
			if res != nil {
				res.Body.Close()
			}
			wait := backoff + rand.N(backoff)
			backoff *= 2
			select {
			case <-r.Context().Done():
				return nil, r.Context().Err()
			case <-time.After(wait):
			}
		}
	})
}

// idempotent reports a request that may be sent twice: the idempotent methods, and a POST that
// adds a reaction, which GitHub answers 200 with the existing reaction when it is already there.
// (A slash command's reactions are its first and last calls; without the retry a 502 on one
// failed a command job whose reply was already posted, and River's backoff kept it for minutes.)
func idempotent(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	case http.MethodPost:
		return strings.HasSuffix(r.URL.Path, "/reactions")
	}
	return false
}

// transient reports a failure that the same request may not meet again: a 5xx, or a connection
// that broke (not a cancelled or timed-out context, which a retry cannot fix).
func transient(res *http.Response, err error) bool {
	if err != nil {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	return res.StatusCode >= 500 && res.StatusCode != http.StatusNotImplemented
}
