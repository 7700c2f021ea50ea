package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

func (s *Server) routes() {
	s.Handle("POST /app/installations/{id}/access_tokens", s.createToken)
	s.Handle("GET /repos/{owner}/{repo}/actions/jobs/{id}", s.getJob)
	s.Handle("GET /repos/{owner}/{repo}/actions/jobs/{id}/logs", s.getJobLogs)
	s.Handle("GET /_blobs/job-logs/{id}", s.getJobLogBlob)
	s.Handle("POST /repos/{owner}/{repo}/check-runs", s.createCheckRun)
	s.Handle("PATCH /repos/{owner}/{repo}/check-runs/{id}", s.updateCheckRun)
	s.Handle("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", s.listCheckRuns)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	if !s.checkAppJWT(w, r) {
		return
	}
	s.mu.Lock()
	s.tokenCalls++
	n := s.tokenCalls
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"token":                fmt.Sprintf("ghs_fakeinstallationtoken%04d", n),
		"expires_at":           time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		"permissions":          map[string]string{"checks": "write", "actions": "read", "statuses": "read", "contents": "read"},
		"repository_selection": "all",
	})
}

func (s *Server) lookupJob(r *http.Request) *Job {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil || j.Owner != r.PathValue("owner") || j.Repo != r.PathValue("repo") {
		return nil
	}
	cp := *j
	return &cp
}

func (s *Server) jobJSON(j *Job) map[string]any {
	steps := []map[string]any{}
	for _, st := range j.Steps {
		steps = append(steps, map[string]any{"name": st.Name, "number": st.Number, "status": "completed", "conclusion": st.Conclusion})
	}
	repoURL := fmt.Sprintf("%s/api/v3/repos/%s/%s", s.URL, j.Owner, j.Repo)
	started, completed := "2026-11-20T09:14:02Z", "2026-11-20T09:19:40Z"
	if !j.StartedAt.IsZero() {
		started = j.StartedAt.UTC().Format(time.RFC3339)
	}
	if !j.CompletedAt.IsZero() {
		completed = j.CompletedAt.UTC().Format(time.RFC3339)
	}
	return map[string]any{
		"id": j.ID, "run_id": j.RunID, "run_attempt": j.RunAttempt, "node_id": fmt.Sprintf("J_%d", j.ID),
		"run_url":  fmt.Sprintf("%s/actions/runs/%d", repoURL, j.RunID),
		"url":      fmt.Sprintf("%s/actions/jobs/%d", repoURL, j.ID),
		"html_url": fmt.Sprintf("https://github.com/%s/%s/actions/runs/%d/job/%d", j.Owner, j.Repo, j.RunID, j.ID),
		"head_sha": j.HeadSHA, "head_branch": j.HeadBranch, "status": j.Status, "conclusion": j.Conclusion,
		"name": j.Name, "steps": steps, "check_run_url": fmt.Sprintf("%s/check-runs/%d", repoURL, j.ID),
		"started_at": started, "completed_at": completed,
		"labels": []string{"ubuntu-latest"}, "workflow_name": "CI",
	}
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	j := s.lookupJob(r)
	if j == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, s.jobJSON(j))
}

// getJobLogs answers like GitHub: 302 to a short-lived URL on another host.
func (s *Server) getJobLogs(w http.ResponseWriter, r *http.Request) {
	j := s.lookupJob(r)
	if j == nil {
		notFound(w)
		return
	}
	if j.LogStatus != 0 {
		writeJSON(w, j.LogStatus, map[string]string{"message": http.StatusText(j.LogStatus)})
		return
	}
	w.Header().Set("Location", fmt.Sprintf("%s/_blobs/job-logs/%d?sig=fake&se=%d", s.URL, j.ID, time.Now().Add(time.Minute).Unix()))
	w.WriteHeader(http.StatusFound)
}

func (s *Server) getJobLogBlob(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	j := s.jobs[id]
	s.mu.Unlock()
	if j == nil {
		http.Error(w, "BlobNotFound", http.StatusNotFound)
		return
	}
	if j.StallLog != nil {
		w.Header().Set("Content-Length", strconv.Itoa(len(j.Log)))
		w.Write(j.Log[:len(j.Log)/2])
		w.(http.Flusher).Flush()
		select {
		case <-j.StallLog:
		case <-r.Context().Done():
		}
		return
	}
	s.writeLog(w, j.Log)
}

type checkRunRequest struct {
	Name        string          `json:"name"`
	HeadSHA     string          `json:"head_sha"`
	Status      string          `json:"status"`
	Conclusion  string          `json:"conclusion"`
	DetailsURL  string          `json:"details_url"`
	ExternalID  string          `json:"external_id"`
	Output      *CheckRunOutput `json:"output"`
	CompletedAt *time.Time      `json:"completed_at"`
}

func (s *Server) checkRunJSON(c *CheckRun) map[string]any {
	repoURL := fmt.Sprintf("%s/api/v3/repos/%s/%s", s.URL, c.Owner, c.Repo)
	return map[string]any{
		"id": c.ID, "node_id": fmt.Sprintf("CR_%d", c.ID), "head_sha": c.HeadSHA, "external_id": c.ExternalID,
		"url":         fmt.Sprintf("%s/check-runs/%d", repoURL, c.ID),
		"html_url":    fmt.Sprintf("https://github.com/%s/%s/runs/%d", c.Owner, c.Repo, c.ID),
		"details_url": c.DetailsURL, "status": c.Status, "conclusion": nullable(c.Conclusion),
		"started_at": c.CreatedAt.UTC().Format(time.RFC3339), "completed_at": nil, "name": c.Name,
		"output": map[string]any{"title": c.Output.Title, "summary": c.Output.Summary, "text": c.Output.Text,
			"annotations_count": 0, "annotations_url": fmt.Sprintf("%s/check-runs/%d/annotations", repoURL, c.ID)},
		"check_suite": map[string]any{"id": 1}, "app": appJSON(c.AppID), "pull_requests": []any{},
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) createCheckRun(w http.ResponseWriter, r *http.Request) {
	var req checkRunRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	c := &CheckRun{Owner: r.PathValue("owner"), Repo: r.PathValue("repo"), Name: req.Name, HeadSHA: req.HeadSHA,
		Status: req.Status, Conclusion: req.Conclusion, DetailsURL: req.DetailsURL, ExternalID: req.ExternalID,
		Writes: 1, CreatedAt: time.Now(), AppID: s.AppID}
	if c.Status == "" {
		c.Status = "queued"
	}
	if c.Conclusion != "" {
		c.Status = "completed"
	}
	if req.Output != nil {
		c.Output = *req.Output
	}
	s.mu.Lock()
	c.ID = s.newID()
	s.checkRuns = append(s.checkRuns, c)
	out := s.checkRunJSON(c)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) updateCheckRun(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var req checkRunRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.checkRuns {
		if c.ID != id || c.Owner != r.PathValue("owner") || c.Repo != r.PathValue("repo") {
			continue
		}
		if c.AppID != s.AppID {
			// GitHub lets only the App that created a check run update it.
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration",
				"documentation_url": "https://docs.github.com/rest/checks/runs#update-a-check-run"})
			return
		}
		c.Writes++
		if req.Name != "" {
			c.Name = req.Name
		}
		if req.Status != "" {
			c.Status = req.Status
		}
		if req.Conclusion != "" {
			c.Conclusion, c.Status = req.Conclusion, "completed"
		}
		if req.DetailsURL != "" {
			c.DetailsURL = req.DetailsURL
		}
		if req.Output != nil {
			c.Output = *req.Output
		}
		writeJSON(w, http.StatusOK, s.checkRunJSON(c))
		return
	}
	notFound(w)
}

func (s *Server) listCheckRuns(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("check_name")
	appID, _ := strconv.ParseInt(r.URL.Query().Get("app_id"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	runs := []map[string]any{}
	for _, c := range s.checkRuns {
		if c.Owner == r.PathValue("owner") && c.Repo == r.PathValue("repo") && c.HeadSHA == r.PathValue("ref") && (name == "" || c.Name == name) &&
			(appID == 0 || c.AppID == appID) {
			runs = append(runs, s.checkRunJSON(c))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(runs), "check_runs": runs})
}
