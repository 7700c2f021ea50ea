package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
)

// Private repositories' jobs, logs and matches are shown only to users GitHub lets read them.
// Every handler that serves something belonging to a repository asks a viewer first; listings
// drop the rows a viewer may not read rather than refusing the whole page.

// repoInfo is what a read check needs to know of a repository.
type repoInfo struct {
	ID       int64
	FullName string
	Private  bool
}

// unknownRepo stands for a repository id with no row: nothing is known, so it is private.
func unknownRepo(id int64) repoInfo { return repoInfo{ID: id, Private: true} }

// viewer is one request's reader: who it is and which repositories it may read, each private
// repository asked of GitHub at most once per request (and cached across requests briefly).
type viewer struct {
	s    *server
	ctx  context.Context
	sess *session
	seen map[string]bool
}

func (s *server) viewer(r *http.Request) *viewer {
	return &viewer{s: s, ctx: r.Context(), sess: sessionOf(r.Context()), seen: map[string]bool{}}
}

// seesAll: in DevInsecure mode the UI has no users to tell apart, so nothing is hidden (every
// page carries the banner saying so).
func (v *viewer) seesAll() bool { return v.s.deps.DevInsecure }

// canRead reports whether the viewer may see repo's jobs, logs and matches: public repositories
// are readable by everyone, private ones by signed-in users GitHub lets read them. A failed check
// counts as no (fail closed) and is logged.
func (v *viewer) canRead(repo repoInfo) bool {
	if !repo.Private || v.seesAll() {
		return true
	}
	if v.sess.Login == "" || repo.FullName == "" {
		return false
	}
	if ok, done := v.seen[repo.FullName]; done {
		return ok
	}
	ok, err := v.s.canReadRepo(v.ctx, v.sess, repo.FullName)
	if err != nil {
		zerolog.Ctx(v.ctx).Warn().Err(err).Str("repo", repo.FullName).Msg("read permission check failed; hiding the repository")
	}
	v.seen[repo.FullName] = ok
	return ok
}

// canReadID is canRead for a repository known by id, through an index from repoIndex.
func (v *viewer) canReadID(idx map[int64]repoInfo, id int64) bool {
	info, ok := idx[id]
	if !ok {
		info = unknownRepo(id)
	}
	return v.canRead(info)
}

// allow lets a page about repo through, or answers for it: a signed-out browser is sent to sign
// in and come back; a signed-in user who cannot read the repository gets the same 404 as for
// something that does not exist, so private names are not confirmed.
func (v *viewer) allow(w http.ResponseWriter, r *http.Request, repo repoInfo) bool {
	if v.canRead(repo) {
		return true
	}
	v.refuse(w, r)
	return false
}

// refuse answers a page the viewer may not see: sign in first when signed out, else 404.
func (v *viewer) refuse(w http.ResponseWriter, r *http.Request) {
	if v.sess.Login == "" && v.s.deps.OAuth.ClientID != "" {
		http.Redirect(w, r, "/login?return="+url.QueryEscape(safeReturn(r.URL.RequestURI())), http.StatusFound)
		return
	}
	v.s.notFound(w, r, "not found")
}

// allowAPI is allow for the JSON API: no redirect, a JSON 404.
func (v *viewer) allowAPI(w http.ResponseWriter, repo repoInfo) bool {
	if v.canRead(repo) {
		return true
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
	return false
}

func infoOf(r store.Repository) repoInfo {
	return repoInfo{ID: r.ID, FullName: r.FullName, Private: r.Private}
}

// canReadRepo asks GitHub whether the signed-in user can see repo (owner/name): GET
// /repos/{owner}/{repo} with their token answers 404 (or 403) for users who cannot. Answers are
// cached for permTTL per (user, repository), as write permissions are.
func (s *server) canReadRepo(ctx context.Context, sess *session, repo string) (bool, error) {
	key := "read\x00" + sess.Login + "\x00" + repo
	if ok, hit := s.perms.get(key); hit {
		return ok, nil
	}
	var out struct {
		FullName string `json:"full_name"`
	}
	err := s.githubGET(ctx, sess.Token(), "/repos/"+repo, &out)
	var st *apiStatusError
	switch {
	case err == nil:
		s.perms.put(key, true)
		return true, nil
	case errors.As(err, &st) && (st.Status == http.StatusNotFound || st.Status == http.StatusForbidden || st.Status == http.StatusUnauthorized):
		s.perms.put(key, false)
		return false, nil
	default:
		return false, fmt.Errorf("read permission of %s on %s: %w", sess.Login, repo, err)
	}
}
