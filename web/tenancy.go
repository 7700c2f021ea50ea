package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/access"
	"github.com/totto-ci/totto/patterns/builtin"
	"github.com/totto-ci/totto/store"
)

// Every change goes through authorize, which applies the one permission table (package access);
// every read of patterns and their counts is limited to what the viewer may see (canSeePattern,
// audience). docs/security.md describes the model.

// userChecker asks GitHub as the signed-in user, caching answers per user for permTTL.
type userChecker struct {
	s    *server
	sess *session
}

func (c userChecker) CanRead(ctx context.Context, _, repo string) (bool, error) {
	return c.s.canReadRepo(ctx, c.sess, repo)
}

func (c userChecker) CanWrite(ctx context.Context, _, repo string) (bool, error) {
	return c.s.canWrite(ctx, c.sess, repo)
}

// IsOrgAdmin reads the user's own membership of the organisation (GET
// /user/memberships/orgs/{org}): an active membership with the admin role is an organisation
// owner. GitHub answers 404 (or 403) for user accounts and non-members.
func (c userChecker) IsOrgAdmin(ctx context.Context, _, owner string) (bool, error) {
	key := "orgadmin\x00" + c.sess.Login + "\x00" + strings.ToLower(owner)
	if ok, hit := c.s.perms.get(key); hit {
		return ok, nil
	}
	var out struct {
		State string `json:"state"`
		Role  string `json:"role"`
	}
	err := c.s.githubGET(ctx, c.sess.Token(), "/user/memberships/orgs/"+url.PathEscape(owner), &out)
	var st *apiStatusError
	switch {
	case err == nil:
	case errors.As(err, &st) && (st.Status == http.StatusNotFound || st.Status == http.StatusForbidden):
		c.s.perms.put(key, false)
		return false, nil
	default:
		return false, fmt.Errorf("membership of %s in %s: %w", c.sess.Login, owner, err)
	}
	ok := out.State == "active" && out.Role == "admin"
	c.s.perms.put(key, ok)
	return ok, nil
}

// authorize decides whether the request's user may take action on t and names who is acting
// (for the audit trail). It writes the refusal itself: 401 signed out, 403 otherwise. In
// DevInsecure mode anyone may do what a user could, never what only the operator may.
func (s *server) authorize(w http.ResponseWriter, r *http.Request, a access.Action, t access.Target) (string, bool) {
	sess := sessionOf(r.Context())
	if access.Rules[a] == access.NeedOperator {
		http.Error(w, access.ErrOperatorOnly.Error(), http.StatusForbidden)
		return "", false
	}
	if s.deps.DevInsecure && sess.Login == "" {
		return "anonymous (dev-insecure)", true
	}
	if sess.Login == "" {
		http.Error(w, "sign in with GitHub to change patterns or annotations", http.StatusUnauthorized)
		return "", false
	}
	ok, err := access.Allowed(r.Context(), userChecker{s: s, sess: sess}, sess.Login, a, t)
	if err != nil {
		zerolog.Ctx(r.Context()).Warn().Err(err).Str("action", string(a)).Msg("permission check failed; refusing")
	}
	if !ok {
		what := t.Repo
		if what == "" {
			what = "account " + t.Owner
		}
		http.Error(w, fmt.Sprintf("%s may not %s of %s: it needs %s", sess.Login, a, what, access.Rules[a]), http.StatusForbidden)
		return "", false
	}
	return sess.Login, true
}

// patternAccess is the action changing p needs and what it is about.
func patternAccess(p store.Pattern, idx map[int64]repoInfo) (access.Action, access.Target) {
	switch p.Scope {
	case store.ScopeRepository:
		name := ""
		if p.RepoID != nil {
			name = idx[*p.RepoID].FullName
		}
		return access.ChangeRepositoryPattern, access.Target{Owner: store.OwnerOf(name), Repo: name}
	case store.ScopeAccount:
		return access.ChangeAccountPattern, access.Target{Owner: p.Owner}
	}
	return access.ChangeOperatorPattern, access.Target{}
}

// canSeePattern: operator patterns are everyone's; a repository pattern is seen by its
// repository's readers, an account pattern by readers of any of the owner's repositories; a
// legacy pattern only in DevInsecure mode.
func (v *viewer) canSeePattern(p store.Pattern, idx map[int64]repoInfo) bool {
	switch p.Scope {
	case store.ScopeOperator:
		return true
	case store.ScopeRepository:
		return p.RepoID != nil && v.canReadID(idx, *p.RepoID)
	case store.ScopeAccount:
		for _, info := range idx {
			if store.OwnerOf(info.FullName) == p.Owner && v.canRead(info) {
				return true
			}
		}
	}
	return v.seesAll()
}

// audience is every repository the viewer can read, the only ones counts are computed over.
func (v *viewer) audience(idx map[int64]repoInfo) store.Audience {
	if v.seesAll() {
		return store.Everyone
	}
	var a store.Audience
	for id, info := range idx {
		if v.canRead(info) {
			a.Repos = append(a.Repos, id)
		}
	}
	return a
}

// scopeLabel names a pattern's owner for tables and pages.
func scopeLabel(p store.Pattern, idx map[int64]repoInfo) string {
	switch p.Scope {
	case store.ScopeRepository:
		if p.RepoID != nil {
			return idx[*p.RepoID].FullName
		}
	case store.ScopeAccount:
		return "account " + p.Owner
	case store.ScopeLegacy:
		return "legacy (retired by the tenancy migration)"
	}
	if strings.HasPrefix(p.Source, builtin.SourcePrefix) {
		return "built-in"
	}
	return "operator"
}
