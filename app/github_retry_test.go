package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Transient GitHub failures of idempotent requests are retried a few times; creations, rate
// limits and client errors are handed back at once.
func TestRetryTransient(t *testing.T) {
	cases := []struct {
		name      string
		method    string // a method, or "METHOD /path"
		statuses  []int  // answered in turn; the last one repeats
		wantCode  int
		wantCalls int32
	}{
		{"GET recovers from two 502s", http.MethodGet, []int{502, 503, 200}, 200, 3},
		{"PATCH with a body recovers", http.MethodPatch, []int{500, 200}, 200, 2},
		{"GET gives up after the retries", http.MethodGet, []int{502}, 502, 1 + transientRetries},
		{"POST is never retried", http.MethodPost, []int{502, 201}, 502, 1},
		{"POST of a reaction is retried", http.MethodPost + " /repos/o/r/issues/comments/1/reactions", []int{502, 200}, 200, 2},
		{"a secondary rate limit is the pipeline's to handle", http.MethodGet, []int{429, 200}, 429, 1},
		{"a 404 is final", http.MethodGet, []int{404, 200}, 404, 1},
		{"501 is not transient", http.MethodGet, []int{501, 200}, 501, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				if b, _ := io.ReadAll(r.Body); r.Method == http.MethodPatch && string(b) != `{"status":"completed"}` {
					t.Errorf("call %d sent body %q", n, b)
				}
				w.WriteHeader(c.statuses[min(n, len(c.statuses))-1])
			}))
			defer srv.Close()
			client := &http.Client{Transport: retryTransient(http.DefaultTransport)}
			method, path, _ := strings.Cut(c.method, " ") // "POST /path", or a method alone for "/"
			req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(`{"status":"completed"}`))
			if err != nil {
				t.Fatal(err)
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != c.wantCode || calls.Load() != c.wantCalls {
				t.Fatalf("got %d after %d calls, want %d after %d", res.StatusCode, calls.Load(), c.wantCode, c.wantCalls)
			}
		})
	}
}
