package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/likelycause"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// The lines shown around the focus line at the top of a job page.
const (
	aroundBefore = 4
	aroundAfter  = 2
)

// historyListed bounds the jobs a failure's history lists (the count covers them all).
const historyListed = 10

// focus sets where a failed job's page opens (d.Focus, d.FocusLabel) and the history of its
// likely cause: the line of the verdict's best match when a pattern explains the failure, else
// the likely cause's line, as the check run quotes them.
func (s *server) focus(r *http.Request, d *jobData) error {
	ctx := r.Context()
	if !triage.Conclusion(d.Job.Conclusion).Failed() {
		return nil
	}
	line, key, err := s.causeShape(ctx, d.Job)
	if err != nil {
		return err
	}
	d.Focus, d.FocusLabel, d.ShapeKey = line, "Likely cause", key
	if d.Verdict != nil && d.Verdict.Evidence.Best != nil {
		d.Focus, d.FocusLabel = d.Verdict.Evidence.Best.Line, "Matched "+d.Verdict.Evidence.Best.Pattern
	}
	if key == "" {
		return nil
	}
	idx, err := s.repoIndex(ctx)
	if err != nil {
		return err
	}
	d.History, err = s.st.ShapeHistory(ctx, key, s.viewer(r).audience(idx), historyListed)
	return err
}

// causeShape is the line number and shape key of a failed job's likely cause: kept by triage
// when it read the log, else worked out here from the log once and kept. A log that cannot be
// read costs the focus, not the page.
func (s *server) causeShape(ctx context.Context, j store.Job) (int, string, error) {
	line, key, ok, err := s.st.CauseShape(ctx, *j.LogID)
	if err != nil || ok {
		return line, key, err
	}
	ex, err := likelycause.ForJob(ctx, s.st, s.deps.Blobs, j)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("job", j.ID).Msg("job page: likely cause not found")
		return 0, "", nil
	}
	e := triage.Excerpt(ex)
	if err := likelycause.Keep(ctx, s.st, *j.LogID, e); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("job", j.ID).Msg("job page: likely cause not kept")
	}
	text, num, _ := triage.CauseLine(e)
	return num, triage.ShapeKey(text), nil
}

// patternFromLine opens the pattern trial prefilled from one line of a job's log (?line=N): the
// suggestion engine's pattern for it, scoped to the job's repository, as an unexplained group's
// "try" link does.
func (s *server) patternFromLine(w http.ResponseWriter, r *http.Request) {
	j, info, ok := s.pathJob(w, r)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.URL.Query().Get("line"))
	if err != nil || n < 1 || j.LogID == nil {
		http.Error(w, "line must be a line number of the job's stored log", http.StatusBadRequest)
		return
	}
	l, err := s.st.Log(r.Context(), *j.LogID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ls, err := s.readLines(r.Context(), l.StorageKey, n, n)
	if err != nil || len(ls) == 0 {
		s.notFound(w, r, "no line "+strconv.Itoa(n)+" in the stored log of job "+strconv.FormatInt(j.ID, 10))
		return
	}
	text := string(ls[0].Text)
	q := s.tryQuery(text, triage.MaskLine(s.redactor.Text(text)))
	if info.FullName != "" {
		q.Set("repo", info.FullName)
	}
	http.Redirect(w, r, "/try?"+q.Encode(), http.StatusSeeOther)
}

type failureData struct {
	Shape   string
	History store.FailureHistory
}

// failurePage is the history of one likely cause by its shape key: every readable job whose log's
// likely cause had that shape, newest first, with the shape itself taken from the newest.
func (s *server) failurePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	key := r.PathValue("key")
	idx, err := s.repoIndex(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.st.ShapeHistory(ctx, key, s.viewer(r).audience(idx), 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if h.Total == 0 {
		s.notFound(w, r, "no job you can read failed with this likely cause")
		return
	}
	d := failureData{History: h}
	if j, err := s.st.Job(ctx, h.Recent[0].JobID); err == nil && j.LogID != nil {
		if lines, err := s.st.CauseLines(ctx, []int64{*j.LogID}); err == nil {
			d.Shape = triage.MaskLine(s.redactor.Text(lines[*j.LogID]))
		}
	}
	s.render(w, r, http.StatusOK, "failure", "Failure history", d)
}

// historyLink is the failure history page of a likely cause's shape key ("" for none).
func historyLink(key string) string {
	if key == "" {
		return ""
	}
	return "/failures/" + key
}
