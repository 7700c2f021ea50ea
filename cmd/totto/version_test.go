package main

import (
	"context"
	"encoding/json"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/internal/version"
)

func TestVersionCommand(t *testing.T) {
	code, out, errs := runWithEnv(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "totto "+version.Version+" (commit ") || !strings.Contains(out, runtime.Version()) {
		t.Fatalf("version: %d %q %s", code, out, errs)
	}
	code, out, _ = runWithEnv(t, nil, "version", "--json")
	var v version.Info
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v.GoVersion != runtime.Version() || v.Version == "" || v.Commit == "" {
		t.Fatalf("version --json: %d %q", code, out)
	}
}

// freePort returns a loopback port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// healthcheck finds the server from the configuration serve reads, and fails for a server that is
// not there.
func TestHealthcheckCommand(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	cfgFile := writeFile(t, "totto.yml", "database:\n  url: sqlite:"+dir+"/totto.db\nserver:\n  listen: \":"+port+"\"\n")
	vars := map[string]string{"TOTTO_CONFIG": cfgFile}

	if code, _, errs := runWithEnv(t, vars, "healthcheck"); code != exitFindings || !strings.Contains(errs, "unreachable") {
		t.Fatalf("healthcheck with no server: exit %d %s", code, errs)
	}

	env, _, errb := configEnv(vars, "")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() { done <- runCLI(ctx, env, []string{"serve", "--dev-insecure"}) }()
	defer func() { cancel(); <-done }()
	select {
	case <-errb.seen:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start: %s", errb.String())
	}
	if code, out, errs := runWithEnv(t, vars, "healthcheck"); code != 0 || !strings.Contains(out, `"status":"ok"`) {
		t.Errorf("healthcheck: exit %d %s%s", code, out, errs)
	}
	if code, out, errs := runWithEnv(t, vars, "healthcheck", "--ready"); code != 0 || !strings.Contains(out, `"github":"not configured"`) {
		t.Errorf("healthcheck --ready: exit %d %s%s", code, out, errs)
	}
}
