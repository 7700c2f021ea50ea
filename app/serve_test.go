package app

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// Serve answers health and metrics on a real listener and returns cleanly, with the queue
// stopped and the store closed, once its context ends (what SIGTERM does in `totto serve`).
func TestServeAndGracefulShutdown(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Database.URL = backends[0].url(t)
	cfg.Logs.Storage = t.TempDir()
	cfg.GitHub.WebhookSecret = testSecret
	ctx := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel).WithContext(context.Background())
	a, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()

	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h health
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || h.Status != "ok" || h.Database != "ok" || h.Warning != "" {
		t.Fatalf("/healthz: %d %+v", res.StatusCode, h)
	}

	res, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, name := range []string{"totto_scan_bytes_total", "totto_scan_seconds_total", "go_goroutines"} {
		if !strings.Contains(string(body), name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}

	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve after shutdown: %v", err)
	}
	if a.Store != nil || a.Queue != nil {
		t.Fatal("Serve returned without releasing the store and the queue")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("the listener still answers after shutdown")
	}
}

// /healthz reports an unreachable database with 503.
func TestHealthzDatabaseDown(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	st := a.Store
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	w := get(t, a, "/healthz")
	wantCode(t, w, http.StatusServiceUnavailable)
	if !strings.Contains(w.Body.String(), `"status":"unavailable"`) {
		t.Fatalf("/healthz body %s", w.Body)
	}
}

// With server.metrics_listen, /metrics is served on that address only: the public listener
// answers 404 for it, and the metrics listener serves nothing else.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Database.URL = backends[0].url(t)
	cfg.Logs.Storage = t.TempDir()
	cfg.GitHub.WebhookSecret = testSecret
	cfg.Server.MetricsListen = "127.0.0.1:0"
	ctx := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel).WithContext(context.Background())
	a, err := New(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	metrics := "http://" + a.MetricsAddr()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	public := "http://" + ln.Addr().String()
	status := func(u string) (int, string) {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, string(b)
	}
	if code, body := status(public + "/metrics"); code == http.StatusOK && strings.Contains(body, "go_goroutines") {
		t.Error("the public listener still serves /metrics")
	}
	if code, body := status(metrics + "/metrics"); code != http.StatusOK || !strings.Contains(body, "totto_webhooks_total") && !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics listener /metrics: %d", code)
	}
	if code, _ := status(public + "/healthz"); code != http.StatusOK {
		t.Errorf("public /healthz: %d", code)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve after shutdown: %v", err)
	}
	if _, err := http.Get(metrics + "/metrics"); err == nil {
		t.Fatal("the metrics listener still answers after shutdown")
	}
}

// /healthz says the database is unavailable without quoting the error (which names the host,
// the user and the file).
func TestHealthzHidesDatabaseErrors(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	if err := a.Store.Close(); err != nil {
		t.Fatal(err)
	}
	w := get(t, a, "/healthz")
	wantCode(t, w, http.StatusServiceUnavailable)
	if body := w.Body.String(); body != "{\"status\":\"unavailable\",\"database\":\"unavailable\"}\n" {
		t.Errorf("/healthz body %q, want only the status", body)
	}
}
