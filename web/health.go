package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// healthCommits is how many recent commits of the branch the grid shows.
const healthCommits = 120

// healthWeeks is how many weeks the unexplained-share chart covers.
const healthWeeks = 12

// healthChartCommits bounds the commits the weekly chart reads, so one request's work is bounded
// on a busy branch; the chart says so when the bound cuts its oldest weeks.
const healthChartCommits = 300

// maxJobFilter bounds the job filter a request may carry.
const maxJobFilter = 256

type healthCell struct {
	cellKind
	Job   string
	JobID int64
	Href  string // this page with the cell selected
}

type healthRow struct {
	SHA     string
	At      time.Time
	Message string // first line; empty when the commit's push was not recorded
	Author  string
	PR      int // the pull request the message names, 0 if none
	Cells   []healthCell
	// verdicts are the row's jobs by name, before the columns are chosen.
	verdicts map[string]jobVerdict
}

// healthSelection is the cell a visitor clicked: its detail and the annotation forms, filled in.
type healthSelection struct {
	healthCell
	SHA  string
	Open []store.Annotation // open known-broken ranges whose glob matches the job
}

type healthData struct {
	Repo        string
	Branch      string
	Filter      string // job-name glob; empty shows every job
	AllJobs     int
	Jobs        []string
	Rows        []healthRow
	Legend      []cellKind
	Weekly      []point
	ChartCut    bool // healthChartCommits cut the chart's oldest commits
	Annotations []store.Annotation
	Selected    *healthSelection
}

// healthPage shows a branch like a CI HUD: recent commits (message, author, pull request) by job,
// each cell the job's verdict as a glyph and a colour; a click on a cell opens its detail with the
// known-broken forms filled in (full SHA). Below: the weekly share of commits with unexplained
// failures, from the same verdicts, and the known-broken annotations.
func (s *server) healthPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	repo, ok := s.pathRepo(w, r)
	if !ok || !s.viewer(r).allow(w, r, infoOf(repo)) {
		return
	}
	q := r.URL.Query()
	d := healthData{Repo: repo.FullName, Branch: q.Get("branch"), Filter: strings.TrimSpace(q.Get("jobs")), Legend: cellKinds}
	if len(d.Filter) > maxJobFilter || triage.CheckJobGlob(d.Filter) != nil {
		http.Error(w, "the job filter must be a job-name glob of at most 256 bytes of visible text", http.StatusBadRequest)
		return
	}
	if d.Branch == "" {
		d.Branch = s.defaultBranch(ctx, repo.ID)
	}
	now := s.deps.Now().UTC()
	from := weekStart(now).AddDate(0, 0, -7*(healthWeeks-1))
	recent, err := s.branchVerdicts(ctx, repo, d.Branch, healthChartCommits, from)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Weekly, d.ChartCut = unexplainedShare(recent, from), len(recent) == healthChartCommits
	grid := recent[:min(healthCommits, len(recent))]
	if len(grid) < healthCommits {
		if grid, err = s.branchVerdicts(ctx, repo, d.Branch, healthCommits, time.Time{}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	pushed, err := s.st.BranchCommits(ctx, repo.ID, d.Branch, healthCommits)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Rows = healthRows(grid, pushed, healthCommits)
	if d.Annotations, err = s.st.Annotations(ctx, repo.ID, false); err != nil {
		s.fail(w, r, err)
		return
	}
	d.layout(q)
	s.render(w, r, http.StatusOK, "health", repo.FullName+" health", d)
}

// layout picks the columns the filter keeps, fills each row's cells and finds the selected cell.
func (d *healthData) layout(q url.Values) {
	names := map[string]bool{}
	for _, row := range d.Rows {
		for name := range row.verdicts {
			names[name] = true
		}
	}
	d.AllJobs = len(names)
	for name := range names {
		if d.Filter == "" || triage.MatchJobGlob(d.Filter, name) {
			d.Jobs = append(d.Jobs, name)
		}
	}
	slices.Sort(d.Jobs)
	selSHA, selJob := q.Get("sha"), q.Get("job")
	for i := range d.Rows {
		row := &d.Rows[i]
		row.Cells = make([]healthCell, len(d.Jobs))
		for k, name := range d.Jobs {
			v, ok := row.verdicts[name]
			if !ok {
				continue
			}
			c := healthCell{cellKind: kindOf(v.State), Job: name, JobID: v.JobID, Href: d.cellHref(row.SHA, name)}
			row.Cells[k] = c
			if row.SHA == selSHA && name == selJob {
				d.Selected = &healthSelection{healthCell: c, SHA: row.SHA}
			}
		}
	}
	if d.Selected != nil {
		for _, a := range d.Annotations {
			if a.ToSHA == nil && triage.MatchJobGlob(a.JobGlob, d.Selected.Job) {
				d.Selected.Open = append(d.Selected.Open, a)
			}
		}
	}
}

// cellHref is the page with one cell selected, keeping the branch and the filter.
func (d *healthData) cellHref(sha, job string) string {
	v := url.Values{"branch": {d.Branch}, "sha": {sha}, "job": {job}}
	if d.Filter != "" {
		v.Set("jobs", d.Filter)
	}
	return "?" + v.Encode() + "#cell"
}

// unexplainedShare is, per week, the percentage of the commits whose latest job completion falls
// in it that have a failed job the verdict leaves unexplained (new, no log).
func unexplainedShare(commits []commitVerdicts, from time.Time) []point {
	total := make([]int64, healthWeeks)
	bad := make([]int64, healthWeeks)
	for _, c := range commits {
		i := int(c.At.UTC().Sub(from) / (7 * 24 * time.Hour))
		if c.At.Before(from) || i >= healthWeeks {
			continue
		}
		total[i]++
		for _, v := range c.Jobs {
			if v.Unexplained() {
				bad[i]++
				break
			}
		}
	}
	out := make([]point, healthWeeks)
	for i := range out {
		v := 0.0
		if total[i] > 0 {
			v = float64(int(1000*float64(bad[i])/float64(total[i]))) / 10
		}
		out[i] = point{Label: from.AddDate(0, 0, 7*i).Format("2006-01-02"), Value: v}
	}
	return out
}

// pullRequestRe finds the pull request in the first line of a commit GitHub merged: "Title (#12)"
// for a squash merge, "Merge pull request #12 from owner/branch" for a merge commit.
var pullRequestRe = regexp.MustCompile(`\(#([0-9]{1,9})\)\s*$|^Merge pull request #([0-9]{1,9}) `)

// pullRequestOf is the number of the pull request a merged commit's message names, or 0.
func pullRequestOf(message string) int {
	m := pullRequestRe.FindStringSubmatch(message)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1] + m[2])
	return n
}

// pathRepo loads the repository named by the {owner}/{repo} path: 404 when unknown (or not a
// name GitHub allows), 500 (logged) when the store fails. Callers check read or write access
// themselves.
func (s *server) pathRepo(w http.ResponseWriter, r *http.Request) (store.Repository, bool) {
	id := ident.Repo{Owner: r.PathValue("owner"), Name: r.PathValue("repo")}
	if err := id.Validate(); err != nil {
		s.notFound(w, r, err.Error())
		return store.Repository{}, false
	}
	repo, err := s.st.Repository(r.Context(), id.String())
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "unknown repository "+id.String())
		return repo, false
	} else if err != nil {
		s.fail(w, r, err)
		return repo, false
	}
	return repo, true
}
