package fakegithub

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Run is a GitHub Actions workflow run the fake lists; its jobs are the Jobs added with the same
// RunID (each job's RunAttempt says which attempt it belongs to).
type Run struct {
	ID         int64
	Owner      string
	Repo       string
	Name       string // workflow name, default "CI"
	HeadBranch string
	HeadSHA    string
	RunAttempt int // latest attempt, default 1
	Conclusion string
	CreatedAt  time.Time
}

// AddRun makes a workflow run known to the fake. The run-listing endpoints are registered on the
// first call, so servers of tests that never list runs answer exactly as before.
func (s *Server) AddRun(r Run) {
	s.mu.Lock()
	if r.RunAttempt == 0 {
		r.RunAttempt = 1
	}
	if r.Name == "" {
		r.Name = "CI"
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	}
	runs, first := s.runs(true)
	cp := r
	runs[r.ID] = &cp
	s.mu.Unlock()
	if first {
		s.Handle("GET /repos/{owner}/{repo}/actions/runs", s.listRuns)
		s.Handle("GET /repos/{owner}/{repo}/actions/runs/{id}/jobs", s.listRunJobs)
		s.Handle("GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/{attempt}/jobs", s.listRunJobs)
	}
}

// runsOf holds each server's runs (each map guarded by its server's mu); kept beside the server
// rather than in its state so the run endpoints stay in this one file.
var (
	runsMu sync.Mutex
	runsOf = map[*Server]map[int64]*Run{}
)

// runs returns the server's runs, creating the map (and reporting so) when create is set.
func (s *Server) runs(create bool) (map[int64]*Run, bool) {
	runsMu.Lock()
	defer runsMu.Unlock()
	m := runsOf[s]
	if m == nil && create {
		m = map[int64]*Run{}
		runsOf[s] = m
		s.tb.Cleanup(func() {
			runsMu.Lock()
			delete(runsOf, s)
			runsMu.Unlock()
		})
		return m, true
	}
	return m, false
}

func (s *Server) runJSON(r *Run) map[string]any {
	repoURL := fmt.Sprintf("%s/api/v3/repos/%s/%s", s.URL, r.Owner, r.Repo)
	return map[string]any{
		"id": r.ID, "name": r.Name, "node_id": fmt.Sprintf("WFR_%d", r.ID), "head_branch": r.HeadBranch,
		"head_sha": r.HeadSHA, "run_number": r.ID, "run_attempt": r.RunAttempt, "event": "push",
		"status": "completed", "conclusion": r.Conclusion, "workflow_id": 1,
		"url":        fmt.Sprintf("%s/actions/runs/%d", repoURL, r.ID),
		"html_url":   fmt.Sprintf("https://github.com/%s/%s/actions/runs/%d", r.Owner, r.Repo, r.ID),
		"jobs_url":   fmt.Sprintf("%s/actions/runs/%d/jobs", repoURL, r.ID),
		"logs_url":   fmt.Sprintf("%s/actions/runs/%d/logs", repoURL, r.ID),
		"created_at": r.CreatedAt.UTC().Format(time.RFC3339), "updated_at": r.CreatedAt.UTC().Format(time.RFC3339),
		"pull_requests": []any{},
	}
}

// listRuns answers GET /repos/{o}/{r}/actions/runs, newest first, honouring branch and created
// (">=DATE", "<=DATE", "A..B" or one day) and paginating with a Link header as GitHub does.
func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	keep, err := createdFilter(q.Get("created"))
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": err.Error()})
		return
	}
	s.mu.Lock()
	var runs []*Run
	all, _ := s.runs(false)
	for _, run := range all {
		if run.Owner == r.PathValue("owner") && run.Repo == r.PathValue("repo") &&
			(q.Get("branch") == "" || run.HeadBranch == q.Get("branch")) && keep(run.CreatedAt) {
			runs = append(runs, run)
		}
	}
	slices.SortFunc(runs, func(a, b *Run) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	total := len(runs)
	if filtered(q) {
		// "This endpoint will return up to 1,000 results for each search when using the
		// following parameters: actor, branch, check_suite_id, created, event, head_sha,
		// status." total_count still counts every match.
		runs = runs[:min(len(runs), runCap)]
	}
	_, lo, hi := paginate(w, r, len(runs))
	out := []map[string]any{}
	for _, run := range runs[lo:hi] {
		out = append(out, s.runJSON(run))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"total_count": total, "workflow_runs": out})
}

// runCap is the most runs a filtered listing returns, however many match.
const runCap = 1000

func filtered(q url.Values) bool {
	for _, p := range []string{"actor", "branch", "check_suite_id", "created", "event", "head_sha", "status"} {
		if q.Get(p) != "" {
			return true
		}
	}
	return false
}

// listRunJobs answers a run's jobs: the latest attempt's (filter=latest, the default), every
// attempt's (filter=all), or one attempt's (/attempts/{n}/jobs), paginated.
func (s *Server) listRunJobs(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	all, _ := s.runs(false)
	run := all[id]
	if run == nil || run.Owner != r.PathValue("owner") || run.Repo != r.PathValue("repo") {
		s.mu.Unlock()
		notFound(w)
		return
	}
	attempt := run.RunAttempt
	if a := r.PathValue("attempt"); a != "" {
		attempt, _ = strconv.Atoi(a)
	} else if r.URL.Query().Get("filter") == "all" {
		attempt = 0
	}
	var jobs []*Job
	for _, j := range s.jobs {
		if j.RunID == id && (attempt == 0 || j.RunAttempt == attempt) {
			jobs = append(jobs, j)
		}
	}
	slices.SortFunc(jobs, func(a, b *Job) int { return int(a.ID - b.ID) })
	_, lo, hi := paginate(w, r, len(jobs))
	out := []map[string]any{}
	for _, j := range jobs[lo:hi] {
		out = append(out, s.jobJSON(j))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(jobs), "jobs": out})
}

// paginate reads per_page (default 30, at most 100) and page, sets the Link header GitHub sends
// (next, last, first, prev as they apply) and returns the page's bounds in a list of n items.
func paginate(w http.ResponseWriter, r *http.Request, n int) (page, lo, hi int) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, err = strconv.Atoi(q.Get("page"))
	if err != nil || page <= 0 {
		page = 1
	}
	last := max(1, (n+per-1)/per)
	link := func(p int, rel string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: "/api/v3" + r.URL.Path}
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(p))
		v.Set("per_page", strconv.Itoa(per))
		u.RawQuery = v.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo = min(n, (page-1)*per)
	hi = min(n, lo+per)
	return page, lo, hi
}

// createdFilter parses GitHub's date qualifier for created: ">=D", ">D", "<=D", "<D", "A..B"
// (inclusive; "*" for an open end) or D, where a date D stands for its whole day and a date-time
// for its second.
func createdFilter(v string) (func(time.Time) bool, error) {
	if v == "" {
		return func(time.Time) bool { return true }, nil
	}
	parse := func(s string) (time.Time, error) {
		for _, layout := range []string{time.RFC3339, "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("created %q: not a date", v)
	}
	// end is the instant after the last one a bound names: the next day for a date, the next
	// second for a date-time.
	end := func(s string, t time.Time) time.Time {
		if strings.Contains(s, "T") {
			return t.Add(time.Second)
		}
		return t.Add(24 * time.Hour)
	}
	if a, b, ok := strings.Cut(v, ".."); ok {
		from, to := time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		var err1, err2 error
		if a != "*" {
			from, err1 = parse(a)
		}
		if b != "*" {
			var t time.Time
			t, err2 = parse(b)
			to = end(b, t)
		}
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("created %q: not a date range", v)
		}
		return func(t time.Time) bool { return !t.Before(from) && t.Before(to) }, nil
	}
	for _, op := range []string{">=", "<=", ">", "<"} {
		if rest, ok := strings.CutPrefix(v, op); ok {
			d, err := parse(rest)
			if err != nil {
				return nil, err
			}
			switch op {
			case ">=":
				return func(t time.Time) bool { return !t.Before(d) }, nil
			case "<=":
				return func(t time.Time) bool { return !t.After(d) }, nil
			case ">":
				return func(t time.Time) bool { return t.After(d) }, nil
			default:
				return func(t time.Time) bool { return t.Before(d) }, nil
			}
		}
	}
	d, err := parse(v)
	if err != nil {
		return nil, err
	}
	return func(t time.Time) bool { return !t.Before(d) && t.Before(d.Add(24*time.Hour)) }, nil
}
