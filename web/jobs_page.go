package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
	"github.com/totto-ci/totto/verdicts"
)

// linesPerPage bounds what one job page reads and sends: a 100 MB log is never sent whole.
const linesPerPage = 500

// jobLink is the job page URL showing line (on the page that holds it, anchored).
func jobLink(jobID int64, line int) string {
	if line <= 0 {
		return fmt.Sprintf("/jobs/%d", jobID)
	}
	return fmt.Sprintf("/jobs/%d?page=%d#L%d", jobID, (line-1)/linesPerPage+1, line)
}

type jobData struct {
	Job      store.Job
	Repo     string
	Log      *store.Log
	Sections []logSection
	Page     int
	Pages    int
	Matches  []patterns.Match
	Verdict  *triage.JobVerdict
	LogError string
	// Focus is the line the page opens at: the line a pattern explained the failure with, else
	// the likely cause's; FocusLabel says which, Around is it with a few lines either side.
	Focus      int
	FocusLabel string
	Around     []logLine
	// History is where the same likely cause (by shape) was seen; ShapeKey names it.
	ShapeKey string
	History  store.FailureHistory
}

// jobPage shows one job: its verdict, the line that explains the failure (a pattern's match, else
// the likely cause) with its history in other jobs, and one page of its log, by default the page
// of that line, with its steps folded and matched lines highlighted and anchored (#L123).
func (s *server) jobPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	j, info, ok := s.pathJob(w, r)
	if !ok {
		return
	}
	d := jobData{Job: j, Repo: info.FullName}
	if d.Repo != "" {
		rep, err := s.commitReportFor(r, d.Repo, j.SHA)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Verdict = verdicts.Of(rep, j)
	}
	if j.LogID == nil {
		s.render(w, r, http.StatusOK, "job", j.Name, d)
		return
	}
	l, err := s.st.Log(ctx, *j.LogID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Log = &l
	d.Pages = max(1, (l.Lines+linesPerPage-1)/linesPerPage)
	ms, err := s.st.Matches(ctx, store.MatchFilter{LogID: l.ID, ForRepo: j.RepoID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byLine := map[int]patterns.Match{}
	for _, m := range ms {
		d.Matches = append(d.Matches, m.Match)
		if old, ok := byLine[m.Line]; !ok || m.Start < old.Start {
			byLine[m.Line] = m.Match
		}
	}
	if err := s.focus(r, &d); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Page = max(1, (d.Focus-1)/linesPerPage+1)
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p > 0 {
		d.Page = p
	}
	d.Page = min(d.Page, d.Pages)
	from, to := (d.Page-1)*linesPerPage+1, d.Page*linesPerPage
	lo, hi := from, to
	if d.Focus > 0 {
		lo, hi = min(lo, max(1, d.Focus-aroundBefore)), max(hi, d.Focus+aroundAfter)
	}
	if d.LogError = l.Expired(); d.LogError != "" {
		// Retention deleted the content: the matches still show what it said.
		s.render(w, r, http.StatusOK, "job", j.Name, d)
		return
	}
	// One pass reads the page and the lines around the focus.
	ls, err := s.readLines(ctx, l.StorageKey, lo, hi)
	if err != nil {
		// The error names the log store's paths or bucket: logged, not shown.
		zerolog.Ctx(ctx).Warn().Err(err).Int64("log", l.ID).Msg("job page: stored log unreadable")
		d.LogError = "the stored log could not be read (the log store is unavailable)"
	}
	shown := s.showLines(ls, byLine)
	var page []logs.Line
	var pageShown []logLine
	for i, x := range ls {
		if x.Num >= from && x.Num <= to {
			page, pageShown = append(page, x), append(pageShown, shown[i])
		}
		if d.Focus > 0 && x.Num >= d.Focus-aroundBefore && x.Num <= d.Focus+aroundAfter && !x.Overwritten {
			d.Around = append(d.Around, shown[i])
		}
	}
	d.Sections = sections(page, pageShown, d.Focus)
	s.render(w, r, http.StatusOK, "job", j.Name, d)
}

// pathJob loads the job of the {id} path that the viewer may read, with its repository: 400 for
// a bad id, 404 when unknown or not readable, 500 (logged) when the store fails.
func (s *server) pathJob(w http.ResponseWriter, r *http.Request) (store.Job, repoInfo, bool) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "job id must be a number", http.StatusBadRequest)
		return store.Job{}, repoInfo{}, false
	}
	j, err := s.st.Job(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "no job "+r.PathValue("id"))
		return j, repoInfo{}, false
	} else if err != nil {
		s.fail(w, r, err)
		return j, repoInfo{}, false
	}
	idx, err := s.repoIndex(ctx)
	if err != nil {
		s.fail(w, r, err)
		return j, repoInfo{}, false
	}
	info, ok := idx[j.RepoID]
	if !ok {
		info = unknownRepo(j.RepoID)
	}
	if !s.viewer(r).allow(w, r, info) {
		return j, info, false
	}
	return j, info, true
}

func (s *server) commitReportFor(r *http.Request, repoName, sha string) (triage.Report, error) {
	repo, err := s.st.Repository(r.Context(), repoName)
	if err != nil {
		return triage.Report{}, err
	}
	rep, _, err := s.commitReport(r.Context(), repo, sha)
	return rep, err
}

type commitData struct {
	Repo   string
	SHA    string
	Report triage.Report
	Title  string
	Jobs   []store.Job
}

// commitPage is where the check run's details link points: the verdicts of a commit, re-derived
// from stored data, and every job with links to its page and to the CI.
func (s *server) commitPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	repo, ok := s.pathRepo(w, r)
	if !ok || !s.viewer(r).allow(w, r, infoOf(repo)) {
		return
	}
	name := repo.FullName
	sha := r.PathValue("sha")
	rep, jobs, err := s.commitReport(ctx, repo, sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(jobs) == 0 {
		s.notFound(w, r, fmt.Sprintf("no jobs recorded for %s at %s", name, sha))
		return
	}
	s.render(w, r, http.StatusOK, "commit", name+"@"+shorten(sha, 8), commitData{Repo: name, SHA: sha, Report: rep, Title: triage.Title(rep), Jobs: jobs})
}

// repositoriesPage is the landing page: each repository's recent failures and how many a
// pattern explained. Private repositories the viewer cannot read are left out.
func (s *server) repositoriesPage(w http.ResponseWriter, r *http.Request) {
	rs, err := s.repoSummaries(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.viewer(r)
	shown := rs[:0]
	for _, x := range rs {
		if v.canRead(infoOf(x.Repository)) {
			shown = append(shown, x)
		}
	}
	s.render(w, r, http.StatusOK, "repos", "Repositories", shown)
}
