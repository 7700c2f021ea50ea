package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
)

const (
	sessionCookie = "totto_session"
	sessionTTL    = 12 * time.Hour
	// sweepBatch is how many expired sessions each save removes: more than the one row a save
	// adds, so expired rows never pile up, and a fixed bound on the work of one request.
	sweepBatch = 8
)

// session is one browser's state: who is signed in (if anyone), the GitHub token acting for
// them and the CSRF token every form carries. A browser that is not signed in has no stored row
// (a sign-in in flight lives in its own sealed cookie): its id alone is its session, and its CSRF
// token is derived from the id.
type session struct {
	ID      string
	CSRF    string
	Login   string
	User    userToken
	Expires time.Time
}

// Token is the GitHub user token acting for the signed-in user.
func (s *session) Token() string { return s.User.Access }

// sessions keeps sign-ins in a store.SessionStore (the database, so every replica sees them and
// they survive restarts), sealing the user's token with the session key on the way in.
type sessions struct {
	st     store.SessionStore
	crypto *sessionCrypto
	now    func() time.Time
}

func newSessions(st store.SessionStore, c *sessionCrypto, now func() time.Time) *sessions {
	return &sessions{st: st, crypto: c, now: now}
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// wellFormedID accepts only ids this server could have issued, so a made-up cookie value is
// replaced rather than adopted.
func wellFormedID(id string) bool {
	b, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil && len(b) == 32
}

// anonymous is the session of an id with no stored row: nobody signed in.
func (ss *sessions) anonymous(id string) *session {
	return &session{ID: id, CSRF: ss.crypto.csrfToken(id), Expires: ss.now().Add(sessionTTL)}
}

// create starts a fresh, anonymous session under a new id (stored only once it holds state).
func (ss *sessions) create() *session { return ss.anonymous(randomToken()) }

// get returns the session of a cookie value: the stored one, or an anonymous one when there is
// none (never signed in, signed out, expired) or its token no longer opens (the key changed).
func (ss *sessions) get(ctx context.Context, id string) (*session, error) {
	row, err := ss.st.Session(ctx, id, ss.now())
	if errors.Is(err, store.ErrNotFound) {
		return ss.anonymous(id), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	raw, err := ss.crypto.open(id, row.SealedToken)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("login", row.Login).
			Msg("stored session does not open with this process's session key (is server.session_key the same on every replica?); treating it as signed out")
		return ss.anonymous(id), nil
	}
	return &session{ID: id, CSRF: ss.crypto.csrfToken(id), Login: row.Login, User: decodeUserToken(raw),
		Expires: row.Expires}, nil
}

// decodeUserToken reads a sealed user token: JSON, or a bare access token as sessions made before
// token renewal stored it.
func decodeUserToken(raw string) userToken {
	var ut userToken
	if strings.HasPrefix(raw, "{") && json.Unmarshal([]byte(raw), &ut) == nil {
		return ut
	}
	return userToken{Access: raw}
}

// encodeUserToken is decodeUserToken's inverse; no token encodes to "".
func encodeUserToken(ut userToken) string {
	if ut.Access == "" {
		return ""
	}
	b, _ := json.Marshal(ut) // a struct of strings and times always marshals
	return string(b)
}

// save stores the session (sealing its token), then removes a few expired ones.
func (ss *sessions) save(ctx context.Context, s *session) error {
	err := ss.st.PutSession(ctx, store.Session{ID: s.ID, Login: s.Login, SealedToken: ss.crypto.seal(s.ID, encodeUserToken(s.User)),
		Expires: s.Expires})
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	if _, err := ss.st.DeleteExpiredSessions(ctx, ss.now(), sweepBatch); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("removing expired sessions failed; the next sign-in retries")
	}
	return nil
}

func (ss *sessions) drop(ctx context.Context, id string) error {
	if err := ss.st.DeleteSession(ctx, id); err != nil {
		return fmt.Errorf("drop session: %w", err)
	}
	return nil
}

func (s *server) setCookie(w http.ResponseWriter, sess *session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.ID, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL / time.Second)})
}

// sessionFailed answers a request whose session could not be read or written (the database is
// unreachable): nothing can be decided about who is asking.
func sessionFailed(w http.ResponseWriter, r *http.Request, err error) {
	zerolog.Ctx(r.Context()).Error().Err(err).Msg("session store failed")
	http.Error(w, "sessions are unavailable, try again shortly", http.StatusServiceUnavailable)
}

// maxFormBytes bounds a form post's body: the largest form (a pattern with its description) is
// about 21 KB.
const maxFormBytes = 64 << 10

// withSession attaches the browser's session (issuing a new id when it has none, or one this
// server did not make; renewing an expired GitHub token) and rejects cross-site form posts whose
// CSRF token does not match. Posts must be URL-encoded forms of at most maxFormBytes: no UI form
// uploads files, and a multipart body would be spooled to disk by the form parser.
func (s *server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sess *session
		if c, err := r.Cookie(sessionCookie); err == nil && wellFormedID(c.Value) {
			if sess, err = s.sessions.get(r.Context(), c.Value); err != nil {
				sessionFailed(w, r, err)
				return
			}
			if sess.Login != "" {
				if sess, err = s.freshen(r.Context(), sess); err != nil {
					sessionFailed(w, r, err)
					return
				}
			}
		}
		if sess == nil {
			sess = s.sessions.create()
			s.setCookie(w, sess)
		}
		if r.Method == http.MethodPost {
			if !readForm(w, r) {
				return
			}
			if !validCSRF(sess, r) {
				http.Error(w, "invalid or missing CSRF token: reload the page and try again", http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	})
}

// readForm parses a post's URL-encoded form within maxFormBytes, or answers 415 or 413.
func readForm(w http.ResponseWriter, r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" && !(ct == "" && r.ContentLength == 0) {
		http.Error(w, "forms must be sent as application/x-www-form-urlencoded", http.StatusUnsupportedMediaType)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, fmt.Sprintf("form larger than %d KB", maxFormBytes>>10), http.StatusRequestEntityTooLarge)
			return false
		}
		http.Error(w, "cannot read the form: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func validCSRF(sess *session, r *http.Request) bool {
	got := r.PostForm.Get("csrf")
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
