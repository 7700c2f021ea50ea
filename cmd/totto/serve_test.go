package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// announcer is a stderr that signals once a log line containing want is written, so a test can
// wait for the server to be up without sleeping.
type announcer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (a *announcer) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.buf.Write(p)
	if strings.Contains(a.buf.String(), a.want) {
		a.once.Do(func() { close(a.seen) })
	}
	return len(p), nil
}

func (a *announcer) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.buf.String()
}

func serveEnv(t *testing.T, stderr *announcer) *cliEnv {
	dir := t.TempDir()
	vars := map[string]string{
		"TOTTO_DATABASE_URL":  "sqlite:" + filepath.Join(dir, "totto.db"),
		"TOTTO_LOGS_STORAGE":  filepath.Join(dir, "logs"),
		"TOTTO_SERVER_LISTEN": "127.0.0.1:0",
	}
	return &cliEnv{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: stderr, getenv: func(k string) string { return vars[k] }}
}

func TestServeRefusesWithoutWebhookSecret(t *testing.T) {
	stderr := &announcer{want: "\x00", seen: make(chan struct{})}
	code := runCLI(context.Background(), serveEnv(t, stderr), []string{"serve"})
	if code != exitError || !strings.Contains(stderr.String(), "no webhook secret") {
		t.Fatalf("exit %d, stderr %q; want a refusal naming the webhook secret", code, stderr.String())
	}
}

func TestServeMissingExplicitConfig(t *testing.T) {
	stderr := &announcer{want: "\x00", seen: make(chan struct{})}
	code := runCLI(context.Background(), serveEnv(t, stderr), []string{"serve", "--config", filepath.Join(t.TempDir(), "absent.yml")})
	if code != exitUsage || !strings.Contains(stderr.String(), "absent.yml") {
		t.Fatalf("exit %d, stderr %q; want a usage error naming the file", code, stderr.String())
	}
}

// --dev-insecure starts, warns loudly, and stops cleanly when its context ends (SIGTERM).
func TestServeDevInsecureStartsAndStops(t *testing.T) {
	stderr := &announcer{want: "totto serving", seen: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- runCLI(ctx, serveEnv(t, stderr), []string{"serve", "--dev-insecure"}) }()
	select {
	case <-stderr.seen:
	case code := <-done:
		t.Fatalf("serve exited with %d before serving: %s", code, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start within 60s: %s", stderr.String())
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exited with %d after shutdown: %s", code, stderr.String())
	}
	out := stderr.String()
	if !strings.Contains(out, `"level":"warn"`) || !strings.Contains(out, "DEV-INSECURE") || !strings.Contains(out, "totto stopped") {
		t.Fatalf("log lacks the dev-insecure warning or the clean stop:\n%s", out)
	}
}
