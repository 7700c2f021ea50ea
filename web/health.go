package web

import (
	"errors"
	"github.com/totto-ci/totto/access"
	"net/http"
	"strings"
	"time"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// healthCommits is how many recent default-branch commits the grid shows.
const healthCommits = 30

// healthWeeks is how many weeks the unexplained-share chart covers.
const healthWeeks = 12

// Cell states of the health grid, from the job's verdict on that commit.
const (
	cellPassed         = "passed"
	cellFlaky          = "flaky"
	cellKnownBroken    = "known-broken"
	cellKnownProblem   = "known-problem"
	cellBrokenUpstream = "broken-upstream"
	cellNew            = "new"
	cellNoLog          = "no-log"
	cellOther          = "other" // cancelled, skipped, …
)

type healthCell struct {
	State string
	JobID int64
}

type healthRow struct {
	SHA   string
	At    time.Time
	Cells []healthCell // in Jobs order; State "" when the job did not run
}

type healthData struct {
	Repo        string
	Branch      string
	Jobs        []string
	Rows        []healthRow
	Weekly      []point
	Annotations []store.Annotation
}

// healthPage shows the default branch: recent commits × jobs coloured by verdict, the weekly share
// of commits with unexplained failures, and the known-broken annotations (open and close here).
func (s *server) healthPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	repo, ok := s.pathRepo(w, r)
	if !ok || !s.viewer(r).allow(w, r, infoOf(repo)) {
		return
	}
	name := repo.FullName
	d := healthData{Repo: name, Branch: r.URL.Query().Get("branch")}
	if d.Branch == "" {
		d.Branch = s.defaultBranch(ctx, repo.ID)
	}
	grid, err := s.st.BranchGrid(ctx, repo.ID, d.Branch, healthCommits)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Jobs = grid.Jobs
	for _, c := range grid.Commits {
		row := healthRow{SHA: c.SHA, At: c.At, Cells: make([]healthCell, len(grid.Jobs))}
		var rep *triage.Report
		for i, jn := range grid.Jobs {
			cell, ok := c.Cells[jn]
			if !ok {
				continue
			}
			hc := healthCell{JobID: cell.JobID, State: cellOther}
			switch {
			case cell.Conclusion == "success" && cell.Attempts > 1:
				hc.State = cellFlaky
			case cell.Conclusion == "success":
				hc.State = cellPassed
			case triage.Conclusion(cell.Conclusion).Failed():
				if rep == nil {
					x, _, err := s.commitReport(ctx, repo, c.SHA)
					if err != nil {
						s.fail(w, r, err)
						return
					}
					rep = &x
				}
				hc.State = cellNew
				for _, v := range rep.Jobs {
					if v.Run.Name == jn {
						hc.State = string(v.Verdict)
					}
				}
			}
			row.Cells[i] = hc
		}
		d.Rows = append(d.Rows, row)
	}
	if d.Weekly, err = s.unexplainedShare(r, repo.ID, d.Branch); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Annotations, err = s.st.Annotations(ctx, repo.ID, false); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "health", name+" health", d)
}

// unexplainedShare is, per week, the percentage of the branch's commits with at least one failed
// job whose stored log no pattern applying to the repository matched.
func (s *server) unexplainedShare(r *http.Request, repoID int64, branch string) ([]point, error) {
	now := s.deps.Now().UTC()
	from := weekStart(now).AddDate(0, 0, -7*(healthWeeks-1))
	commits, err := s.st.BranchOutcomes(r.Context(), repoID, branch, from, now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	total := make([]int64, healthWeeks)
	bad := make([]int64, healthWeeks)
	for _, c := range commits {
		i := int(c.At.UTC().Sub(from) / (7 * 24 * time.Hour))
		if i < 0 || i >= healthWeeks {
			continue
		}
		total[i]++
		if c.Unexplained {
			bad[i]++
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
	return out, nil
}

// openAnnotation declares a known-broken range from a commit on.
func (s *server) openAnnotation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	repo, ok := s.pathRepo(w, r)
	if !ok {
		return
	}
	name := repo.FullName
	glob, from, reason := strings.TrimSpace(r.PostFormValue("job")), strings.TrimSpace(r.PostFormValue("from")), strings.TrimSpace(r.PostFormValue("reason"))
	if glob == "" || from == "" {
		http.Error(w, "a job glob and a from-commit are required", http.StatusBadRequest)
		return
	}
	if err := triage.CheckJobGlob(glob); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	actor, ok := s.authorize(w, r, access.ChangeAnnotation, access.Target{Owner: repo.Owner(), Repo: name, Private: repo.Private})
	if !ok {
		return
	}
	from, ok = s.typedCommit(w, r, repo, from)
	if !ok {
		return
	}
	if _, err := s.st.OpenAnnotation(ctx, store.Annotation{RepoID: repo.ID, JobGlob: glob, FromSHA: from, Reason: reason, CreatedBy: actor}); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/repos/"+name+"/health", http.StatusSeeOther)
}

// closeAnnotation ends the open known-broken ranges of a job glob at the fixing commit.
func (s *server) closeAnnotation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	repo, ok := s.pathRepo(w, r)
	if !ok {
		return
	}
	name := repo.FullName
	glob, to := strings.TrimSpace(r.PostFormValue("job")), strings.TrimSpace(r.PostFormValue("to"))
	if glob == "" || to == "" {
		http.Error(w, "a job glob and a fixing commit are required", http.StatusBadRequest)
		return
	}
	if err := triage.CheckJobGlob(glob); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	actor, ok := s.authorize(w, r, access.ChangeAnnotation, access.Target{Owner: repo.Owner(), Repo: name, Private: repo.Private})
	if !ok {
		return
	}
	to, ok = s.typedCommit(w, r, repo, to)
	if !ok {
		return
	}
	if _, err := s.st.CloseAnnotation(ctx, repo.ID, glob, to, actor); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/repos/"+name+"/health", http.StatusSeeOther)
}

// typedCommit resolves a commit typed in a form (a short SHA as the grid shows it, or a full one)
// to its full SHA; a reference that names no single commit is refused with 400 and the reason.
func (s *server) typedCommit(w http.ResponseWriter, r *http.Request, repo store.Repository, ref string) (string, bool) {
	sha, err := store.ResolveCommit(r.Context(), s.st, repo.ID, ref)
	if errors.Is(err, store.ErrCommitRef) {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return "", false
	} else if err != nil {
		s.fail(w, r, err)
		return "", false
	}
	return sha, true
}

// pathRepo loads the repository named by the {owner}/{repo} path: 404 when unknown, 500 (logged)
// when the store fails. Callers check read or write access themselves.
func (s *server) pathRepo(w http.ResponseWriter, r *http.Request) (store.Repository, bool) {
	name := r.PathValue("owner") + "/" + r.PathValue("repo")
	repo, err := s.st.Repository(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "unknown repository "+name)
		return repo, false
	} else if err != nil {
		s.fail(w, r, err)
		return repo, false
	}
	return repo, true
}
