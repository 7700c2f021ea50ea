package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// faults are the misbehaviours the front door injects, each a share of API requests.
type faults struct {
	Seed          int64         `json:"seed"`
	FailRate      float64       `json:"fail_rate"`
	RateLimitRate float64       `json:"ratelimit_rate"`
	StallRate     float64       `json:"stall_rate"`
	Stall         time.Duration `json:"stall"`
}

// front routes API requests to the fake GitHub or the fake CircleCI, injecting faults on the way.
type front struct {
	github, circle *httputil.ReverseProxy
	logger         zerolog.Logger

	mu       sync.Mutex
	f        faults
	rng      *rand.Rand
	injected map[string]int
}

func newFront(githubURL, circleURL string, f faults, logger zerolog.Logger) (*front, error) {
	gu, err := url.Parse(githubURL)
	if err != nil {
		return nil, fmt.Errorf("fake GitHub URL %q: %w", githubURL, err)
	}
	cu, err := url.Parse(circleURL)
	if err != nil {
		return nil, fmt.Errorf("fake CircleCI URL %q: %w", circleURL, err)
	}
	fr := &front{github: httputil.NewSingleHostReverseProxy(gu), circle: httputil.NewSingleHostReverseProxy(cu),
		logger: logger, injected: map[string]int{}}
	fr.setFaults(f)
	return fr, nil
}

func (fr *front) setFaults(f faults) {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	fr.f = f
	fr.rng = rand.New(rand.NewPCG(uint64(f.Seed), 0x70770))
}

// injectedCounts says how many faults of each kind were answered.
func (fr *front) injectedCounts() map[string]int {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	out := make(map[string]int, len(fr.injected))
	for k, v := range fr.injected {
		out[k] = v
	}
	return out
}

// draw picks the fault for one request: "" (none), "fail-before", "fail-after", "primary",
// "secondary-429", "secondary-403" or "stall".
func (fr *front) draw() (string, time.Duration) {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	x := fr.rng.Float64()
	kind := ""
	switch {
	case x < fr.f.FailRate:
		kind = "fail-before"
		if fr.rng.IntN(2) == 0 {
			kind = "fail-after"
		}
	case x < fr.f.FailRate+fr.f.RateLimitRate:
		kind = [...]string{"primary", "secondary-429", "secondary-403"}[fr.rng.IntN(3)]
	case x < fr.f.FailRate+fr.f.RateLimitRate+fr.f.StallRate:
		kind = "stall"
	}
	if kind != "" {
		fr.injected[kind]++
	}
	return kind, fr.f.Stall
}

func (fr *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	proxy := fr.github
	if strings.HasPrefix(r.URL.Path, "/api/v1.1/") || strings.HasPrefix(r.URL.Path, "/output/") {
		proxy = fr.circle
	}
	kind, stall := fr.draw()
	switch kind {
	case "fail-before":
		writeError(w, http.StatusServiceUnavailable, "Service Unavailable", nil)
		return
	case "fail-after":
		// The work is done but the answer is lost, as behind a failing load balancer.
		rec := httptest.NewRecorder()
		proxy.ServeHTTP(rec, r)
		writeError(w, http.StatusBadGateway, "Server Error", nil)
		return
	case "primary":
		writeError(w, http.StatusForbidden, "API rate limit exceeded for installation ID 1.", map[string]string{
			"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "5000",
			"X-RateLimit-Reset": fmt.Sprint(time.Now().Add(2 * time.Second).Unix()), "X-RateLimit-Resource": "core"})
		return
	case "secondary-429", "secondary-403":
		status := http.StatusTooManyRequests
		if kind == "secondary-403" {
			status = http.StatusForbidden
		}
		// GitHub's documentation URL tells go-github it is a secondary limit; the 403 variant
		// leaves it out, so only the Retry-After header says so.
		doc := "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
		if kind == "secondary-403" {
			doc = "https://docs.github.com/rest"
		}
		writeErrorDoc(w, status, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			doc, map[string]string{"Retry-After": "1"})
		return
	case "stall":
		select {
		case <-time.After(stall):
		case <-r.Context().Done():
			return
		}
	}
	proxy.ServeHTTP(w, r)
}

func writeError(w http.ResponseWriter, status int, message string, headers map[string]string) {
	writeErrorDoc(w, status, message, "https://docs.github.com/rest", headers)
}

func writeErrorDoc(w http.ResponseWriter, status int, message, doc string, headers map[string]string) {
	for k, v := range headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, fmt.Sprintf(`{"message":%q,"documentation_url":%q}`, message, doc))
}
