package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// login starts GitHub's OAuth web flow. The state ties the callback to this browser.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if s.deps.OAuth.ClientID == "" {
		http.Error(w, "sign-in is not configured (DevInsecure mode): anyone can edit", http.StatusNotFound)
		return
	}
	sess := sessionOf(r.Context())
	state := randomToken()
	pending := *sess
	pending.State, pending.Return = state, safeReturn(r.URL.Query().Get("return"))
	if err := s.sessions.save(r.Context(), &pending); err != nil {
		sessionFailed(w, r, err)
		return
	}
	q := url.Values{"client_id": {s.deps.OAuth.ClientID}, "state": {state},
		"redirect_uri": {strings.TrimRight(s.deps.PublicURL, "/") + "/oauth/callback"}}
	http.Redirect(w, r, s.deps.OAuth.WebURL+"/login/oauth/authorize?"+q.Encode(), http.StatusFound)
}

// oauthCallback exchanges the code for a user token, then replaces the session with a new one
// (a new id: no session fixation) carrying the user.
func (s *server) oauthCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sess := sessionOf(ctx)
	q := r.URL.Query()
	if sess.State == "" || q.Get("state") != sess.State {
		http.Error(w, "sign-in state does not match this browser; start again from /login", http.StatusBadRequest)
		return
	}
	token, err := s.exchangeCode(ctx, q.Get("code"))
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("oauth code exchange failed")
		http.Error(w, "GitHub sign-in failed: "+err.Error(), http.StatusBadGateway)
		return
	}
	var user struct {
		Login string `json:"login"`
	}
	if err := s.githubGET(ctx, token, "/user", &user); err != nil || user.Login == "" {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("oauth user lookup failed")
		http.Error(w, "GitHub sign-in failed: could not read the signed-in user", http.StatusBadGateway)
		return
	}
	ret := sess.Return
	if err := s.sessions.drop(ctx, sess.ID); err != nil {
		sessionFailed(w, r, err)
		return
	}
	fresh := s.sessions.create()
	fresh.Login, fresh.Token = user.Login, token
	if err := s.sessions.save(ctx, fresh); err != nil {
		sessionFailed(w, r, err)
		return
	}
	s.setCookie(w, fresh)
	http.Redirect(w, r, safeReturn(ret), http.StatusFound)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	if err := s.sessions.drop(r.Context(), sess.ID); err != nil {
		sessionFailed(w, r, err)
		return
	}
	s.setCookie(w, s.sessions.create())
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *server) exchangeCode(ctx context.Context, code string) (string, error) {
	if code == "" {
		return "", fmt.Errorf("no code in the callback")
	}
	form := url.Values{"client_id": {s.deps.OAuth.ClientID}, "client_secret": {s.deps.OAuth.ClientSecret}, "code": {code}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.deps.OAuth.WebURL+"/login/oauth/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.deps.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("token request: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&out); err != nil {
		return "", fmt.Errorf("token response (HTTP %d): %w", resp.StatusCode, err)
	}
	if out.AccessToken == "" {
		return "", fmt.Errorf("token refused: %s %s", out.Error, out.Description)
	}
	return out.AccessToken, nil
}

// githubGET reads one REST API resource as the signed-in user.
func (s *server) githubGET(ctx context.Context, token, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.deps.OAuth.APIURL+path, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/vnd.github+json")
	resp, err := s.deps.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &apiStatusError{Path: path, Status: resp.StatusCode}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(into); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

// apiStatusError is a REST API answer other than 200, kept apart so permission checks can tell
// "GitHub says no" (404, 403) from GitHub being unreachable.
type apiStatusError struct {
	Path   string
	Status int
}

func (e *apiStatusError) Error() string { return fmt.Sprintf("GET %s: HTTP %d", e.Path, e.Status) }

const permTTL = 2 * time.Minute

// permCache remembers permission answers (write, and read of private repositories) briefly, so a
// page costs one API call per repository, while a revoked permission stops working within
// minutes.
type permCache struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]permEntry
}

type permEntry struct {
	ok bool
	at time.Time
}

func newPermCache(now func() time.Time) *permCache {
	return &permCache{now: now, m: map[string]permEntry{}}
}

func (c *permCache) get(key string) (ok, hit bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, found := c.m[key]
	if !found || c.now().Sub(e.at) >= permTTL {
		return false, false
	}
	return e.ok, true
}

// put records an answer, first dropping expired ones so the map stays bounded by recent users.
func (c *permCache) put(key string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for k, e := range c.m {
		if now.Sub(e.at) >= permTTL {
			delete(c.m, k)
		}
	}
	c.m[key] = permEntry{ok: ok, at: now}
}

// canWrite asks GitHub whether the signed-in user may push to repo (owner/name).
func (s *server) canWrite(ctx context.Context, sess *session, repo string) (bool, error) {
	key := "write\x00" + sess.Login + "\x00" + repo
	if write, hit := s.perms.get(key); hit {
		return write, nil
	}
	var out struct {
		Permission string `json:"permission"`
		RoleName   string `json:"role_name"`
	}
	if err := s.githubGET(ctx, sess.Token, "/repos/"+repo+"/collaborators/"+url.PathEscape(sess.Login)+"/permission", &out); err != nil {
		return false, fmt.Errorf("permission of %s on %s: %w", sess.Login, repo, err)
	}
	write := out.Permission == "admin" || out.Permission == "write" || out.RoleName == "maintain"
	s.perms.put(key, write)
	return write, nil
}
