package app

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/metrics"
)

// devInsecureWarning is repeated on /healthz so that an insecure deployment is visible to
// whoever monitors it, not only in the start-up log.
const devInsecureWarning = "dev-insecure: webhook signatures are not checked"

// health is the /healthz body.
type health struct {
	Status   string `json:"status"`   // ok | unavailable
	Database string `json:"database"` // ok, or the error reaching it
	Warning  string `json:"warning,omitempty"`
}

// healthz answers 200 when the database answers within two seconds, 503 otherwise.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	h := health{Status: "ok", Database: "ok"}
	code := http.StatusOK
	if _, err := a.Store.MigrationStatus(ctx); err != nil {
		h.Status, h.Database, code = "unavailable", err.Error(), http.StatusServiceUnavailable
		zerolog.Ctx(ctx).Error().Err(err).Msg("health check: database unreachable")
	}
	if a.devInsecure {
		h.Warning = devInsecureWarning
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(h)
}

// metricsHandler serves the App's registry in Prometheus' text format.
func metricsHandler(m *metrics.Metrics) http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// withRequestLogger gives each request a logger derived from the App's, with the request's path and
// id (also returned in X-Request-Id), so handlers log through zerolog.Ctx; the webhook dispatcher
// adds the event type and delivery id to it.
func withRequestLogger(logger zerolog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := requestID(r)
		w.Header().Set(RequestIDHeader, id)
		l := logger.With().Str("http_path", r.URL.Path).Str("request_id", id).Logger()
		next.ServeHTTP(w, r.WithContext(l.WithContext(r.Context())))
	})
}
