package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Step is one step of a GitHub Actions job.
type Step struct {
	Name       string
	Number     int
	Conclusion string
}

// Job is a GitHub Actions job the fake knows, with its log.
type Job struct {
	ID         int64
	RunID      int64
	RunAttempt int
	Owner      string
	Repo       string
	Name       string
	HeadSHA    string
	HeadBranch string
	Status     string // default "completed"
	Conclusion string // "success", "failure", ...
	Steps      []Step
	Log        []byte
	// StallLog, when set, makes a download of the log send its first half and then stall until
	// the channel is closed or the client goes away (a download in flight, for interrupt tests).
	StallLog <-chan struct{}
	// LogStatus, when non-zero, is answered instead of the log redirect (404 or 410: expired).
	LogStatus int
	// StartedAt and CompletedAt, when set, replace the fixed times the fake reports, for tests
	// where the order of commits in time matters.
	StartedAt, CompletedAt time.Time
}

// CheckRunOutput is the output block of a check run.
type CheckRunOutput struct {
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Text    string `json:"text,omitempty"`
}

// CheckRun is a check run created through the fake, with how many times it was written.
type CheckRun struct {
	ID         int64          `json:"id"`
	Owner      string         `json:"-"`
	Repo       string         `json:"-"`
	Name       string         `json:"name"`
	HeadSHA    string         `json:"head_sha"`
	Status     string         `json:"status"`
	Conclusion string         `json:"conclusion,omitempty"`
	DetailsURL string         `json:"details_url,omitempty"`
	ExternalID string         `json:"external_id,omitempty"`
	Output     CheckRunOutput `json:"output"`
	// AppID is the App that created the check run: the fake's AppID for runs created through
	// its API; AddCheckRun can add another App's.
	AppID       int64     `json:"-"`
	Writes      int       `json:"-"`
	CreatedAt   time.Time `json:"-"`
	CompletedAt time.Time `json:"-"`
}

type state struct {
	jobs       map[int64]*Job
	checkRuns  []*CheckRun
	nextID     int64
	tokenCalls int
	authState
}

func (st *state) init() {
	st.jobs = map[int64]*Job{}
	st.nextID = 1000
}

// AddCheckRun adds a check run another App (or workflow) created, for tests of what totto must
// not touch. Its ID is assigned and returned; AppID 0 means GitHub Actions' App (15368).
func (s *Server) AddCheckRun(c CheckRun) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.AppID == 0 {
		c.AppID = 15368
	}
	if c.Status == "" {
		c.Status = "completed"
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	c.ID = s.newID()
	s.checkRuns = append(s.checkRuns, &c)
	return c.ID
}

// appJSON is the App object GitHub embeds in a check run.
func appJSON(id int64) map[string]any {
	slug := fmt.Sprintf("app-%d", id)
	return map[string]any{"id": id, "slug": slug, "node_id": fmt.Sprintf("A_%d", id), "name": slug,
		"owner":      map[string]any{"login": "octo", "id": 1, "type": "Organization"},
		"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "events": []string{"check_run"}}
}

// AddJob makes a GitHub Actions job (and its log) known to the fake.
func (s *Server) AddJob(j Job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j.Status == "" {
		j.Status = "completed"
	}
	if j.RunAttempt == 0 {
		j.RunAttempt = 1
	}
	cp := j
	s.jobs[j.ID] = &cp
}

// CheckRuns returns copies of the check runs created on owner/repo.
func (s *Server) CheckRuns(owner, repo string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CheckRun
	for _, c := range s.checkRuns {
		if c.Owner == owner && c.Repo == repo {
			out = append(out, *c)
		}
	}
	return out
}

// TokenRequests counts installation access tokens issued.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenCalls
}

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
}
