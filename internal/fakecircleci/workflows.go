package fakecircleci

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Workflow is a v2 workflow the fake knows: its status and jobs.
type Workflow struct {
	ID      string // a UUID
	Name    string
	Project string // project slug, e.g. gh/octo/widgets
	Status  string // success, running, failed, failing, …
	Jobs    []WorkflowJob
}

// WorkflowJob is one job of a workflow; Number is its v1.1 build number.
type WorkflowJob struct {
	ID     string // a UUID
	Number int
	Name   string
	Status string // success, failed, running, blocked, …
}

// Rerun is one workflow re-run the fake accepted.
type Rerun struct {
	WorkflowID string
	FromFailed bool
}

// workflowState is the fake's API v2 world.
type workflowState struct {
	workflows map[string]Workflow
	reruns    []Rerun
	refuse    int // status answered to re-runs instead of 202 (0: accept)
	pageSize  int // jobs per page of a workflow's job list (0: all on one page)
}

// PageJobs lists workflow jobs n per page, with next_page_token, as CircleCI pages long lists.
func (s *Server) PageJobs(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wf.pageSize = n
}

// AddWorkflow serves w through API v2 (replacing a workflow with the same id).
func (s *Server) AddWorkflow(w Workflow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wf.workflows[w.ID] = w
}

// RefuseReruns answers workflow re-runs with status (401, 403 or 404, as CircleCI does for a
// token that may not trigger the project), or accepts them again with 0.
func (s *Server) RefuseReruns(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wf.refuse = status
}

// Reruns lists the re-runs accepted, in request order.
func (s *Server) Reruns() []Rerun {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rerun(nil), s.wf.reruns...)
}

// created is when every fake workflow was created (fixed, so answers are reproducible).
var created = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// workflowOf looks up the workflow a v2 request names, answering CircleCI's errors itself: 401
// without a token, 404 for an unknown workflow. ok is false when it answered.
func (s *Server) workflowOf(w http.ResponseWriter, r *http.Request) (Workflow, bool) {
	if r.Header.Get("Circle-Token") == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "You must log in first."})
		return Workflow{}, false
	}
	s.mu.Lock()
	wf, ok := s.wf.workflows[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Workflow not found"})
	}
	return wf, ok
}

func (s *Server) getWorkflow(w http.ResponseWriter, r *http.Request) {
	wf, ok := s.workflowOf(w, r)
	if !ok {
		return
	}
	var stopped any
	if wf.Status != "running" && wf.Status != "failing" && wf.Status != "on_hold" {
		stopped = created.Add(10 * time.Minute).Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": wf.ID, "name": wf.Name, "status": wf.Status,
		"project_slug": wf.Project, "pipeline_id": "5034460f-c7c4-4c43-9457-de07e2029e7b", "pipeline_number": 25,
		"started_by": "c65b68ef-e73b-4bf2-be9a-7a322a9df150", "created_at": created.Format(time.RFC3339), "stopped_at": stopped})
}

func (s *Server) workflowJobs(w http.ResponseWriter, r *http.Request) {
	wf, ok := s.workflowOf(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	size := s.wf.pageSize
	s.mu.Unlock()
	jobs := wf.Jobs
	start := 0
	if tok := r.URL.Query().Get("page-token"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-"))
		if err != nil || n < 0 || n > len(jobs) {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "invalid page-token"})
			return
		}
		start = n
	}
	end := len(jobs)
	if size > 0 && start+size < end {
		end = start + size
	}
	var next any
	if end < len(jobs) {
		next = fmt.Sprintf("page-%d", end)
	}
	items := []map[string]any{}
	for _, j := range jobs[start:end] {
		items = append(items, map[string]any{"id": j.ID, "job_number": j.Number, "name": j.Name, "status": j.Status,
			"project_slug": wf.Project, "type": "build", "dependencies": []string{},
			"started_at": created.Add(time.Minute).Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_page_token": next})
}

func (s *Server) rerunWorkflow(w http.ResponseWriter, r *http.Request) {
	wf, ok := s.workflowOf(w, r)
	if !ok {
		return
	}
	var body struct {
		FromFailed bool     `json:"from_failed"`
		Jobs       []string `json:"jobs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || (body.FromFailed && len(body.Jobs) > 0) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "from_failed and jobs are mutually exclusive"})
		return
	}
	s.mu.Lock()
	refuse := s.wf.refuse
	if refuse == 0 {
		s.wf.reruns = append(s.wf.reruns, Rerun{WorkflowID: wf.ID, FromFailed: body.FromFailed})
	}
	n := len(s.wf.reruns)
	s.mu.Unlock()
	if refuse != 0 {
		writeJSON(w, refuse, map[string]any{"message": http.StatusText(refuse)})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"workflow_id": fmt.Sprintf("0e53027b-521a-4c40-9042-%012d", n)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
