package app

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/totto-ci/totto/store"
)

// Every way of dressing up an unsigned or wrongly signed delivery is refused with 401, and none of
// them records the delivery or queues work.
func TestWebhookSignatureBypassAttempts(t *testing.T) {
	body := corpusDelivery(t, "real", "circleci-status", "status.failure.json")
	good := SignWebhook([]byte(testSecret), body)
	sha1Mac := hmac.New(sha1.New, []byte(testSecret))
	sha1Mac.Write(body)
	sha1Sig := "sha1=" + hex.EncodeToString(sha1Mac.Sum(nil))
	cases := []struct {
		name   string
		header func(h http.Header)
	}{
		{"missing", func(h http.Header) {}},
		{"empty", func(h http.Header) { h.Set("X-Hub-Signature-256", "") }},
		{"prefix only", func(h http.Header) { h.Set("X-Hub-Signature-256", "sha256=") }},
		{"wrong secret", func(h http.Header) { h.Set("X-Hub-Signature-256", SignWebhook([]byte("guess"), body)) }},
		{"empty secret", func(h http.Header) { h.Set("X-Hub-Signature-256", SignWebhook(nil, body)) }},
		{"valid SHA-1 only", func(h http.Header) { h.Set("X-Hub-Signature", sha1Sig) }},
		{"valid SHA-1 in the SHA-256 header", func(h http.Header) { h.Set("X-Hub-Signature-256", sha1Sig) }},
		{"truncated", func(h http.Header) { h.Set("X-Hub-Signature-256", good[:len(good)-8]) }},
		{"one byte short", func(h http.Header) { h.Set("X-Hub-Signature-256", good[:len(good)-1]) }},
		{"uppercase hex", func(h http.Header) { h.Set("X-Hub-Signature-256", "sha256="+strings.ToUpper(good[7:])) }},
		{"uppercase scheme", func(h http.Header) { h.Set("X-Hub-Signature-256", "SHA256="+good[7:]) }},
		{"no scheme", func(h http.Header) { h.Set("X-Hub-Signature-256", good[7:]) }},
		{"padded", func(h http.Header) { h.Set("X-Hub-Signature-256", " "+good+" ") }},
		{"extra suffix", func(h http.Header) { h.Set("X-Hub-Signature-256", good+"00") }},
		{"non-hex", func(h http.Header) { h.Set("X-Hub-Signature-256", "sha256="+strings.Repeat("zz", 32)) }},
	}
	a := newTestApp(t, backends[0].url(t), false)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantCode(t, postWith(t, a, "status", "sig-"+c.name, body, c.header), http.StatusUnauthorized)
		})
	}
	if jobs := queuedJobs(t, a); len(jobs) != 0 {
		t.Fatalf("refused deliveries queued %d jobs", len(jobs))
	}
	for _, c := range cases {
		isNew, err := a.Store.RecordDelivery(t.Context(), store.Delivery{ID: "sig-" + c.name, Event: "status"})
		if err != nil || !isNew {
			t.Fatalf("refused delivery %q was recorded (new=%v, err=%v)", c.name, isNew, err)
		}
	}
}

// A replayed delivery (the same X-GitHub-Delivery, validly signed: GitHub's own redelivery, or a
// captured request sent again) is acknowledged but its command is queued once.
func TestWebhookReplayedCommandRunsOnce(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	body := edit(t, corpusDelivery(t, "octokit", "issue_comment.created.0.json"), func(m map[string]any) {
		m["comment"].(map[string]any)["body"] = "/totto known-broken lint broken by #1"
	})
	for range 3 {
		wantCode(t, post(t, a, "issue_comment", "replay-1", body, true), http.StatusOK)
	}
	if got := commandJobs(t, a); len(got) != 1 {
		t.Fatalf("a delivery replayed 3 times queued %d commands, want 1", len(got))
	}
}

// Commands in edited or deleted comments, and from bots, are acknowledged and never queued:
// editing a comment cannot replay or change a command that already ran.
func TestWebhookCommandFromEditedDeletedOrBotIgnored(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	cases := []struct{ name, file, action, userType string }{
		{"edited", "issue_comment.edited.7.json", "edited", "User"},
		{"deleted", "issue_comment.deleted.5.json", "deleted", "User"},
		{"bot", "issue_comment.created.0.json", "created", "Bot"},
		{"commit comment by bot", "commit_comment.created.0.json", "created", "Bot"},
	}
	for i, c := range cases {
		event := strings.SplitN(c.file, ".", 2)[0]
		body := edit(t, corpusDelivery(t, "octokit", c.file), func(m map[string]any) {
			m["action"] = c.action
			cm := m["comment"].(map[string]any)
			cm["body"] = "/totto known-broken * everything is broken"
			cm["user"].(map[string]any)["type"] = c.userType
		})
		wantCode(t, post(t, a, event, "ignored-"+string(rune('a'+i)), body, true), http.StatusOK)
	}
	if got := commandJobs(t, a); len(got) != 0 {
		t.Fatalf("queued %d commands from edited/deleted/bot comments: %+v", len(got), got)
	}
}
