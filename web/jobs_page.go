package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
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
	Lines    []logLine
	Page     int
	Pages    int
	Matches  []patterns.Match
	Verdict  *triage.JobVerdict
	LogError string
}

// jobPage shows one job: its verdict and evidence, its matches, and one page of its log with the
// matched lines highlighted and anchored (#L123).
func (s *server) jobPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "job id must be a number", http.StatusBadRequest)
		return
	}
	j, err := s.st.Job(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "no job "+r.PathValue("id"))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	idx, err := s.repoIndex(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	info, ok := idx[j.RepoID]
	if !ok {
		info = unknownRepo(j.RepoID)
	}
	if !s.viewer(r).allow(w, r, info) {
		return
	}
	d := jobData{Job: j, Repo: info.FullName, Page: 1}
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p > 0 {
		d.Page = p
	}
	if d.Repo != "" {
		rep, err := s.commitReportFor(r, d.Repo, j.SHA)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Verdict = verdictOf(rep, j)
	}
	if j.LogID != nil {
		l, err := s.st.Log(ctx, *j.LogID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Log = &l
		d.Pages = max(1, (l.Lines+linesPerPage-1)/linesPerPage)
		d.Page = min(d.Page, d.Pages)
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
		from := (d.Page-1)*linesPerPage + 1
		if d.LogError = l.Expired(); d.LogError != "" {
			// Retention deleted the content: the matches above still show what it said.
			s.render(w, r, http.StatusOK, "job", j.Name, d)
			return
		}
		ls, err := s.readLines(ctx, l.StorageKey, from, from+linesPerPage-1)
		if err != nil {
			// The error names the log store's paths or bucket: logged, not shown.
			zerolog.Ctx(ctx).Warn().Err(err).Int64("log", l.ID).Msg("job page: stored log unreadable")
			d.LogError = "the stored log could not be read (the log store is unavailable)"
		}
		d.Lines = s.showLines(ls, byLine)
	}
	s.render(w, r, http.StatusOK, "job", j.Name, d)
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
