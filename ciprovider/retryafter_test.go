package ciprovider

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v89/github"
)

// A GitHub refusal is retried later when it is a rate limit, whether go-github recognised it or
// only the Retry-After header says so, and final otherwise.
func TestRetryAfterGitHubResponses(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		header    http.Header
		wantRetry bool
		wantAfter time.Duration
	}{
		{"403 with Retry-After is a secondary rate limit", 403, http.Header{"Retry-After": {"7"}}, true, 7 * time.Second},
		{"429 with Retry-After", 429, http.Header{"Retry-After": {"2"}}, true, 2 * time.Second},
		{"429 without Retry-After waits a minute, as GitHub asks", 429, http.Header{}, true, time.Minute},
		{"403 without Retry-After is a permission refusal", 403, http.Header{}, false, 0},
		{"404 with Retry-After is still final", 404, http.Header{"Retry-After": {"1"}}, false, 0},
		{"502", 502, http.Header{}, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := fmt.Errorf("getting job: %w", &github.ErrorResponse{Response: &http.Response{StatusCode: c.status, Header: c.header,
				Request: &http.Request{Method: http.MethodGet}}, Message: "refused"})
			retry, after := RetryAfter(err)
			if retry != c.wantRetry || after != c.wantAfter {
				t.Fatalf("RetryAfter = %v, %v; want %v, %v", retry, after, c.wantRetry, c.wantAfter)
			}
		})
	}
}

// GitHub's exhausted primary limit (403 or 429, remaining 0, a reset, no Retry-After) is a rate
// limit until the reset, on the API and on the log redirect alike.
func TestPrimaryLimitAnswers(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	h := http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"1900000090"}}
	for _, code := range []int{http.StatusForbidden, http.StatusTooManyRequests} {
		err := classifyHTTP("locating log", &http.Response{StatusCode: code, Header: h})
		if until, ok := RateLimitUntil(err, now); !ok || until.Sub(now) != 90*time.Second {
			t.Errorf("HTTP %d on a download: until %v, %v (%v)", code, until, ok, err)
		}
		ge := fmt.Errorf("listing: %w", &github.ErrorResponse{Response: &http.Response{StatusCode: code, Header: h,
			Request: &http.Request{Method: http.MethodGet}}, Message: "refused"})
		if until, ok := RateLimitUntil(ge, now); !ok || until.Sub(now) != 90*time.Second {
			t.Errorf("HTTP %d from the API: until %v, %v", code, until, ok)
		}
	}
	if _, ok := RateLimitUntil(classifyHTTP("x", &http.Response{StatusCode: http.StatusForbidden, Header: http.Header{}}), now); ok {
		t.Error("a plain 403 is a refusal, not a rate limit")
	}
	if _, ok := RateLimitUntil(classifyHTTP("x", &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{}}), now); ok {
		t.Error("a 502 is not a rate limit")
	}
}
