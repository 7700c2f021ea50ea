package ci

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
		{"429 without Retry-After", 429, http.Header{}, true, 0},
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
