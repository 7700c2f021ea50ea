package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// tryForm is the pattern being tried or saved, as typed.
type tryForm struct {
	Name, Kind, Expr    string
	Tags, Jobs, Steps   string
	Description, Repo   string
	Priority, LastLines int
	Replaces            int64
	Logs                int
}

func formOf(r *http.Request) tryForm {
	get := func(k string) string {
		if r.Method == http.MethodPost {
			return strings.TrimSpace(r.PostFormValue(k))
		}
		return strings.TrimSpace(r.URL.Query().Get(k))
	}
	f := tryForm{Name: get("name"), Kind: get("kind"), Expr: get("expr"), Tags: get("tags"), Jobs: get("jobs"),
		Steps: get("steps"), Description: get("description"), Repo: get("repo")}
	if r.Method == http.MethodPost {
		f.Expr = r.PostFormValue("expr") // leading/trailing spaces can matter in a literal
	} else {
		f.Expr = r.URL.Query().Get("expr")
	}
	f.Priority, _ = strconv.Atoi(get("priority"))
	f.LastLines, _ = strconv.Atoi(get("last_lines"))
	f.Replaces, _ = strconv.ParseInt(get("replaces"), 10, 64)
	f.Logs, _ = strconv.Atoi(get("logs"))
	if f.Kind == "" {
		f.Kind = string(patterns.Regex)
	}
	return f
}

func (f tryForm) pattern() patterns.Pattern {
	return patterns.Pattern{Name: f.Name, Kind: patterns.Kind(f.Kind), Expr: f.Expr, Tags: trimList(f.Tags),
		Jobs: trimList(f.Jobs), Steps: trimList(f.Steps), Description: f.Description, Priority: f.Priority,
		LastLines: f.LastLines, Source: "ui"}
}

type trySample struct {
	JobID      int64
	JobName    string
	Conclusion string
	Context    contextBlock
}

type tryResult struct {
	Ran                     bool
	Logs, FailedLogs, Green int
	HitFailed, HitGreen     int
	Matches                 int
	Elapsed                 time.Duration
	Samples                 []trySample
	Unreadable              int
}

type tryData struct {
	Form     tryForm
	Errors   []string // problems that block saving, RE2's message included
	Warnings []string
	Result   tryResult
}

// tryPage runs a pattern over recent stored logs (failed and successful) without saving anything,
// so its reach and its hits on green jobs are seen before it affects any check run.
func (s *server) tryPage(w http.ResponseWriter, r *http.Request) {
	f := formOf(r)
	d := tryData{Form: f}
	status := http.StatusOK
	v := s.viewer(r)
	if f.Repo != "" {
		if repo, err := s.st.Repository(r.Context(), f.Repo); err == nil && !v.allow(w, r, infoOf(repo)) {
			return
		}
	}
	if f.Expr != "" {
		p := f.pattern()
		if p.Name == "" {
			p.Name = "draft" // a name is needed to save, not to try
		}
		d.Errors, d.Warnings = problems(p)
		if len(d.Errors) == 0 {
			res, err := s.try(r.Context(), v, p, f)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Result = res
		} else {
			status = http.StatusUnprocessableEntity
		}
	}
	s.render(w, r, status, "try", "Try a pattern", d)
}

func problems(p patterns.Pattern) (errs, warns []string) {
	for _, pr := range patterns.Check(p) {
		if pr.Warning {
			warns = append(warns, pr.Msg)
		} else {
			errs = append(errs, pr.Msg)
		}
	}
	return errs, warns
}

const trySamples = 10

// try scans the recent logs of repositories the viewer may read: neither the counts nor the
// sample lines say anything of the others.
func (s *server) try(ctx context.Context, v *viewer, p patterns.Pattern, f tryForm) (tryResult, error) {
	start := time.Now()
	p.ID = 1
	m, err := patterns.Compile([]patterns.Pattern{p})
	if err != nil {
		return tryResult{}, fmt.Errorf("compile pattern %q: %w", p.Name, err)
	}
	var repoID int64
	if f.Repo != "" {
		repo, err := s.st.Repository(ctx, f.Repo)
		if err != nil {
			return tryResult{}, fmt.Errorf("repository %q: %w", f.Repo, err)
		}
		repoID = repo.ID
	}
	n := s.deps.TryLogs
	if f.Logs > 0 {
		n = min(f.Logs, 5*s.deps.TryLogs)
	}
	sample, err := s.recentLogs(ctx, repoID, n)
	if err != nil {
		return tryResult{}, err
	}
	idx, err := s.repoIndex(ctx)
	if err != nil {
		return tryResult{}, err
	}
	res := tryResult{Ran: true}
	for _, l := range sample {
		if !v.canReadID(idx, l.RepoID) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("try pattern: %w", err)
		}
		res.Logs++
		green := l.Conclusion == "success"
		if green {
			res.Green++
		} else {
			res.FailedLogs++
		}
		var hits []patterns.Match
		if err := s.scanLog(ctx, m, l, &hits); err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Int64("log", l.LogID).Msg("try: log unreadable")
			res.Unreadable++
			continue
		}
		if len(hits) == 0 {
			continue
		}
		res.Matches += len(hits)
		if green {
			res.HitGreen++
		} else {
			res.HitFailed++
		}
		if len(res.Samples) < trySamples {
			blocks := s.matchContext(ctx, l.StorageKey, hits[:1], 3)
			res.Samples = append(res.Samples, trySample{JobID: l.JobID, JobName: l.JobName, Conclusion: l.Conclusion, Context: blocks[hits[0].Line]})
		}
	}
	res.Elapsed = time.Since(start).Round(time.Millisecond)
	return res, nil
}

func (s *server) scanLog(ctx context.Context, m *patterns.Matcher, l sampleLog, into *[]patterns.Match) error {
	rc, err := s.deps.Blobs.Open(ctx, l.StorageKey)
	if err != nil {
		return fmt.Errorf("open log %d: %w", l.LogID, err)
	}
	defer rc.Close()
	_, err = m.Scan(logs.NewReader(rc), patterns.ScanOptions{Job: l.JobName, MaxMatchesPerPattern: 50}, func(x patterns.Match) error {
		*into = append(*into, x)
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan log %d: %w", l.LogID, err)
	}
	return nil
}

// savePattern stores a tried pattern (source "ui", author the signed-in user), retires the one
// it replaces, and queues the durable rescan of stored history for it (one job at a time for the
// whole deployment, stopped and resumed with the App); the pattern page shows how far it got.
func (s *server) savePattern(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := formOf(r)
	p := f.pattern()
	errs, warns := problems(p)
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "try", "Try a pattern", tryData{Form: f, Errors: errs, Warnings: warns})
		return
	}
	var repoID *int64
	if f.Repo != "" {
		repo, err := s.st.Repository(ctx, f.Repo)
		if errors.Is(err, store.ErrNotFound) {
			s.render(w, r, http.StatusUnprocessableEntity, "try", "Try a pattern", tryData{Form: f, Errors: []string{"scope: unknown repository " + strconv.Quote(f.Repo)}})
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		repoID = &repo.ID
	}
	actor, ok := s.editor(w, r, f.Repo)
	if !ok {
		return
	}
	changes, err := s.st.AddPatterns(ctx, []store.Pattern{{Pattern: p, RepoID: repoID, Author: actor}}, actor)
	if err != nil {
		s.fail(w, r, fmt.Errorf("save pattern %q: %w", p.Name, err))
		return
	}
	id := changes[0].ID
	if f.Replaces != 0 && f.Replaces != id {
		if old, err := s.st.Pattern(ctx, f.Replaces); err == nil && old.Active() {
			if err := s.st.RetirePattern(ctx, f.Replaces, actor); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	if err := s.deps.Rescans.QueueRescan(ctx); err != nil {
		s.fail(w, r, fmt.Errorf("pattern %q saved, but %w; saving it again queues the rescan", p.Name, err))
		return
	}
	http.Redirect(w, r, "/patterns/"+strconv.FormatInt(id, 10)+"?saved="+string(changes[0].Action), http.StatusSeeOther)
}
