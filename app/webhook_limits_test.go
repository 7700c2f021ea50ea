package app

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/handlers"
	"github.com/totto-ci/totto/metrics"
)

// Unsigned posts with made-up X-GitHub-Event values do not add label values to /metrics: every
// unknown event is counted as "other".
func TestWebhookMetricsLabelsFromFixedList(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	for i := range 50 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+WebhookPath, strings.NewReader("{}"))
		req.Header.Set("X-GitHub-Event", fmt.Sprintf("attacker-label-%d", i))
		req.Header.Set("X-Hub-Signature-256", "sha256=00")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("unsigned post: status %d", resp.StatusCode)
		}
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "attacker-label") {
		t.Fatal("/metrics carries label values chosen by unsigned requests")
	}
	if !strings.Contains(string(body), `totto_webhooks_total{event="other",outcome="unauthorized"} 50`) {
		t.Errorf("the unsigned posts are not counted as event \"other\":\n%s", grepLines(string(body), "totto_webhooks_total"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Every event a handler subscribes to has its own label.
func TestWebhookEventsCoverHandlers(t *testing.T) {
	for _, h := range eventHandlers(&handlers.Intake{}) {
		for _, ev := range h.Handles() {
			if !webhookEvents[ev] {
				t.Errorf("event %q of %T is counted as \"other\": add it to webhookEvents", ev, h)
			}
		}
	}
}

// Slow unsigned posts cannot hold more than the budget of unverified body bytes: while one post
// holds most of the budget, others are answered 503 after a short wait instead of being read
// into memory, and the budget is whole again once the first is refused.
func TestWebhookUnverifiedBytesBounded(t *testing.T) {
	const budget, declared = 1 << 20, 600 << 10
	b := newBodyBudget(budget)
	b.wait = 100 * time.Millisecond
	reached := make(chan struct{}, 8)
	h := requireSignature(testSecret, b, metrics.New(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached <- struct{}{}
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	send := func(body io.Reader, length int64) (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, body)
		req.ContentLength = length
		req.Header.Set("X-GitHub-Event", "status")
		req.Header.Set("X-Hub-Signature-256", "sha256=00")
		return http.DefaultClient.Do(req)
	}
	// The first post sends a little and then stalls, holding its reservation.
	pr, pw := io.Pipe()
	first := make(chan *http.Response, 1)
	go func() {
		resp, err := send(pr, declared)
		if err != nil {
			t.Error(err)
		}
		first <- resp
	}()
	if _, err := pw.Write(make([]byte, 1024)); err != nil { // returns once the server reads it
		t.Fatal(err)
	}
	for i := range 3 {
		resp, err := send(strings.NewReader(strings.Repeat("x", declared)), declared)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("post %d while the budget is held: status %d, want 503 with Retry-After", i, resp.StatusCode)
		}
	}
	// A small post still fits beside the stalled one.
	resp, err := send(strings.NewReader("{}"), 2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("small unsigned post beside the stalled one: status %d, want 401", resp.StatusCode)
	}
	if _, err := pw.Write(make([]byte, declared-1024)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if r := <-first; r == nil || r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("stalled unsigned post: %v, want 401", r)
	}
	if !b.sem.TryAcquire(budget) {
		t.Fatal("the budget was not given back")
	}
	if len(reached) != 0 {
		t.Fatal("an unsigned post reached the dispatcher")
	}
}
