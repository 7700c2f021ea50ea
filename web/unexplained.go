package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/likelycause"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// unexplainedJobs is how many failed jobs one page groups; they are read with their cached
// cause lines, without opening a log.
const unexplainedJobs = 200

// freshCauseLines bounds how many logs one request reads for a cause line not cached yet
// (imported history no triage read); the line is cached, so later pages read none.
const freshCauseLines = 5

type unexplainedGroup struct {
	Shape       string
	Example     string
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
	Repo   string
	Search string
	Groups []unexplainedGroup
	// Jobs counts the failed jobs grouped on this page; Next continues after them.
	Jobs    int
	Next    string
	Earlier bool
}

// unexplainedPage groups failed jobs that no kept verdict explains (the verdicts the check run
// states) by the shape of their likely-cause line, biggest group first, each a click away from
// a pattern trial; searched by cause line or job name and paged by job, newest first.
func (s *server) unexplainedPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := unexplainedData{Repo: r.URL.Query().Get("repo"), Search: strings.TrimSpace(r.URL.Query().Get("q"))}
	if len(d.Search) > maxSearch {
		http.Error(w, fmt.Sprintf("search longer than %d bytes", maxSearch), http.StatusBadRequest)
		return
	}
	v := s.viewer(r)
	idx, err := s.repoIndex(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Failures of private repositories the viewer cannot read are neither grouped nor quoted.
	f := store.UnexplainedFilter{Audience: v.audience(idx), Search: d.Search}
	if d.Repo != "" {
		repo, err := s.st.Repository(ctx, d.Repo)
		if err != nil {
			s.notFound(w, r, "unknown repository "+d.Repo)
			return
		}
		if !v.allow(w, r, infoOf(repo)) {
			return
		}
		f.RepoID = repo.ID
	}
	after := store.Cursor(r.URL.Query().Get("after"))
	d.Earlier = after != ""
	jobs, next, err := s.st.UnexplainedFailures(ctx, f, store.Page{Limit: unexplainedJobs, After: after})
	if errors.Is(err, store.ErrBadCursor) {
		http.Error(w, "after: "+store.ErrBadCursor.Error(), http.StatusBadRequest)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if next != "" {
		q := url.Values{"after": {string(next)}}
		for k, val := range map[string]string{"repo": d.Repo, "q": d.Search} {
			if val != "" {
				q.Set(k, val)
			}
		}
		d.Next = "/unexplained?" + q.Encode()
	}
	reads := 0
	groups := map[string]*unexplainedGroup{}
	for _, u := range jobs {
		line := u.CauseLine
		if !u.HasCauseLine {
			if reads >= freshCauseLines {
				line = "(cause line not worked out yet)"
			} else {
				reads++
				line = s.causeLine(ctx, u.Job)
			}
		}
		if line == "" {
			line = "(empty log)"
		}
		// Shapes are shown on the page, so they are made from the redacted line; a search that
		// matched only a redacted part of a line does not list it.
		shown := s.redactor.Text(line)
		if d.Search != "" && !containsFold(shown, d.Search) && !containsFold(u.Name, d.Search) {
			continue
		}
		d.Jobs++
		shape := triage.MaskLine(shown)
		g, ok := groups[shape]
		if !ok {
			g = &unexplainedGroup{Shape: shape, Example: shown, History: historyLink(triage.ShapeKey(line))}
			q := s.tryQuery(line, shape)
			if d.Repo != "" {
				q.Set("repo", d.Repo)
			}
			g.TryURL = "/try?" + q.Encode()
			groups[shape] = g
		}
		g.Jobs = append(g.Jobs, u.Job)
		at := u.CreatedAt
		if u.CompletedAt != nil {
			at = *u.CompletedAt
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

// maxSearch bounds a search text.
const maxSearch = 200

// containsFold reports whether sub occurs in s, ignoring case.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// causeLine works out and caches the likely-cause line of a job's log whose line is not cached:
// the line of its likely-cause excerpt that most likely states the failure, as the check run
// quotes it.
func (s *server) causeLine(ctx context.Context, j store.Job) string {
	if j.LogID == nil {
		return "(no log)"
	}
	ex, err := likelycause.ForJob(ctx, s.st, s.deps.Blobs, j)
	if err != nil {
		return "(log unreadable)"
	}
	t, _, _ := triage.CauseLine(triage.Excerpt(ex))
	// Kept, so the next request, the job page and the group's history find it without the log.
	if err := likelycause.Keep(ctx, s.st, *j.LogID, triage.Excerpt(ex)); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Int64("log", *j.LogID).Msg("unexplained: likely cause not kept")
	}
	return t
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
