package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

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
	if err := s.githubGET(ctx, sess.Token(), "/repos/"+repo+"/collaborators/"+url.PathEscape(sess.Login)+"/permission", &out); err != nil {
		return false, fmt.Errorf("permission of %s on %s: %w", sess.Login, repo, err)
	}
	write := out.Permission == "admin" || out.Permission == "write" || out.RoleName == "maintain"
	s.perms.put(key, write)
	return write, nil
}
