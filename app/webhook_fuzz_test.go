package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/internal/testcorpus"
)

// fuzzEvents are the event types a handler subscribes to, plus one nobody does; the fuzzer picks
// one by index so every handler's decoder sees mutated bodies.
var fuzzEvents = []string{"check_run", "status", "issue_comment", "commit_comment", "installation",
	"installation_repositories", "push", "pull_request"}

// FuzzWebhook posts signed, mutated deliveries of every event type through the real HTTP handler
// (signature check, dispatcher, handlers, store, queue): whatever the body, the answer is never a
// 5xx and the server never panics.
func FuzzWebhook(f *testing.F) {
	if root := testcorpus.Dir(); root != "" {
		for i, event := range fuzzEvents {
			files, _ := filepath.Glob(filepath.Join(root, "webhooks", "octokit", event+".*.json"))
			if len(files) > 3 {
				files = files[:3]
			}
			for _, file := range files {
				if body, err := os.ReadFile(file); err == nil {
					f.Add(uint8(i), body)
				}
			}
		}
	}
	for i := range fuzzEvents {
		f.Add(uint8(i), []byte(`{}`))
		f.Add(uint8(i), []byte(`{"action":"created","comment":{"body":"/totto rescan\xff","user":{"login":"a"}}}`))
		f.Add(uint8(i), []byte(strings.Repeat("[", 200)))
	}
	// The test writer of newTestApp would log through f inside the fuzz target, which testing
	// forbids; the App logs nowhere here and the status code carries the verdict.
	cfg := DefaultConfig()
	cfg.Database.URL = backends[0].url(f)
	cfg.Logs.Storage = f.TempDir()
	cfg.GitHub.AppID = testAppID
	cfg.GitHub.WebhookSecret = testSecret
	a, err := New(zerolog.Nop().WithContext(context.Background()), cfg, Options{})
	if err != nil {
		f.Fatalf("app.New: %v", err)
	}
	f.Cleanup(a.Close)
	n := 0
	f.Fuzz(func(t *testing.T, ev uint8, body []byte) {
		n++
		event := fuzzEvents[int(ev)%len(fuzzEvents)]
		w := post(t, a, event, fmt.Sprintf("fuzz-%d", n), body, true)
		if w.Code >= http.StatusInternalServerError {
			t.Fatalf("%s delivery answered %d (%q) for body %.200q", event, w.Code, w.Body.String(), body)
		}
	})
}
