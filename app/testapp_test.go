package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/internal/testdb"
	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/store/storetest"
)

const (
	testSecret = "webhook-test-secret"
	testAppID  = 4242
)

// backend is a database a test App runs on.
type backend struct {
	name string
	url  func(t testing.TB) string
}

var backends = []backend{
	{"sqlite", func(t testing.TB) string { return testdb.SQLiteURL(t) }},
	{"postgres", func(t testing.TB) string { return storetest.PostgresURL(t) }},
}

// eachBackend runs test on the embedded store and on Postgres (skipped without
// TOTTO_TEST_POSTGRES unless TOTTO_REQUIRE_POSTGRES=1).
func eachBackend(t *testing.T, test func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b) })
	}
}

// newTestApp builds a real App (store, queue, pipeline workers registered) whose queue is never
// started, so enqueued jobs stay in the queue table for the test to read.
func newTestApp(t testing.TB, dbURL string, devInsecure bool) *App {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Database.URL = dbURL
	cfg.Logs.Storage = t.TempDir()
	cfg.GitHub.AppID = testAppID
	if !devInsecure {
		cfg.GitHub.WebhookSecret = testSecret
	}
	ctx := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel).WithContext(context.Background())
	a, err := New(ctx, cfg, Options{DevInsecure: devInsecure})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(a.Close)
	return a
}

// corpusDelivery reads a webhook delivery from the corpus, unwrapping the {name,id,payload}
// envelope some captures use.
func corpusDelivery(t testing.TB, elems ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(testcorpus.Path(t, append([]string{"webhooks"}, elems...)...))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Name    string          `json:"name"`
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &env); err == nil && env.Name != "" && len(env.Payload) > 0 {
		return env.Payload
	}
	return data
}

// edit decodes a payload, lets fn change it and encodes it again, for variations of real
// deliveries (a comment body, our own app id).
func edit(t testing.TB, payload []byte, fn func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// post delivers a webhook to the App's handler the way GitHub does; sign=false sends no
// signature headers.
func post(t testing.TB, a *App, event, delivery string, body []byte, sign bool) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-GitHub-Event", event)
	r.Header.Set("X-GitHub-Delivery", delivery)
	if sign {
		r.Header.Set("X-Hub-Signature-256", SignWebhook([]byte(testSecret), body))
	}
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, r)
	return w
}

// postWith delivers an unsigned webhook after header lets the test set signature headers.
func postWith(t testing.TB, a *App, event, delivery string, body []byte, header func(h http.Header)) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-GitHub-Event", event)
	r.Header.Set("X-GitHub-Delivery", delivery)
	header(r.Header)
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, r)
	return w
}

// get requests path from the App's handler.
func get(t testing.TB, a *App, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// queuedJobs reads every job in the queue table through the queue's API (ids are probed; a
// fresh database starts at 1, and a refused duplicate may skip an id on Postgres).
func queuedJobs(t testing.TB, a *App) []*rivertype.JobRow {
	t.Helper()
	var rows []*rivertype.JobRow
	for id := int64(1); id <= 64; id++ {
		row, err := a.Queue.Job(context.Background(), id)
		if errors.Is(err, rivertype.ErrNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("read job %d: %v", id, err)
		}
		rows = append(rows, row)
	}
	return rows
}

// processJobs decodes the queued process_job args.
func processJobs(t testing.TB, a *App) []pipeline.ProcessJobArgs {
	t.Helper()
	var out []pipeline.ProcessJobArgs
	for _, row := range queuedJobs(t, a) {
		if row.Kind != (pipeline.ProcessJobArgs{}).Kind() {
			continue
		}
		var args pipeline.ProcessJobArgs
		if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
			t.Fatalf("job %d args: %v", row.ID, err)
		}
		out = append(out, args)
	}
	return out
}

// commandJobs decodes the queued slash_command args.
func commandJobs(t testing.TB, a *App) []pipeline.CommandArgs {
	t.Helper()
	var out []pipeline.CommandArgs
	for _, row := range queuedJobs(t, a) {
		if row.Kind != (pipeline.CommandArgs{}).Kind() {
			continue
		}
		var args pipeline.CommandArgs
		if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
			t.Fatalf("job %d args: %v", row.ID, err)
		}
		out = append(out, args)
	}
	return out
}

// wantCode fails the test when a response's status is not want.
func wantCode(t testing.TB, w *httptest.ResponseRecorder, want int) {
	t.Helper()
	if w.Code != want {
		t.Fatalf("status %d, want %d (body %q)", w.Code, want, strings.TrimSpace(w.Body.String()))
	}
}
