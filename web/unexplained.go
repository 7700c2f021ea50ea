package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/logs/cause"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// unexplainedJobs bounds how many recent unexplained failures one page groups (each costs a read
// of its log).
const unexplainedJobs = 100

// errorWords pick, within the likely-cause excerpt, the line that states the error rather than
// the context around it.
var errorWords = regexp.MustCompile(`(?i)error|fail|fatal|panic|exception|cannot|undefined|denied|timed? ?out`)

type unexplainedGroup struct {
	Shape       string
	Example     string
	ExampleLine int
	Jobs        []store.Job
	First, Last time.Time
	TryURL      string
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
	var repoID int64
	if d.Repo != "" {
		repo, err := s.st.Repository(ctx, d.Repo)
		if err != nil {
			http.Error(w, "unknown repository "+d.Repo, http.StatusNotFound)
			return
		}
		repoID = repo.ID
	}
	jobs, _, err := s.st.UnmatchedFailures(ctx, repoID, store.Page{Limit: unexplainedJobs})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Scanned = len(jobs)
	groups := map[string]*unexplainedGroup{}
	for _, j := range jobs {
		line, num := s.causeLine(ctx, j)
		// Shapes are shown on the page, so they are made from the redacted line.
		shape := triage.MaskLine(triage.RedactSecrets(line))
		g, ok := groups[shape]
		if !ok {
			g = &unexplainedGroup{Shape: shape, Example: triage.RedactSecrets(line), ExampleLine: num}
			q := tryQuery(line, shape)
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

// causeLine picks the likely-cause line of a job's log: the first line of its likely-cause
// excerpt that is neither blank nor boilerplate.
func (s *server) causeLine(ctx context.Context, j store.Job) (string, int) {
	if j.LogID == nil {
		return "(no log)", 0
	}
	l, err := s.st.Log(ctx, *j.LogID)
	if err != nil {
		return "(log metadata unavailable)", 0
	}
	rc, err := s.deps.Blobs.Open(ctx, l.StorageKey)
	if err != nil {
		return "(log unreadable)", 0
	}
	defer rc.Close()
	f := cause.NewFinder(cause.Options{})
	lr := logs.NewReader(rc)
	for lr.Next() {
		f.Add(lr.Line())
	}
	ex := f.Excerpt()
	i := 0
	first, firstNum := "", 0
	for _, rg := range ex.Ranges {
		for n := rg[0]; n <= rg[1] && i < len(ex.Lines); n++ {
			t := strings.TrimSpace(ex.Lines[i])
			i++
			if t == "" || patterns.IsBoilerplate(t) {
				continue
			}
			if errorWords.MatchString(t) {
				return t, n
			}
			if first == "" {
				first, firstNum = t, n
			}
		}
	}
	if first != "" {
		return first, firstNum
	}
	if len(ex.Lines) > 0 {
		return strings.TrimSpace(ex.Lines[len(ex.Lines)-1]), ex.EndLine()
	}
	return "(empty log)", 0
}

// tryQuery pre-fills the pattern trial for a group: the suggestion engine's pattern for the line
// (triage.SuggestPattern: a literal when the shape has a long constant part, else a regex of the
// shape), or, for a line it refuses (generic, or holding a secret), the longest constant run.
func tryQuery(line, shape string) url.Values {
	if p, ok := triage.SuggestPattern(line, 0); ok {
		return url.Values{"kind": {string(p.Kind)}, "expr": {p.Expr}, "name": {shorten(p.Name, 60)}}
	}
	lit := triage.LiteralHint(triage.RedactSecrets(line), shape)
	return url.Values{"kind": {"literal"}, "expr": {lit}, "name": {shorten(lit, 60)}}
}
