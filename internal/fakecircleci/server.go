// Package fakecircleci is a stand-in for CircleCI's API v1.1, its step-output storage and the
// workflow part of API v2 on loopback. It serves real build responses from the corpus, with each
// output_url rewritten to point at the fake, so the provider code runs against the shapes
// CircleCI really returns; every API v2 request and answer is checked against CircleCI's
// published OpenAPI description, and a violation fails the test.
package fakecircleci

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
)

// Server is the fake; create it with New.
type Server struct {
	URL string

	mu       sync.Mutex
	builds   map[string][]byte // "github/owner/repo/num" -> build JSON
	outputs  map[string][]byte // output id -> body
	status   map[string]int    // path -> status to answer instead
	requests []*http.Request
	wf       workflowState
	// violations are API v2 requests or answers that break CircleCI's OpenAPI description.
	violations []string
}

// New starts the fake for the test's lifetime.
func New(tb testing.TB) *Server {
	s := &Server{builds: map[string][]byte{}, outputs: map[string][]byte{}, status: map[string]int{},
		wf: workflowState{workflows: map[string]Workflow{}}}
	spec := ""
	if dir := testcorpus.Dir(); dir != "" {
		spec = filepath.Join(dir, "api", "circleci", "circleci-api-v2.openapi.json")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1.1/project/{vcs}/{owner}/{repo}/{num}", s.build)
	mux.HandleFunc("GET /api/v1.1/project/{vcs}/{owner}/{repo}/tree/{branch...}", s.tree)
	mux.HandleFunc("GET /output/{id}", s.output)
	mux.HandleFunc("GET /api/v2/workflow/{id}", s.getWorkflow)
	mux.HandleFunc("GET /api/v2/workflow/{id}/job", s.workflowJobs)
	mux.HandleFunc("POST /api/v2/workflow/{id}/rerun", s.rerunWorkflow)
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
		if isV2(r.URL.Path) {
			s.serveV2(w, r, mux, spec)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	s.URL = srv.URL
	tb.Cleanup(func() {
		srv.Close()
		for _, v := range s.Violations() {
			tb.Errorf("API v2 traffic violates CircleCI's OpenAPI description: %s", v)
		}
	})
	return s
}

// serveV2 answers an API v2 request and validates the request and the answer.
func (s *Server) serveV2(w http.ResponseWriter, r *http.Request, mux *http.ServeMux, spec string) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &recorder{ResponseWriter: w}
	mux.ServeHTTP(rec, r)
	why := "the API v2 description is not in the corpus (../shared/corpus/api/circleci)"
	if spec != "" {
		v, err := loadV2(spec)
		if err != nil {
			why = err.Error()
		} else {
			why = v.check(r, body, rec.status, rec.Header(), rec.body.Bytes())
		}
	}
	if why != "" {
		s.mu.Lock()
		s.violations = append(s.violations, why)
		s.mu.Unlock()
	}
}

// Violations lists the API v2 requests and answers that broke CircleCI's OpenAPI description.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
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
