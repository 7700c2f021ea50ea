package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/totto-ci/totto/store"
)

// maxRetireReason bounds the reason kept with a retired pattern.
const maxRetireReason = 500

// editedReason starts the reason of a pattern an edit retired (the new pattern's id follows):
// such a pattern is not restored, its edit is the later change.
const editedReason = "edited: replaced by pattern "

// editStart loads the pattern an edit replaces, as a form holding its every field, if the viewer
// may see it; otherwise it answers the request itself.
func (s *server) editStart(w http.ResponseWriter, r *http.Request, v *viewer, id int64) (tryForm, bool) {
	p, idx, ok := s.visiblePattern(w, r, v, id)
	if !ok {
		return tryForm{}, false
	}
	repo := ""
	if p.RepoID != nil {
		repo = idx[*p.RepoID].FullName
	}
	return editForm(p, repo), true
}

// visiblePattern loads pattern id for a viewer: 404 when unknown or not the viewer's to see.
func (s *server) visiblePattern(w http.ResponseWriter, r *http.Request, v *viewer, id int64) (store.Pattern, map[int64]repoInfo, bool) {
	p, err := s.st.Pattern(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "no pattern "+strconv.FormatInt(id, 10), http.StatusNotFound)
		return p, nil, false
	} else if err != nil {
		s.fail(w, r, err)
		return p, nil, false
	}
	idx, err := s.repoIndex(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return p, nil, false
	}
	if !v.canSeePattern(p, idx) {
		http.Error(w, "no pattern "+strconv.FormatInt(id, 10), http.StatusNotFound)
		return p, nil, false
	}
	return p, idx, true
}

// keepEditScope gives an edit that names no scope the scope of the pattern it replaces: an edit
// keeps every field it does not change.
func (s *server) keepEditScope(ctx context.Context, f *tryForm) error {
	if f.Replaces == 0 || f.Repo != "" || f.Account != "" {
		return nil
	}
	old, err := s.st.Pattern(ctx, f.Replaces)
	if errors.Is(err, store.ErrNotFound) {
		return nil // nothing to keep; formScope asks for a scope
	} else if err != nil {
		return fmt.Errorf("pattern %d an edit replaces: %w", f.Replaces, err)
	}
	switch old.Scope {
	case store.ScopeRepository:
		idx, err := s.repoIndex(ctx)
		if err != nil {
			return err
		}
		f.Repo = idx[*old.RepoID].FullName
	case store.ScopeAccount:
		f.Account = old.Owner
	}
	return nil
}

// sameName lists the other active patterns the viewer can see that are called name (except
// pattern except): the check run and the pages name patterns by name, so two of one name confuse.
func (s *server) sameName(ctx context.Context, v *viewer, name string, except int64) ([]store.Pattern, map[int64]repoInfo, error) {
	if name == "" {
		return nil, nil, nil
	}
	ps, err := s.st.Patterns(ctx, store.PatternFilter{})
	if err != nil {
		return nil, nil, fmt.Errorf("patterns named %q: %w", name, err)
	}
	idx, err := s.repoIndex(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []store.Pattern
	for _, p := range ps {
		if p.Name == name && p.ID != except && v.canSeePattern(p, idx) {
			out = append(out, p)
		}
	}
	return out, idx, nil
}

// sameNameWarnings are sameName's patterns as the form's warnings.
func (s *server) sameNameWarnings(ctx context.Context, v *viewer, f tryForm) ([]string, error) {
	same, idx, err := s.sameName(ctx, v, f.Name, f.Replaces)
	var out []string
	for _, p := range same {
		out = append(out, fmt.Sprintf("name: pattern %d (%s) is also called %q; a different name tells the two apart in check runs and on these pages",
			p.ID, scopeLabel(p, idx), p.Name))
	}
	return out, err
}

// changeablePattern loads pattern {id} of the request for a change: the viewer must see it and
// be allowed to change its scope's patterns. It answers the request itself when not.
func (s *server) changeablePattern(w http.ResponseWriter, r *http.Request) (store.Pattern, string, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "pattern id must be a number", http.StatusBadRequest)
		return store.Pattern{}, "", false
	}
	p, idx, ok := s.visiblePattern(w, r, s.viewer(r), id)
	if !ok {
		return p, "", false
	}
	a, t := patternAccess(p, idx)
	actor, ok := s.authorize(w, r, a, t)
	return p, actor, ok
}

// retirePattern stops scanning for a pattern, with the reason the user gives; its matches stay.
func (s *server) retirePattern(w http.ResponseWriter, r *http.Request) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len(reason) > maxRetireReason || strings.IndexFunc(reason, unicode.IsControl) >= 0 {
		http.Error(w, fmt.Sprintf("reason: at most %d bytes on one line", maxRetireReason), http.StatusUnprocessableEntity)
		return
	}
	p, actor, ok := s.changeablePattern(w, r)
	if !ok {
		return
	}
	if err := s.st.RetirePatternWithReason(r.Context(), p.ID, actor, reason); errors.Is(err, store.ErrNotFound) {
		http.Error(w, fmt.Sprintf("pattern %d is already retired", p.ID), http.StatusConflict)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/patterns/"+strconv.FormatInt(p.ID, 10)+"?retired=1", http.StatusSeeOther)
}

// restorePattern undoes a retirement: the same pattern is saved again, under a new id because
// stored logs are scanned up to a pattern id (see patterns.Pattern), so the rescan finds its
// matches in logs stored while it was retired. A pattern an edit replaced, or whose name its
// source has taken again, is not restored: that would undo someone's later change.
func (s *server) restorePattern(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, actor, ok := s.changeablePattern(w, r)
	if !ok {
		return
	}
	why, err := s.restoreRefusal(ctx, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if why != "" {
		http.Error(w, why, http.StatusConflict)
		return
	}
	again := store.Pattern{Pattern: p.Pattern, Scope: p.Scope, Owner: p.Owner, RepoID: p.RepoID, Author: p.Author}
	again.ID = 0
	changes, err := s.st.AddPatterns(ctx, []store.Pattern{again}, actor)
	if err != nil {
		s.fail(w, r, fmt.Errorf("restore pattern %d: %w", p.ID, err))
		return
	}
	if err := s.deps.Rescans.QueueRescan(ctx); err != nil {
		s.fail(w, r, fmt.Errorf("pattern %d restored, but %w", p.ID, err))
		return
	}
	http.Redirect(w, r, "/patterns/"+strconv.FormatInt(changes[0].ID, 10)+"?saved=restored", http.StatusSeeOther)
}

// restoreRefusal says why a pattern cannot be restored ("" when it can): it is active, an edit
// replaced it, or its source has an active pattern of its name again. Built-in and operator
// patterns are the operator's (authorize refuses them first).
func (s *server) restoreRefusal(ctx context.Context, p store.Pattern) (string, error) {
	switch {
	case p.Active():
		return fmt.Sprintf("pattern %d is not retired", p.ID), nil
	case p.ReplacedBy != nil:
		return fmt.Sprintf("pattern %d was replaced by pattern %d; edit that one instead", p.ID, *p.ReplacedBy), nil
	case strings.HasPrefix(p.RetireReason, editedReason):
		return fmt.Sprintf("pattern %d was %s; edit that one instead", p.ID, p.RetireReason), nil
	case p.Scope != store.ScopeRepository && p.Scope != store.ScopeAccount:
		return fmt.Sprintf("pattern %d is a %s pattern; only the operator brings it back", p.ID, p.Scope), nil
	}
	active, err := s.st.Patterns(ctx, store.PatternFilter{Source: p.Source})
	if err != nil {
		return "", fmt.Errorf("patterns of source %q: %w", p.Source, err)
	}
	for _, a := range active {
		if a.Name == p.Name {
			return fmt.Sprintf("pattern %d of the same name and source is active; retire it first", a.ID), nil
		}
	}
	return "", nil
}

// retirementView fills in the pattern page's retire and undo state and its same-name warning.
func (s *server) retirementView(ctx context.Context, v *viewer, d *patternData) error {
	p := d.Pattern
	if !p.Active() {
		why, err := s.restoreRefusal(ctx, p)
		if err != nil {
			return err
		}
		d.Restorable = why == ""
		return nil
	}
	same, _, err := s.sameName(ctx, v, p.Name, p.ID)
	for _, o := range same {
		d.SameName = append(d.SameName, o.ID)
	}
	return err
}
