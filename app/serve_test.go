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
