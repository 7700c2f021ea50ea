package fakegithub

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Traffic is how the fake behaves under load, as GitHub does at scale: every answer is delayed
// by Latency; a share of API requests and log downloads fail with 502; a share of log downloads
// is cut off mid-body (the connection closes before Content-Length bytes). Seed makes the
// choice of failing requests repeatable.
type Traffic struct {
	Latency      time.Duration
	ServerErrors float64
	CutBodies    float64
	Seed         uint64
}

// primaryLimit is GitHub's hourly request budget: limit API requests per window, counted from
// the first request of a window; once spent, every API request is answered status with
// x-ratelimit-remaining 0 and x-ratelimit-reset (UTC epoch seconds) until the window ends, and
// no Retry-After.
type primaryLimit struct {
	limit, used int
	window      time.Duration
	status      int
	reset       time.Time // end of the current window; zero before the first request
	refusals    int
}

// SetTraffic sets latency and random faults for every later request.
func (s *Server) SetTraffic(t Traffic) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.traffic = t
	s.rnd = rand.New(rand.NewPCG(t.Seed, t.Seed^0x9e3779b97f4a7c15))
}

// SetPrimaryLimit makes the fake count API requests against a primary rate limit of limit
// requests per window, refused with status (403 or 429, both of which GitHub uses).
func (s *Server) SetPrimaryLimit(limit int, window time.Duration, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.primary = &primaryLimit{limit: limit, window: window, status: status}
}

// SetClock replaces the fake's clock (rate-limit windows), so a test can move time itself.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

// LimitRefusals counts API requests refused by the primary rate limit.
func (s *Server) LimitRefusals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.primary == nil {
		return 0
	}
	return s.primary.refusals
}

func (s *Server) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}

// chance reports whether a request falls in a share p of requests (s.mu held).
func (s *Server) chance(p float64) bool {
	return p > 0 && s.rnd != nil && s.rnd.Float64() < p
}

// delay waits out the configured latency.
func (s *Server) delay() {
	s.mu.Lock()
	d := s.traffic.Latency
	s.mu.Unlock()
	if d > 0 {
		time.Sleep(d)
	}
}

// spend counts an API request against the primary limit and sets the rate-limit headers GitHub
// sends; it reports false (and answers) when the budget is spent.
func (s *Server) spend(w http.ResponseWriter) bool {
	s.mu.Lock()
	p := s.primary
	if p == nil {
		s.mu.Unlock()
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "4999")
		w.Header().Set("X-RateLimit-Resource", "core")
		return true
	}
	now := s.now()
	if p.reset.IsZero() || !now.Before(p.reset) {
		// A new window; GitHub's reset is a whole epoch second.
		p.used, p.reset = 0, now.Add(p.window).Truncate(time.Second).Add(time.Second)
	}
	ok := p.used < p.limit
	if ok {
		p.used++
	} else {
		p.refusals++
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(p.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(p.limit-p.used))
	h.Set("X-RateLimit-Used", strconv.Itoa(p.used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(p.reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	status := p.status
	s.mu.Unlock()
	if !ok {
		writeJSON(w, status, map[string]string{"message": "API rate limit exceeded for installation ID 1.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"})
	}
	return ok
}

// serverError answers a share of requests with 502, as GitHub's front end does under load.
func (s *Server) serverError(w http.ResponseWriter, share func(Traffic) float64) bool {
	s.mu.Lock()
	fail := s.chance(share(s.traffic))
	s.mu.Unlock()
	if fail {
		writeJSON(w, http.StatusBadGateway, map[string]string{"message": "Server Error"})
	}
	return fail
}

// writeLog sends a log body, cut off after half of it for a share of downloads: the connection
// is closed with fewer bytes than Content-Length announced.
func (s *Server) writeLog(w http.ResponseWriter, body []byte) {
	s.mu.Lock()
	cut := s.chance(s.traffic.CutBodies)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	if !cut || len(body) < 2 {
		w.Write(body)
		return
	}
	w.Write(body[:len(body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}
