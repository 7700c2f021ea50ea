// Package fakecircleci is a stand-in for CircleCI's API v1.1 and its step-output storage on
// loopback. It serves real build responses from the corpus, with each output_url rewritten to point
// at the fake, so the provider code runs against the shapes CircleCI really returns.
package fakecircleci

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Server is the fake; create it with New.
type Server struct {
	URL string

	mu       sync.Mutex
	builds   map[string][]byte // "github/owner/repo/num" -> build JSON
	outputs  map[string][]byte // output id -> body
	status   map[string]int    // path -> status to answer instead
	requests []*http.Request
}

// New starts the fake for the test's lifetime.
func New(tb testing.TB) *Server {
	s := &Server{builds: map[string][]byte{}, outputs: map[string][]byte{}, status: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1.1/project/{vcs}/{owner}/{repo}/{num}", s.build)
	mux.HandleFunc("GET /api/v1.1/project/{vcs}/{owner}/{repo}/tree/{branch...}", s.tree)
	mux.HandleFunc("GET /output/{id}", s.output)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Clone(r.Context()))
		code := s.status[r.URL.Path]
		s.mu.Unlock()
		if code != 0 {
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"message":"%s"}`, http.StatusText(code))
			return
		}
		mux.ServeHTTP(w, r)
	}))
	s.URL = srv.URL
	tb.Cleanup(srv.Close)
	return s
}

// APIBase is the v1.1 API root to configure the provider with.
func (s *Server) APIBase() string { return s.URL + "/api/v1.1" }

// AddBuild serves buildJSON (a real v1.1 build response) for vcs/owner/repo/num. Every action's
// output_url is rewritten to the fake; outputs maps an original output_url to the body to serve
// (actions whose URL is not in outputs answer 404, as expired S3 objects do).
func (s *Server) AddBuild(tb testing.TB, vcs, owner, repo string, num int, buildJSON []byte, outputs map[string][]byte) {
	tb.Helper()
	var b map[string]any
	if err := json.Unmarshal(buildJSON, &b); err != nil {
		tb.Fatalf("fake CircleCI: build JSON: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	steps, _ := b["steps"].([]any)
	for si, st := range steps {
		actions, _ := st.(map[string]any)["actions"].([]any)
		for ai, a := range actions {
			am := a.(map[string]any)
			orig, _ := am["output_url"].(string)
			if orig == "" {
				continue
			}
			id := fmt.Sprintf("%s-%s-%d-%d-%d", owner, repo, num, si, ai)
			am["output_url"] = s.URL + "/output/" + id
			if body, ok := outputs[orig]; ok {
				s.outputs[id] = body
			}
		}
	}
	// The real API names the project the build belongs to (the corpus anonymised the names).
	b["username"], b["reponame"] = owner, repo
	out, _ := json.Marshal(b)
	s.builds[strings.Join([]string{vcs, owner, repo, fmt.Sprint(num)}, "/")] = out
}

// AtRevision returns buildJSON as a build of commit sha (its vcs_revision), so one real build
// response can stand for a build of the commit a test's status names.
func AtRevision(tb testing.TB, buildJSON []byte, sha string) []byte {
	tb.Helper()
	var b map[string]any
	if err := json.Unmarshal(buildJSON, &b); err != nil {
		tb.Fatalf("fake CircleCI: build JSON: %v", err)
	}
	b["vcs_revision"] = sha
	out, err := json.Marshal(b)
	if err != nil {
		tb.Fatalf("fake CircleCI: build JSON: %v", err)
	}
	return out
}

// Answer makes every request to path answer status (e.g. 502, 429) until cleared with 0.
func (s *Server) Answer(path string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[path] = status
}

// Requests returns the requests received so far.
func (s *Server) Requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.requests...)
}

func (s *Server) build(w http.ResponseWriter, r *http.Request) {
	key := strings.Join([]string{r.PathValue("vcs"), r.PathValue("owner"), r.PathValue("repo"), r.PathValue("num")}, "/")
	s.mu.Lock()
	b, ok := s.builds[key]
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Build not found"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func (s *Server) output(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	b, ok := s.outputs[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}
