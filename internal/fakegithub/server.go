// Package fakegithub is a stand-in for the GitHub REST API on loopback for tests. Every request
// totto sends is checked against GitHub's published OpenAPI description (a request the real API
// would reject fails the test), responses follow the documented shapes, and faults (5xx, primary
// and secondary rate limits) can be injected to prove the callers recover.
package fakegithub

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/internal/testcorpus"
)

// Request is one request the fake received, kept so tests can assert on what was sent.
type Request struct {
	Method, Path, RawQuery string
	Body                   []byte
	Authorization          string
}

// fault is an injected failure answered instead of the real handler.
type fault struct {
	status     int
	headers    map[string]string
	body       string
	remaining  int
	pathPrefix string
}

// Server is the fake. Its zero value is not usable; call New.
type Server struct {
	URL string
	// AppID is the App the fake's tokens act as (default 1): the creator of the check runs made
	// through the API, and the only App allowed to update them.
	AppID int64

	tb  testing.TB
	srv *httptest.Server
	val *validator
	mux *http.ServeMux

	mu         sync.Mutex
	violations []string
	requests   []Request
	faults     []*fault
	traffic    Traffic
	rnd        *rand.Rand
	primary    *primaryLimit
	clock      func() time.Time
	state
}

// New starts a fake GitHub for the test and stops it at cleanup, failing the test if any request
// violated the OpenAPI description. It skips the test when the description is not available.
func New(tb testing.TB) *Server {
	tb.Helper()
	spec := testcorpus.Path(tb, "api", "github", "api.github.com.json.gz")
	v, err := loadValidator(spec)
	if err != nil {
		tb.Fatalf("fake GitHub: %v", err)
	}
	s := &Server{tb: tb, val: v, mux: http.NewServeMux(), AppID: 1}
	s.state.init()
	s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(func() {
		s.srv.Close()
		for _, v := range s.Violations() {
			tb.Errorf("request violates GitHub's OpenAPI description: %s", v)
		}
	})
	return s
}

// Client returns a go-github client pointed at the fake, authenticated with a static token.
func (s *Server) Client() *github.Client {
	c, err := github.NewClient(github.WithAuthToken("ghs_faketoken"), github.WithEnterpriseURLs(s.URL+"/api/v3/", s.URL+"/api/uploads/"))
	if err != nil {
		s.tb.Fatalf("fake GitHub client: %v", err)
	}
	return c
}

// Handle adds or overrides an endpoint (Go ServeMux pattern, e.g. "GET /repos/{owner}/{repo}").
func (s *Server) Handle(pattern string, h http.HandlerFunc) { s.mux.HandleFunc(pattern, h) }

// FailNext answers the next n API requests whose path starts with prefix ("" = any) with status.
func (s *Server) FailNext(n, status int, prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{status: status, remaining: n, pathPrefix: prefix,
		body: `{"message":"Server Error","documentation_url":"https://docs.github.com/rest"}`})
}

// RateLimitNext answers the next n API requests as GitHub does when the primary rate limit is
// exhausted (403, x-ratelimit-remaining: 0, x-ratelimit-reset) or, with retryAfter > 0, as a
// secondary rate limit (403 with Retry-After).
func (s *Server) RateLimitNext(n int, resetUnix int64, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &fault{status: http.StatusForbidden, remaining: n, headers: map[string]string{}}
	if retryAfter > 0 {
		f.headers["Retry-After"] = fmt.Sprint(retryAfter)
		f.body = `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`
	} else {
		f.headers["X-RateLimit-Limit"] = "5000"
		f.headers["X-RateLimit-Remaining"] = "0"
		f.headers["X-RateLimit-Used"] = "5000"
		f.headers["X-RateLimit-Reset"] = fmt.Sprint(resetUnix)
		f.headers["X-RateLimit-Resource"] = "core"
		f.body = `{"message":"API rate limit exceeded for installation ID 1.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`
	}
	s.faults = append(s.faults, f)
}

// Violations lists requests that did not conform to the OpenAPI description.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// Requests lists every request received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) violate(format string, args ...any) {
	s.mu.Lock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		http.Error(w, "reading body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: body, Authorization: r.Header.Get("Authorization")})
	s.mu.Unlock()

	s.delay()
	if strings.HasPrefix(r.URL.Path, "/_blobs/") {
		// Log blobs live on another host in reality; GitHub's token must never be sent there.
		if a := r.Header.Get("Authorization"); a != "" {
			s.violate("%s %s: Authorization header sent to the log storage host", r.Method, r.URL.Path)
		}
		if s.serverError(w, func(t Traffic) float64 { return t.ServerErrors }) {
			return
		}
		s.mux.ServeHTTP(w, r)
		return
	}
	r.URL.Path = "/" + strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api/v3"), "/")
	if v := s.val.validate(r, body); v != "" {
		s.violate("%s", v)
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed: " + v})
		return
	}
	if f := s.takeFault(r.URL.Path); f != nil {
		for k, v := range f.headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(f.status)
		io.WriteString(w, f.body)
		return
	}
	if !s.spend(w) || s.serverError(w, func(t Traffic) float64 { return t.ServerErrors }) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) takeFault(path string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.pathPrefix != "" && !strings.HasPrefix(path, f.pathPrefix) {
			continue
		}
		f.remaining--
		if f.remaining <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}
