package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/likelycause"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// unexplainedJobs bounds how many recent unexplained failures one page groups (each costs a read
// of its log).
const unexplainedJobs = 100

type unexplainedGroup struct {
	Shape       string
	Example     string
	ExampleLine int
	Jobs        []store.Job
	First, Last time.Time
	TryURL      string
	// Suggested is the pattern the suggestion engine proposes once the group is big enough to be
	// a recurring failure (triage.DefaultSuggestMinJobs jobs); the check run offers the same one.
	Suggested string
	// History is the page of every job whose likely cause has the group's shape.
	History string
}

type unexplainedData struct {
	Repo    string
	Groups  []unexplainedGroup
	Scanned int
}

// unexplainedPage groups recent failed jobs that no pattern matched by the shape of their
// likely-cause line, biggest group first, each a click away from a pattern trial.
func (s *server) unexplainedPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := unexplainedData{Repo: r.URL.Query().Get("repo")}
	v := s.viewer(r)
	var repoID int64
	if d.Repo != "" {
		repo, err := s.st.Repository(ctx, d.Repo)
		if err != nil {
			s.notFound(w, r, "unknown repository "+d.Repo)
			return
		}
		if !v.allow(w, r, infoOf(repo)) {
			return
		}
		repoID = repo.ID
	}
	all, _, err := s.st.UnmatchedFailures(ctx, repoID, store.Page{Limit: unexplainedJobs})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	idx, err := s.repoIndex(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Failures of private repositories the viewer cannot read are neither grouped nor quoted.
	jobs := all[:0:0]
	for _, j := range all {
		if v.canReadID(idx, j.RepoID) {
			jobs = append(jobs, j)
		}
	}
	d.Scanned = len(jobs)
	groups := map[string]*unexplainedGroup{}
	for _, j := range jobs {
		line, num := s.causeLine(ctx, j)
		// Shapes are shown on the page, so they are made from the redacted line.
		shape := triage.MaskLine(s.redactor.Text(line))
		g, ok := groups[shape]
		if !ok {
			g = &unexplainedGroup{Shape: shape, Example: s.redactor.Text(line), ExampleLine: num, History: historyLink(triage.ShapeKey(line))}
			q := s.tryQuery(line, shape)
			if d.Repo != "" {
				q.Set("repo", d.Repo)
			}
			g.TryURL = "/try?" + q.Encode()
			groups[shape] = g
		}
		g.Jobs = append(g.Jobs, j)
		at := j.CreatedAt
		if j.CompletedAt != nil {
			at = *j.CompletedAt
		}
		if g.First.IsZero() || at.Before(g.First) {
			g.First = at
		}
		if at.After(g.Last) {
			g.Last = at
		}
	}
	for _, g := range groups {
		if len(g.Jobs) >= triage.DefaultSuggestMinJobs {
			if p, ok := triage.SuggestPattern(g.Example, 0); ok {
				g.Suggested = string(p.Kind) + ": " + p.Expr
			}
		}
		d.Groups = append(d.Groups, *g)
	}
	slices.SortFunc(d.Groups, func(a, b unexplainedGroup) int {
		if len(a.Jobs) != len(b.Jobs) {
			return len(b.Jobs) - len(a.Jobs)
		}
		return b.Last.Compare(a.Last)
	})
	s.render(w, r, http.StatusOK, "unexplained", "Unexplained failures", d)
}

// causeLine picks the likely-cause line of a job's log: the line of its likely-cause excerpt that
// most likely states the failure, as the check run quotes it.
func (s *server) causeLine(ctx context.Context, j store.Job) (string, int) {
	if j.LogID == nil {
		return "(no log)", 0
	}
	ex, err := likelycause.ForJob(ctx, s.st, s.deps.Blobs, j)
	if err != nil {
		return "(log unreadable)", 0
	}
	// Kept, so the job page and the group's history find it without reading the log.
	if err := likelycause.Keep(ctx, s.st, *j.LogID, triage.Excerpt(ex)); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("job", j.ID).Msg("unexplained: likely cause not kept")
	}
	// The same line the check run quotes for this job.
	if t, n, ok := triage.CauseLine(triage.Excerpt(ex)); ok {
		return t, n
	}
	return "(empty log)", 0
}

// tryQuery pre-fills the pattern trial for a group: the suggestion engine's pattern for the line
// (triage.SuggestPattern: a literal when the shape has a long constant part, else a regex of the
// shape), or, for a line it refuses (generic, or holding a secret), the longest constant run.
func (s *server) tryQuery(line, shape string) url.Values {
	if p, ok := triage.SuggestPattern(line, 0); ok {
		return url.Values{"kind": {string(p.Kind)}, "expr": {p.Expr}, "name": {shorten(p.Name, 60)}}
	}
	lit := triage.LiteralHint(s.redactor.Text(line), shape)
	return url.Values{"kind": {"literal"}, "expr": {lit}, "name": {shorten(lit, 60)}}
}
