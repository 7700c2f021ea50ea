package app

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/internal/version"
)

// A delivery's acknowledgement is timed, the job it queued shows in the queue depth and age
// gauges (read from the database), and the build is labelled on totto_build_info.
func TestObservabilityMetrics(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		a := newTestApp(t, b.url(t), false)
		body := corpusDelivery(t, "real", "gitauto", "check_run", "completed.json")
		wantCode(t, post(t, a, "check_run", "d-1", body, true), http.StatusOK)

		w := httptest.NewRecorder()
		a.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		text := w.Body.String()
		for _, want := range []string{
			"totto_webhook_ack_seconds_count 1",
			`totto_queue_depth{state="available"} 1`,
			"totto_queue_backlog_up 1",
			`totto_build_info{commit="` + version.Get().Commit + `",go_version="` + version.Get().GoVersion + `",version="` + version.Version + `"} 1`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
		if n, err := testutil.GatherAndCount(a.Metrics.Registry, "totto_queue_oldest_job_age_seconds"); err != nil || n != 1 {
			t.Errorf("oldest-job age gauge: %d series, %v", n, err)
		}
	})
}

// UI and API requests get a request id (a proxy's safe one is kept, a hostile one replaced),
// returned in X-Request-Id and written with the request's access-log line.
func TestAccessLogAndRequestIDs(t *testing.T) {
	var logs bytes.Buffer
	cfg := DefaultConfig()
	cfg.Database.URL = backends[0].url(t)
	cfg.Logs.Storage = t.TempDir()
	ctx := zerolog.New(&logs).WithContext(context.Background())
	a, err := New(ctx, cfg, Options{DevInsecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)

	for _, c := range []struct{ sent, want string }{
		{"", ""}, {"lb-1234.abc", "lb-1234.abc"}, {"evil\"}\n{\"level\":\"error", ""},
	} {
		logs.Reset()
		r := httptest.NewRequest(http.MethodGet, "/api/v1/patterns?secret=x", nil)
		if c.sent != "" {
			r.Header.Set(RequestIDHeader, c.sent)
		}
		w := httptest.NewRecorder()
		a.Handler().ServeHTTP(w, r)
		id := w.Header().Get(RequestIDHeader)
		if id == "" || c.want != "" && id != c.want || c.want == "" && id == c.sent {
			t.Errorf("sent %q: request id %q", c.sent, id)
		}
		line := logs.String()
		if !strings.Contains(line, `"request_id":"`+id+`"`) || !strings.Contains(line, `"message":"http request"`) ||
			!strings.Contains(line, `"status":200`) || strings.Contains(line, "secret=x") {
			t.Errorf("access log for %q: %s", c.sent, line)
		}
	}
	logs.Reset()
	a.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if strings.Contains(logs.String(), "http request") {
		t.Errorf("probes are access-logged: %s", logs.String())
	}
}
