package app

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// endless yields n bytes of filler without holding them, and counts how many were read.
type endless struct {
	n, read int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), e.n-e.read)
	for i := range p[:k] {
		p[i] = 'a'
	}
	e.read += k
	return int(k), nil
}

// postStream posts body with the given Content-Length (-1: chunked, length unknown).
func postStream(a *App, body io.Reader, length int64, sig string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, WebhookPath, body)
	r.ContentLength = length
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-GitHub-Event", "status")
	r.Header.Set("X-GitHub-Delivery", "big")
	r.Header.Set("X-Hub-Signature-256", sig)
	w := httptest.NewRecorder()
	a.Handler().ServeHTTP(w, r)
	return w
}

// A body over GitHub's 25 MB cap is refused with 413: at once when Content-Length says so, and
// after at most the cap when the length is unknown; signed or not, and in --dev-insecure mode.
func TestWebhookOversizedPayload(t *testing.T) {
	const size = 26 << 20
	for _, insecure := range []bool{false, true} {
		a := newTestApp(t, backends[0].url(t), insecure)

		declared := &endless{n: size}
		w := postStream(a, declared, size, "sha256=00")
		wantCode(t, w, http.StatusRequestEntityTooLarge)
		if declared.read != 0 {
			t.Errorf("insecure=%v: read %d bytes of a body declared too large, want 0", insecure, declared.read)
		}

		chunked := &endless{n: size}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		w = postStream(a, chunked, -1, "sha256=00")
		runtime.ReadMemStats(&after)
		wantCode(t, w, http.StatusRequestEntityTooLarge)
		if chunked.read > maxWebhookBytes+1<<20 {
			t.Errorf("insecure=%v: read %d bytes of a chunked body, want at most the %d cap", insecure, chunked.read, maxWebhookBytes)
		}
		// Reading up to the cap costs a few growing copies of 25 MB (io.ReadAll doubles its
		// buffer), never the whole stream.
		t.Logf("insecure=%v: chunked oversized body: read %d MB, allocated %d MB", insecure, chunked.read>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
		if d := after.TotalAlloc - before.TotalAlloc; d > 6*maxWebhookBytes {
			t.Errorf("insecure=%v: refusing a chunked oversized body allocated %d MB", insecure, d>>20)
		}
		if n := len(queuedJobs(t, a)); n != 0 {
			t.Fatalf("an oversized delivery queued %d jobs", n)
		}
	}
}

// A real status delivery padded to just under 25 MB is accepted and queued.
func TestWebhookPayloadJustUnderCap(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	body := edit(t, corpusDelivery(t, "real", "circleci-status", "status.failure.json"), func(m map[string]any) {
		m["padding"] = strings.Repeat("x", maxWebhookBytes-64<<10)
	})
	if len(body) > maxWebhookBytes {
		t.Fatalf("fixture is %d bytes, over the cap", len(body))
	}
	wantCode(t, post(t, a, "status", "just-under", body, true), http.StatusOK)
	if n := len(processJobs(t, a)); n != 1 {
		t.Fatalf("queued %d jobs, want 1", n)
	}
}

// Signed garbage of every kind is a 400 with a clear body, never a 5xx, and queues nothing.
func TestWebhookBrokenPayloads(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(i*7919 + i>>3)
	}
	cases := []struct {
		name, event string
		body        []byte
	}{
		{"100k nested arrays", "check_run", bytes.Repeat([]byte("["), 100_000)},
		{"100k nested objects", "issue_comment", []byte(strings.Repeat(`{"a":`, 100_000))},
		{"binary", "status", random},
		{"NULs", "push", make([]byte, 4096)},
		{"empty", "installation", nil},
		{"wrong types", "issue_comment", []byte(`{"action":"created","comment":{"body":7}}`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := post(t, a, c.event, "broken-"+c.name, c.body, true)
			wantCode(t, w, http.StatusBadRequest)
			if !strings.Contains(w.Body.String(), "invalid webhook") {
				t.Errorf("body %q does not say what was wrong", w.Body.String())
			}
		})
	}
	if n := len(queuedJobs(t, a)); n != 0 {
		t.Fatalf("broken deliveries queued %d jobs", n)
	}
}

// Invalid UTF-8 inside a comment body (raw bytes in the JSON string) does not break intake: the
// command is queued with the bytes replaced, so later stages only ever see valid text.
func TestWebhookInvalidUTF8Comment(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	body := edit(t, corpusDelivery(t, "octokit", "issue_comment.created.0.json"), func(m map[string]any) {
		m["comment"].(map[string]any)["body"] = "/totto known-broken lint PLACEHOLDER"
	})
	body = bytes.Replace(body, []byte("PLACEHOLDER"), []byte("bad \xff\xfe\xc0 bytes"), 1)
	wantCode(t, post(t, a, "issue_comment", "utf8", body, true), http.StatusOK)
	got := commandJobs(t, a)
	if len(got) != 1 {
		t.Fatalf("queued %d commands, want 1", len(got))
	}
	if !strings.Contains(got[0].Body, "bad \uFFFD\uFFFD\uFFFD bytes") {
		t.Fatalf("queued body %q, want the invalid bytes replaced by U+FFFD", got[0].Body)
	}
}
