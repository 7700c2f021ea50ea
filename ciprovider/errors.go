package ciprovider

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/go-github/v89/github"
)

// UnavailableError says a log cannot be had and retrying will not help (expired, deleted, never
// produced). Callers record the job as "no log" with the reason instead of retrying forever.
type UnavailableError struct {
	Reason string
}

func (e *UnavailableError) Error() string { return "log unavailable: " + e.Reason }

// IsUnavailable reports whether err means the log is gone for good.
func IsUnavailable(err error) bool {
	var u *UnavailableError
	return errors.As(err, &u)
}

// RetryError is a transient failure. After, when non-zero, is how long the provider asked us to
// wait (Retry-After); Reset, when set, is when an exhausted primary rate limit refills.
type RetryError struct {
	Err   error
	After time.Duration
	Reset time.Time
}

func (e *RetryError) Error() string {
	switch {
	case !e.Reset.IsZero():
		return fmt.Sprintf("%v (rate limit resets at %s)", e.Err, e.Reset.UTC().Format(time.TimeOnly))
	case e.After > 0:
		return fmt.Sprintf("%v (retry after %s)", e.Err, e.After.Round(time.Second))
	}
	return e.Err.Error()
}
func (e *RetryError) Unwrap() error { return e.Err }

// RetryAfter reports whether err is worth retrying and, if it is a rate limit, after how long.
func RetryAfter(err error) (bool, time.Duration) {
	now := time.Now()
	if until, ok := RateLimitUntil(err, now); ok {
		return true, until.Sub(now)
	}
	var r *RetryError
	if errors.As(err, &r) {
		return true, 0
	}
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Response != nil {
		return retryableStatus(ge.Response.StatusCode), 0
	}
	return false, 0
}

// RateLimitUntil reports whether err is a rate-limit answer and until when it holds: the reset
// of an exhausted primary limit, or now plus the Retry-After of a secondary one.
func RateLimitUntil(err error, now time.Time) (time.Time, bool) {
	var r *RetryError
	if errors.As(err, &r) {
		switch {
		case !r.Reset.IsZero():
			return r.Reset, true
		case r.After > 0:
			return now.Add(r.After), true
		}
		return time.Time{}, false
	}
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		return rl.Rate.Reset.Time, true
	}
	var ab *github.AbuseRateLimitError
	if errors.As(err, &ab) {
		if ab.RetryAfter == nil {
			return now.Add(SecondaryLimitWait), true
		}
		return now.Add(ab.GetRetryAfter()), true
	}
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Response != nil {
		code := ge.Response.StatusCode
		if after := ge.Response.Header.Get("Retry-After"); after != "" && (code == http.StatusForbidden || code == http.StatusTooManyRequests) {
			return now.Add(parseRetryAfter(after)), true
		}
		if reset, ok := PrimaryLimitReset(code, ge.Response.Header); ok {
			return reset, true
		}
		if code == http.StatusTooManyRequests {
			return now.Add(SecondaryLimitWait), true
		}
	}
	return time.Time{}, false
}

// SecondaryLimitWait is how long GitHub asks clients to wait after a secondary rate limit that
// names no time ("wait at least one minute before retrying").
const SecondaryLimitWait = time.Minute

// PrimaryLimitReset recognises GitHub's answer to an exhausted primary rate limit: 403 or 429
// with x-ratelimit-remaining 0 and, in x-ratelimit-reset, the UTC epoch second it refills.
func PrimaryLimitReset(code int, h http.Header) (time.Time, bool) {
	if code != http.StatusForbidden && code != http.StatusTooManyRequests || h.Get("X-RateLimit-Remaining") != "0" {
		return time.Time{}, false
	}
	reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || reset <= 0 {
		return time.Time{}, false
	}
	return time.Unix(reset, 0), true
}

func isPrimaryLimit(resp *http.Response) bool {
	_, ok := PrimaryLimitReset(resp.StatusCode, resp.Header)
	return ok
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500
}

// classifyHTTP turns a non-2xx response from a provider into an error callers can act on.
func classifyHTTP(what string, resp *http.Response) error {
	err := fmt.Errorf("%s: HTTP %d", what, resp.StatusCode)
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return &UnavailableError{Reason: fmt.Sprintf("%s: HTTP %d (expired or deleted)", what, resp.StatusCode)}
	case resp.Header.Get("Retry-After") == "" && isPrimaryLimit(resp):
		reset, _ := PrimaryLimitReset(resp.StatusCode, resp.Header)
		return &RetryError{Err: err, Reset: reset}
	case resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "":
		return &RetryError{Err: err, After: SecondaryLimitWait}
	case resp.StatusCode == http.StatusTooManyRequests || (resp.StatusCode == http.StatusForbidden && resp.Header.Get("Retry-After") != ""):
		return &RetryError{Err: err, After: parseRetryAfter(resp.Header.Get("Retry-After"))}
	case retryableStatus(resp.StatusCode):
		return &RetryError{Err: err}
	}
	return err
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}
