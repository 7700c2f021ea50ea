package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	sessionCookie = "totto_session"
	sessionTTL    = 12 * time.Hour
)

// session is one browser's state: who is signed in (if anyone), the GitHub token acting for
// them, the CSRF token every form carries, and a pending OAuth state.
type session struct {
	ID      string
	CSRF    string
	Login   string
	Token   string
	State   string // OAuth state while a sign-in is in flight
	Return  string // where to go after signing in
	Expires time.Time
}

// sessions are kept in memory: a restart signs everyone out, which is acceptable for a UI whose
// only privilege is editing patterns and annotations.
type sessions struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]*session
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{now: now, m: map[string]*session{}}
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ss *sessions) get(id string) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[id]
	if !ok {
		return nil
	}
	if ss.now().After(s.Expires) {
		delete(ss.m, id)
		return nil
	}
	return s
}

// create starts a fresh session. Signing in always creates a new one (and drops the old), so an
// id planted before sign-in never becomes an authenticated session.
func (ss *sessions) create() *session {
	s := &session{ID: randomToken(), CSRF: randomToken(), Expires: ss.now().Add(sessionTTL)}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for id, old := range ss.m { // opportunistic sweep keeps the map bounded by live sessions
		if ss.now().After(old.Expires) {
			delete(ss.m, id)
		}
	}
	ss.m[s.ID] = s
	return s
}

func (ss *sessions) drop(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, id)
}

// update applies fn to a session under the lock, so concurrent requests see consistent fields.
func (ss *sessions) update(s *session, fn func(*session)) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	fn(s)
}

func (s *server) setCookie(w http.ResponseWriter, sess *session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.ID, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL / time.Second)})
}

// withSession attaches the browser's session (creating one when it has none) and rejects
// cross-site form posts whose CSRF token does not match the session's.
func (s *server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sess *session
		if c, err := r.Cookie(sessionCookie); err == nil {
			sess = s.sessions.get(c.Value)
		}
		if sess == nil {
			sess = s.sessions.create()
			s.setCookie(w, sess)
		}
		if r.Method == http.MethodPost && !validCSRF(sess, r) {
			http.Error(w, "invalid or missing CSRF token: reload the page and try again", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	})
}

func validCSRF(sess *session, r *http.Request) bool {
	got := r.PostFormValue("csrf")
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

// safeReturn keeps post-login redirects on this site: only a relative path is accepted, never a
// scheme, a host, or a protocol-relative "//host" (nor its backslash variants browsers accept).
func safeReturn(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return p
}
