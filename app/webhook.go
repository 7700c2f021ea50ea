package app

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/handlers"
	"github.com/totto-ci/totto/internal/sqlitedb"
	"github.com/totto-ci/totto/metrics"
)

// maxWebhookBytes is GitHub's cap on a delivery's payload; anything larger is not from GitHub.
const maxWebhookBytes = 25 << 20

// Webhook outcomes counted in metrics.Metrics.Webhooks.
const (
	outcomeHandled      = "handled"
	outcomeIgnored      = "ignored" // an event no handler subscribes to
	outcomeUnauthorized = "unauthorized"
	outcomeInvalid      = "invalid"
	outcomeError        = "error"
)

// SignWebhook is the X-Hub-Signature-256 value GitHub sends for body under secret; exported so
// tests and tools sign deliveries exactly as GitHub does.
func SignWebhook(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// verifySignature checks an X-Hub-Signature-256 header against body in constant time.
func verifySignature(secret, body []byte, header string) error {
	if header == "" {
		return errors.New("no X-Hub-Signature-256 header (SHA-1 X-Hub-Signature alone is not accepted)")
	}
	if !strings.HasPrefix(header, "sha256=") {
		return fmt.Errorf("X-Hub-Signature-256 %q: want sha256=<hex>", header)
	}
	if !hmac.Equal([]byte(header), []byte(SignWebhook(secret, body))) {
		return errors.New("X-Hub-Signature-256 does not match the payload: wrong webhook secret or altered body")
	}
	return nil
}

// requireSignature answers 401 to a delivery not signed with secret by HMAC-SHA256 before the
// dispatcher sees it (go-github would also accept the legacy SHA-1 signature, which GitHub
// documents as insecure). With no secret (--dev-insecure) it lets every delivery through, but in
// both modes a body over GitHub's 25 MB cap is refused with 413. Bodies are read into memory only
// within budget (bytes of unverified bodies in flight); a delivery that finds no room in time is
// answered 503.
func requireSignature(secret string, budget *bodyBudget, m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		event := eventLabel(r.Header.Get("X-GitHub-Event"))
		if r.ContentLength > maxWebhookBytes {
			// Refused before reading a byte: GitHub never sends more, so this is not a delivery.
			m.Webhooks.WithLabelValues(event, outcomeInvalid).Inc()
			http.Error(w, "webhook payload larger than 25 MB", http.StatusRequestEntityTooLarge)
			return
		}
		if secret == "" {
			// Unsigned deliveries still may not make the dispatcher read an unbounded body.
			r.Body = http.MaxBytesReader(w, r.Body, maxWebhookBytes)
			next.ServeHTTP(w, r)
			return
		}
		reserved, release, err := budget.reserve(r, maxWebhookBytes)
		if err != nil {
			zerolog.Ctx(r.Context()).Warn().Err(err).Msg("webhook refused: unverified body budget full")
			m.Webhooks.WithLabelValues(event, outcomeInvalid).Inc()
			w.Header().Set("Retry-After", "5")
			http.Error(w, "too many webhook deliveries in flight, retry shortly", http.StatusServiceUnavailable)
			return
		}
		// A body longer than it declared, or than the room reserved, is cut off at the reservation.
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, reserved))
		var sigErr error
		if err == nil {
			sigErr = verifySignature([]byte(secret), body, r.Header.Get("X-Hub-Signature-256"))
		}
		release() // verified or refused: either way no longer an unverified body
		if err != nil {
			m.Webhooks.WithLabelValues(event, outcomeInvalid).Inc()
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, "webhook payload larger than 25 MB or than its Content-Length", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read webhook body", http.StatusBadRequest)
			return
		}
		if sigErr != nil {
			zerolog.Ctx(r.Context()).Warn().Err(sigErr).Str("github_delivery_id", r.Header.Get("X-GitHub-Delivery")).
				Str("github_event_type", r.Header.Get("X-GitHub-Event")).Msg("refused webhook")
			m.Webhooks.WithLabelValues(event, outcomeUnauthorized).Inc()
			http.Error(w, "invalid webhook signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// webhookDeadline bounds the handling of one delivery. GitHub gives up on a delivery after 10 s
// and marks it failed; answering 500 before that (the database unreachable, Postgres restarting)
// says the same thing sooner and frees the request instead of piling requests up.
var webhookDeadline = 8 * time.Second

// deliveryContext lets a delivery's database writes (enqueue, delivery record) go before the
// workers' queued writes on SQLite, where one writer runs at a time: GitHub is waiting for the
// acknowledgement, the workers are not (Postgres ignores the mark). It also puts the
// delivery under webhookDeadline.
func deliveryContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(sqlitedb.Urgent(r.Context()), webhookDeadline)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// webhookErrorCallback answers a failed delivery: 400 for a payload the handler could not decode
// or headers the dispatcher rejected, 500 for our own failures (GitHub then shows the delivery
// as failed and it can be redelivered).
func webhookErrorCallback(m *metrics.Metrics) githubapp.ErrorCallback {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		event := eventLabel(r.Header.Get("X-GitHub-Event"))
		logger := zerolog.Ctx(r.Context())
		var ve githubapp.ValidationError
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &ve) && errors.As(ve.Cause, &tooLarge):
			logger.Warn().Err(err).Msg("webhook payload too large")
			m.Webhooks.WithLabelValues(event, outcomeInvalid).Inc()
			http.Error(w, "webhook payload larger than 25 MB", http.StatusRequestEntityTooLarge)
		case errors.Is(err, handlers.ErrBadPayload) || errors.As(err, &ve):
			logger.Warn().Err(err).Msg("invalid webhook")
			m.Webhooks.WithLabelValues(event, outcomeInvalid).Inc()
			http.Error(w, "invalid webhook headers or payload", http.StatusBadRequest)
		default:
			logger.Error().Err(err).Msg("webhook handling failed")
			m.Webhooks.WithLabelValues(event, outcomeError).Inc()
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		}
	}
}

// webhookResponseCallback counts a delivery the dispatcher accepted and answers as go-githubapp
// does: 200 for an event a handler took, 202 for one nobody subscribes to.
func webhookResponseCallback(m *metrics.Metrics) githubapp.ResponseCallback {
	return func(w http.ResponseWriter, r *http.Request, event string, handled bool) {
		outcome := outcomeHandled
		if !handled && event != "ping" {
			outcome = outcomeIgnored
		}
		m.Webhooks.WithLabelValues(eventLabel(event), outcome).Inc()
		githubapp.DefaultResponseCallback(w, r, event, handled)
	}
}
