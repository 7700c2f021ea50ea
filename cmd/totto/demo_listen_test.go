package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --demo lets anyone edit, so it listens on loopback even when server.listen names every
// interface; --listen can still say otherwise; the address it tells the user to open is the
// one it listens on.
func TestDemoListensOnLoopback(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--demo"}, "127.0.0.1:"},
		{[]string{"serve", "--demo", "--listen", "127.0.0.2:0"}, "127.0.0.2:"},
	} {
		vars := map[string]string{"TOTTO_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "t.db"), "TOTTO_SERVER_LISTEN": ":0",
			"TOTTO_CONFIG": writeFile(t, "c.yml", "")}
		env, _, errb := configEnv(vars, "")
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan int, 1)
		go func() { done <- runCLI(ctx, env, c.args) }()
		select {
		case <-errb.seen:
		case code := <-done:
			t.Fatalf("%v exited %d: %s", c.args, code, errb.String())
		case <-time.After(60 * time.Second):
			t.Fatalf("%v did not start: %s", c.args, errb.String())
		}
		if addr := servedAddr(t, errb.String()); !strings.HasPrefix(addr, c.want) {
			t.Errorf("%v listens on %s, want %s…", c.args, addr, c.want)
		} else if ui := demoUI(t, errb.String()); ui != "http://"+addr {
			t.Errorf("%v tells to open %s, but listens on %s", c.args, ui, addr)
		}
		cancel()
		<-done
	}
}

// demoUI is the address the demo's log line tells the user to open.
func demoUI(t *testing.T, log string) string {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		var l struct{ Message, UI string }
		if json.Unmarshal([]byte(line), &l) == nil && strings.HasPrefix(l.Message, "DEMO:") {
			return l.UI
		}
	}
	t.Fatalf("no demo line in %s", log)
	return ""
}
