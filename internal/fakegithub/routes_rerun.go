package fakegithub

import (
	"net/http"
	"strconv"
)

// rerunState is what the fake knows of job re-runs: whether the installation may ask for them
// (the App's "Actions: write" permission) and which jobs were re-run.
type rerunState struct {
	denied bool
	jobs   []int64
}

// DenyReruns answers job re-runs as GitHub does when the installation lacks the Actions: write
// permission (403 "Resource not accessible by integration").
func (a *AppState) DenyReruns(deny bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reruns.denied = deny
}

// Reruns lists the job ids re-run, in request order (refused requests are not listed).
func (a *AppState) Reruns() []int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]int64(nil), a.reruns.jobs...)
}

func (a *AppState) rerunJob(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("job_id"), 10, 64)
	if err != nil {
		notFound(w)
		return
	}
	a.mu.Lock()
	denied := a.reruns.denied
	if !denied {
		a.reruns.jobs = append(a.reruns.jobs, id)
	}
	a.mu.Unlock()
	if denied {
		writeJSON(w, http.StatusForbidden, map[string]any{"message": "Resource not accessible by integration",
			"documentation_url": "https://docs.github.com/rest/actions/workflow-runs#re-run-a-job-from-a-workflow-run", "status": "403"})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{})
}
