package app

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/totto-ci/totto/ciprovider"
)

// rateLimitGate is client middleware that shares GitHub's rate-limit answers between every job
// using one installation's client (go-githubapp builds one client, so one gate, per
// installation, whose budget it is). While a limit is in force, requests are not sent: they fail
// at once with the reset, and the pipeline snoozes their jobs until then, so every worker pauses
// instead of each spending a request to learn the same thing. Log redirects go through here too.
func rateLimitGate(next http.RoundTripper) http.RoundTripper {
	gate := &ciprovider.Gate{}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		if until := gate.Until(); time.Now().Before(until) {
			return nil, &ciprovider.RetryError{Reset: until,
				Err: fmt.Errorf("%s %s not sent: GitHub's rate limit is in force", r.Method, r.URL.Path)}
		}
		sent := time.Now()
		res, err := next.RoundTrip(r)
		if err != nil {
			return res, err
		}
		if until, ok := limitAnswer(res, sent); ok {
			gate.Hold(context.Background(), sent, until)
		}
		return res, nil
	})
}

// limitAnswer recognises a rate-limit answer and when it ends: a primary limit's reset, or a
// secondary limit's Retry-After.
func limitAnswer(res *http.Response, sent time.Time) (time.Time, bool) {
	if reset, ok := ciprovider.PrimaryLimitReset(res.StatusCode, res.Header); ok {
		return reset, true
	}
	if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusTooManyRequests {
		return time.Time{}, false
	}
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || secs < 0 {
		return time.Time{}, false
	}
	return sent.Add(time.Duration(secs) * time.Second), true
}
