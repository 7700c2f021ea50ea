package app

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/store"
)

// Our signing matches the test vector GitHub documents for X-Hub-Signature-256.
func TestSignWebhookMatchesGitHubVector(t *testing.T) {
	data, err := os.ReadFile(testcorpus.Path(t, "webhooks", "signature-vector", "vector.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Secret  string `json:"secret"`
		Payload string `json:"payload"`
		Header  string `json:"x_hub_signature_256"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if got := SignWebhook([]byte(v.Secret), []byte(v.Payload)); got != v.Header {
		t.Fatalf("SignWebhook = %s, want %s", got, v.Header)
	}
	if err := verifySignature([]byte(v.Secret), []byte(v.Payload), v.Header); err != nil {
		t.Fatalf("the documented signature is refused: %v", err)
	}
}

func TestVerifySignature(t *testing.T) {
	secret, body := []byte("s3cret"), []byte(`{"action":"completed"}`)
	good := SignWebhook(secret, body)
	flipped := good[:len(good)-1] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", good[len(good)-1])+1)%16])
	cases := []struct {
		name, header string
		ok           bool
	}{
		{"valid", good, true},
		{"missing", "", false},
		{"one hex digit changed", flipped, false},
		{"sha1 prefix", "sha1=" + strings.TrimPrefix(good, "sha256="), false},
		{"bare hex", strings.TrimPrefix(good, "sha256="), false},
		{"wrong secret", SignWebhook([]byte("other"), body), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := verifySignature(secret, body, c.header)
			if (err == nil) != c.ok {
				t.Fatalf("verifySignature(%q) = %v, want ok=%v", c.header, err, c.ok)
			}
		})
	}
}

// Deliveries that are not GitHub's, or not what they claim, are refused and leave no trace.
func TestWebhookRefusesBadDeliveries(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		a := newTestApp(t, b.url(t), false)
		body := corpusDelivery(t, "real", "gitauto", "check_run", "completed.json")
		// No signature at all.
		wantCode(t, post(t, a, "check_run", "bad-1", body, false), http.StatusUnauthorized)
		// A signature made with another secret.
		w := postWith(t, a, "check_run", "bad-2", body, func(h http.Header) {
			h.Set("X-Hub-Signature-256", SignWebhook([]byte("not-the-secret"), body))
		})
		wantCode(t, w, http.StatusUnauthorized)
		// Only the legacy SHA-1 signature (go-github alone would accept it).
		w = postWith(t, a, "check_run", "bad-3", body, func(h http.Header) {
			h.Set("X-Hub-Signature", "sha1=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")
		})
		wantCode(t, w, http.StatusUnauthorized)
		// A valid signature over a different body.
		w = postWith(t, a, "check_run", "bad-4", body, func(h http.Header) {
			h.Set("X-Hub-Signature-256", SignWebhook([]byte(testSecret), []byte("{}")))
		})
		wantCode(t, w, http.StatusUnauthorized)
		// Signed, but not JSON.
		wantCode(t, post(t, a, "check_run", "bad-5", []byte(`{"action": "completed", "check_run": `), true), http.StatusBadRequest)
		// Signed JSON of the wrong shape for its event.
		wantCode(t, post(t, a, "status", "bad-6", []byte(`{"state": 12}`), true), http.StatusBadRequest)

		if jobs := queuedJobs(t, a); len(jobs) != 0 {
			t.Fatalf("refused deliveries queued %d jobs", len(jobs))
		}
		// None of them was recorded: each id is still new to the store.
		for _, id := range []string{"bad-1", "bad-2", "bad-3", "bad-4", "bad-5", "bad-6"} {
			isNew, err := a.Store.RecordDelivery(t.Context(), store.Delivery{ID: id, Event: "check_run"})
			if err != nil || !isNew {
				t.Fatalf("delivery %s was recorded by a refused request (new=%v, err=%v)", id, isNew, err)
			}
		}
		if v := testutil.ToFloat64(a.Metrics.Webhooks.WithLabelValues("check_run", outcomeUnauthorized)); v != 4 {
			t.Errorf("unauthorized metric = %v, want 4", v)
		}
		if v := testutil.ToFloat64(a.Metrics.Webhooks.WithLabelValues("check_run", outcomeInvalid)); v != 1 {
			t.Errorf("invalid check_run metric = %v, want 1", v)
		}
	})
}

// Events nobody subscribes to are acknowledged with 202, ping with 200.
func TestWebhookUnknownEventAndPing(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	wantCode(t, post(t, a, "pull_request", "u-1", corpusDelivery(t, "octokit", "pull_request.opened.0.json"), true), http.StatusAccepted)
	wantCode(t, post(t, a, "ping", "u-2", corpusDelivery(t, "octokit", "ping.none.0.json"), true), http.StatusOK)
	if v := testutil.ToFloat64(a.Metrics.Webhooks.WithLabelValues("pull_request", outcomeIgnored)); v != 1 {
		t.Errorf("ignored metric = %v, want 1", v)
	}
}

// --dev-insecure accepts unsigned deliveries and says so on /healthz; without it, New refuses to
// build an App with no secret.
func TestDevInsecure(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Database.URL = backends[0].url(t)
	cfg.Logs.Storage = t.TempDir()
	if _, err := New(t.Context(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), "webhook secret") {
		t.Fatalf("New without a secret: %v, want a refusal naming the webhook secret", err)
	}

	a := newTestApp(t, backends[0].url(t), true)
	body := corpusDelivery(t, "real", "circleci-status", "status.failure.json")
	wantCode(t, post(t, a, "status", "dev-1", body, false), http.StatusOK)
	if n := len(processJobs(t, a)); n != 1 {
		t.Fatalf("unsigned delivery in dev-insecure mode queued %d jobs, want 1", n)
	}
	w := get(t, a, "/healthz")
	wantCode(t, w, http.StatusOK)
	if !strings.Contains(w.Body.String(), devInsecureWarning) {
		t.Fatalf("/healthz does not announce dev-insecure: %s", w.Body)
	}
}
