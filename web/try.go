package web

import (
	"context"
	"errors"
	"fmt"
	"github.com/totto-ci/totto/access"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

type tryData struct {
	Form     tryForm
	Errors   []string // problems that block saving, RE2's message included
	Warnings []string
	Trial    *tryTrial
}

// tryPage runs a pattern over stored logs (failed and successful, newest first, a page at a time)
// without saving anything, so its reach and its hits on green jobs are seen before it affects any
// check run. A trial's page streams: hits show as they are found (try_scan.go). Where sign-in is
// configured only signed-in users may try; every page is bounded (see try_limits.go).
func (s *server) tryPage(w http.ResponseWriter, r *http.Request) {
	f := formOf(r)
	d := tryData{Form: f}
	status := http.StatusOK
	v := s.viewer(r)
	if v.sess.Login == "" && s.deps.OAuth.ClientID != "" {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/login?return="+url.QueryEscape(safeReturn(r.URL.RequestURI())), http.StatusFound)
			return
		}
		http.Error(w, "sign in with GitHub to try patterns", http.StatusUnauthorized)
		return
	}
	// An edit opens on the stored pattern's every field; it is tried when the user asks.
	opening := r.Method == http.MethodGet && f.Replaces != 0 && f.Expr == ""
	if opening {
		ef, ok := s.editStart(w, r, v, f.Replaces)
		if !ok {
			return
		}
		f, d.Form = ef, ef
	}
	if f.Repo != "" {
		repo, err := s.st.Repository(r.Context(), f.Repo)
		switch {
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r, "unknown repository "+strconv.Quote(clipForm(f.Repo)))
			return
		case err != nil:
			s.fail(w, r, err)
			return
		case !v.allow(w, r, infoOf(repo)):
			return
		}
	}
	if f.Expr != "" {
		p := f.pattern()
		if p.Name == "" {
			p.Name = "draft" // a name is needed to save, not to try
		}
		d.Errors, d.Warnings = formProblems(f, p)
		dup, err := s.sameNameWarnings(r.Context(), v, f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Warnings = append(d.Warnings, dup...)
		switch {
		case opening:
		case len(d.Errors) == 0:
			done, err := s.trials.enter(cmpStr(v.sess.Login, "anonymous"))
			if err != nil {
				w.Header().Set("Retry-After", "10")
				http.Error(w, err.Error(), http.StatusTooManyRequests)
				return
			}
			defer done()
			rc := http.NewResponseController(w)
			t, err := s.startTrial(r.Context(), v, p, f, trialCursor(r), func() { _ = rc.Flush() })
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Trial = t
			s.stream(w, r, "try", "Try a pattern", d)
			return
		default:
			status = http.StatusUnprocessableEntity
		}
	}
	s.render(w, r, status, "try", "Try a pattern", d)
}

// clipForm bounds a form value quoted back in a message.
func clipForm(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
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

// startTrial reads the page of logs a trial scans: newest first, below the cursor before
// (a job id; 0: from the newest), of repositories the viewer may read, so neither the counts nor
// the sample lines say anything of the others. Its samples scan as the page is written.
func (s *server) startTrial(ctx context.Context, v *viewer, p patterns.Pattern, f tryForm, before int64, flush func()) (*tryTrial, error) {
	p.ID = 1
	m, err := patterns.Compile([]patterns.Pattern{p})
	if err != nil {
		return nil, fmt.Errorf("compile pattern %q: %w", p.Name, err)
	}
	q := store.TrialQuery{Owner: strings.ToLower(f.Account), Before: before}
	if f.Repo != "" {
		repo, err := s.st.Repository(ctx, f.Repo)
		if err != nil {
			return nil, fmt.Errorf("repository %q: %w", f.Repo, err)
		}
		q.RepoID = repo.ID
	}
	n := s.deps.TryLogs
	if f.Logs > 0 {
		n = min(f.Logs, 5*s.deps.TryLogs)
	}
	idx, err := s.repoIndex(ctx)
	if err != nil {
		return nil, err
	}
	q.Audience = v.audience(idx)
	page, err := s.st.TrialLogs(ctx, q, n)
	if err != nil {
		return nil, err
	}
	t := &trial{s: s, v: v, idx: idx, m: m, q: q, page: page, want: n, flush: flush, start: time.Now(), budget: s.deps.TryBudget,
		next: func(before int64) string {
			vs := f.values()
			vs.Set("before", strconv.FormatInt(before, 10))
			return "/try?" + vs.Encode()
		}}
	return &tryTrial{Want: n, Samples: t.samples(ctx), Result: &t.res}, nil
}

// trialCursor is the page a trial resumes at: the job id its previous page stopped above.
func trialCursor(r *http.Request) int64 {
	n, err := strconv.ParseInt(r.FormValue("before"), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// savePattern stores a tried pattern in the scope the form names (a repository, or an account:
// never operator-wide), authored by the signed-in user, retires the one it replaces (of the same
// scope only), and queues the durable rescan of stored history for it (one job at a time for the
// whole deployment, stopped and resumed with the App); the pattern page shows how far it got.
func (s *server) savePattern(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := formOf(r)
	p := f.pattern()
	refuse := func(errs, warns []string) {
		s.render(w, r, http.StatusUnprocessableEntity, "try", "Try a pattern", tryData{Form: f, Errors: errs, Warnings: warns})
	}
	errs, warns := formProblems(f, p)
	if len(errs) > 0 {
		refuse(errs, warns)
		return
	}
	if err := s.keepEditScope(ctx, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	sp, a, t, problem, err := s.formScope(ctx, s.viewer(r), f, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if problem != "" {
		refuse([]string{problem}, nil)
		return
	}
	actor, ok := s.authorize(w, r, a, t)
	if !ok {
		return
	}
	sp.Author = actor
	var replaced *store.Pattern
	if f.Replaces != 0 {
		old, err := s.st.Pattern(ctx, f.Replaces)
		if err == nil && old.Active() {
			if !store.SameScope(&old, &sp) {
				refuse([]string{fmt.Sprintf("scope: pattern %d belongs to %s; an edit keeps the scope of the pattern it replaces", old.ID, old.Scope)}, nil)
				return
			}
			replaced = &old
		}
	}
	changes, err := s.st.AddPatterns(ctx, []store.Pattern{sp}, actor)
	if err != nil {
		s.fail(w, r, fmt.Errorf("save pattern %q: %w", p.Name, err))
		return
	}
	id := changes[0].ID
	if replaced != nil && replaced.ID != id {
		if err := s.st.RetirePatternWithReason(ctx, replaced.ID, actor, editedReason+strconv.FormatInt(id, 10)); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, err)
			return
		}
	}
	if err := s.deps.Rescans.QueueRescan(ctx); err != nil {
		s.fail(w, r, fmt.Errorf("pattern %q saved, but %w; saving it again queues the rescan", p.Name, err))
		return
	}
	http.Redirect(w, r, "/patterns/"+strconv.FormatInt(id, 10)+"?saved="+string(changes[0].Action), http.StatusSeeOther)
}

// formScope turns the form's scope into the stored pattern, the action saving it is and what
// that action is about. problem names what is wrong with the form (answered 422).
func (s *server) formScope(ctx context.Context, v *viewer, f tryForm, p patterns.Pattern) (sp store.Pattern, a access.Action, t access.Target, problem string, err error) {
	sp = store.Pattern{Pattern: p}
	switch {
	case f.Repo != "" && f.Account != "":
		return sp, a, t, "scope: give a repository or an account, not both", nil
	case f.Repo != "":
		repo, err := s.st.Repository(ctx, f.Repo)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !v.canRead(infoOf(repo))) {
			// A private repository the user cannot read is as unknown as a missing one.
			return sp, a, t, "scope: unknown repository " + strconv.Quote(f.Repo), nil
		} else if err != nil {
			return sp, a, t, "", err
		}
		sp.Scope, sp.RepoID, sp.Owner, sp.Source = store.ScopeRepository, &repo.ID, repo.Owner(), "ui:"+repo.FullName
		return sp, access.ChangeRepositoryPattern, access.Target{Owner: repo.Owner(), Repo: repo.FullName, Private: repo.Private}, "", nil
	case f.Account != "":
		if !validLogin(f.Account) {
			return sp, a, t, "scope: " + strconv.Quote(f.Account) + " is not a GitHub account name", nil
		}
		owner := strings.ToLower(f.Account)
		sp.Scope, sp.Owner, sp.Source = store.ScopeAccount, owner, "ui:"+owner
		return sp, access.ChangeAccountPattern, access.Target{Owner: owner}, "", nil
	}
	return sp, a, t, "scope: choose a repository (owner/name) or an account (owner) the pattern belongs to; built-in and operator patterns are changed with the totto CLI", nil
}

// validLogin accepts GitHub account names: letters, digits and inner hyphens, at most 39.
func validLogin(s string) bool {
	if s == "" || len(s) > 39 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
