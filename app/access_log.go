package app

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/metrics"
)

// RequestIDHeader carries a request's id: taken from a proxy that set one, else made here, and
// echoed in the response so a user's report can be matched with the log.
const RequestIDHeader = "X-Request-Id"

// safeRequestID is what an incoming request id may look like; anything else (too long, or with
// characters that could forge log structure) is replaced.
var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// requestID returns the request's id: the proxy's when it is safe, else a fresh random one.
func requestID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); safeRequestID.MatchString(id) {
		return id
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status and size of a response, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flushes, deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog writes one line per UI or API request: method, path (never the query, which can hold
// an OAuth code), status, size, duration and request id. Webhooks are logged by delivery and probes
// are not logged (they would drown everything else).
func accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		zerolog.Ctx(r.Context()).Info().Str("method", r.Method).Int("status", rec.status).Int64("bytes", rec.bytes).
			Dur("duration", time.Since(start)).Msg("http request")
	})
}

// timeAck observes how long the webhook handler took to answer.
func timeAck(m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		m.WebhookAck.Observe(time.Since(start).Seconds())
	})
}
