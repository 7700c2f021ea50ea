package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/totto-ci/totto/internal/fakecircleci"
	"github.com/totto-ci/totto/internal/fakegithub"
)

// world is what the suite set up on the fakes: the repositories it used and the logs it serves.
type world struct {
	gh     *fakegithub.Server
	circle *fakecircleci.Server
	tb     *processTB

	log          []byte
	circleBuild  []byte
	circleOutput []byte
	failedOutput []string // the build's failed actions' output URLs

	mu    sync.Mutex
	repos map[string]bool
}

// Job is a CI job the suite registers before delivering its event: a GitHub Actions job (ID set)
// or a CircleCI build (BuildNum set).
type Job struct {
	Repo       string `json:"repo"`
	ID         int64  `json:"id,omitempty"`
	BuildNum   int    `json:"build_num,omitempty"`
	SHA        string `json:"sha"`
	Name       string `json:"name"`
	Conclusion string `json:"conclusion"`
}

// CheckRun is a check run as the suite checks it.
type CheckRun struct {
	Repo       string `json:"repo"`
	ID         int64  `json:"id"`
	SHA        string `json:"sha"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Conclusion string `json:"conclusion"`
	Title      string `json:"title"`
	Summary    string `json:"summary"`
	Writes     int    `json:"writes"`
}

// State is everything the suite verifies after a run.
type State struct {
	CheckRuns  []CheckRun     `json:"check_runs"`
	Comments   int            `json:"comments"`
	Reactions  int            `json:"reactions"`
	Requests   int            `json:"requests"`
	Tokens     int            `json:"tokens"`
	Violations []string       `json:"violations"`
	Injected   map[string]int `json:"injected"`
}

func newWorld(gh *fakegithub.Server, circle *fakecircleci.Server, tb *processTB, logPath, buildPath, outputPath string) (*world, error) {
	w := &world{gh: gh, circle: circle, tb: tb, repos: map[string]bool{}}
	var err error
	if logPath != "" {
		if w.log, err = os.ReadFile(logPath); err != nil {
			return nil, fmt.Errorf("job log: %w", err)
		}
	}
	if buildPath != "" {
		if w.circleBuild, err = os.ReadFile(buildPath); err != nil {
			return nil, fmt.Errorf("CircleCI build: %w", err)
		}
		var meta struct {
			Steps []struct {
				Actions []struct {
					Status    string `json:"status"`
					OutputURL string `json:"output_url"`
				} `json:"actions"`
			} `json:"steps"`
		}
		if err := json.Unmarshal(w.circleBuild, &meta); err != nil {
			return nil, fmt.Errorf("CircleCI build %s: %w", buildPath, err)
		}
		for _, s := range meta.Steps {
			for _, a := range s.Actions {
				if a.Status != "success" && a.OutputURL != "" {
					w.failedOutput = append(w.failedOutput, a.OutputURL)
				}
			}
		}
	}
	if outputPath != "" {
		if w.circleOutput, err = os.ReadFile(outputPath); err != nil {
			return nil, fmt.Errorf("CircleCI step output: %w", err)
		}
	}
	return w, nil
}

func (w *world) routes(mux *http.ServeMux, fr *front) {
	mux.HandleFunc("POST /_admin/jobs", w.addJobs)
	mux.HandleFunc("GET /_admin/state", func(rw http.ResponseWriter, r *http.Request) { w.state(rw, fr) })
	mux.HandleFunc("GET /_admin/log-hosts", w.logHosts)
	mux.HandleFunc("PUT /_admin/faults", func(rw http.ResponseWriter, r *http.Request) {
		var f faults
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			http.Error(rw, "faults: "+err.Error(), http.StatusBadRequest)
			return
		}
		fr.setFaults(f)
		rw.WriteHeader(http.StatusNoContent)
	})
}

// logHosts lists, one a line, the host:port of each server that log URLs and redirects name
// (GitHub's log blobs, CircleCI's step output): the App's logs.hosts must allow them, or every
// log is refused and the run measures no log storage or scanning at all.
func (w *world) logHosts(rw http.ResponseWriter, _ *http.Request) {
	rw.Header().Set("Content-Type", "text/plain")
	for _, raw := range []string{w.gh.URL, w.circle.URL} {
		u, err := url.Parse(raw)
		if err != nil {
			http.Error(rw, "log host: "+err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(rw, u.Host)
	}
}

func (w *world) addJobs(rw http.ResponseWriter, r *http.Request) {
	var jobs []Job
	if err := json.NewDecoder(r.Body).Decode(&jobs); err != nil {
		http.Error(rw, "jobs: "+err.Error(), http.StatusBadRequest)
		return
	}
	for _, j := range jobs {
		owner, name, ok := strings.Cut(j.Repo, "/")
		if !ok {
			http.Error(rw, fmt.Sprintf("job %+v: repo %q is not owner/name", j, j.Repo), http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		w.repos[j.Repo] = true
		w.mu.Unlock()
		if j.BuildNum != 0 {
			outputs := map[string][]byte{}
			for _, u := range w.failedOutput {
				outputs[u] = w.circleOutput
			}
			// Each status names its own commit: the build is of that commit, as CircleCI would say.
			w.circle.AddBuild(w.tb, "github", owner, name, j.BuildNum, fakecircleci.AtRevision(w.tb, w.circleBuild, j.SHA), outputs)
			continue
		}
		log := append(append([]byte{}, w.log...), fmt.Sprintf("\njob %d of %s finished with %s\n", j.ID, j.SHA, j.Conclusion)...)
		w.gh.AddJob(fakegithub.Job{ID: j.ID, RunID: j.ID / 10, Owner: owner, Repo: name, Name: j.Name, HeadSHA: j.SHA,
			HeadBranch: "feature", Conclusion: j.Conclusion, Log: log, Steps: []fakegithub.Step{
				{Name: "Set up job", Number: 1, Conclusion: "success"}, {Name: "Test", Number: 2, Conclusion: j.Conclusion}}})
	}
	rw.WriteHeader(http.StatusNoContent)
}

func (w *world) state(rw http.ResponseWriter, fr *front) {
	w.mu.Lock()
	repos := make([]string, 0, len(w.repos))
	for r := range w.repos {
		repos = append(repos, r)
	}
	w.mu.Unlock()
	sort.Strings(repos)
	st := State{CheckRuns: []CheckRun{}, Violations: w.gh.Violations(), Tokens: w.gh.TokenRequests(), Injected: fr.injectedCounts()}
	for _, full := range repos {
		owner, name, _ := strings.Cut(full, "/")
		for _, c := range w.gh.CheckRuns(owner, name) {
			st.CheckRuns = append(st.CheckRuns, CheckRun{Repo: full, ID: c.ID, SHA: c.HeadSHA, Name: c.Name, Status: c.Status,
				Conclusion: c.Conclusion, Title: c.Output.Title, Summary: c.Output.Summary, Writes: c.Writes})
		}
	}
	st.Comments = len(w.gh.App().Comments())
	st.Reactions = len(w.gh.App().Reactions())
	st.Requests = len(w.gh.Requests())
	rw.Header().Set("Content-Type", "application/json")
	json.NewEncoder(rw).Encode(st)
}
