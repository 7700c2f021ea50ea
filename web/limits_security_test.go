package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// Anonymous /login requests with huge return values store nothing: no session row (on either
// backend) and no state in memory, the pending sign-in is a small cookie, and a return longer
// than maxReturnBytes comes back as "/".
func TestLoginFloodStoresNothing(t *testing.T) {
	sessionBackends(t, func(t *testing.T, st store.Store, rows func() [][]byte) {
		w := seed(t, st)
		gh := newFakeGitHub(t)
		h := w.replica(t, gh, replicaKey, newTestClock(testNow))
		srv := newClient(t, h).srv
		huge := "/" + strings.Repeat("a", 500<<10)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				nr := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				for range 25 {
					r, err := nr.Get(srv.URL + "/login?return=" + url.QueryEscape(huge))
					if err != nil {
						t.Error(err)
						return
					}
					r.Body.Close()
					for _, c := range r.Cookies() {
						if len(c.Value) > 1024 {
							t.Errorf("cookie %s of %d bytes", c.Name, len(c.Value))
						}
					}
				}
			}()
		}
		wg.Wait()
		if n := len(rows()); n != 0 {
			t.Fatalf("100 anonymous /login requests left %d stored values", n)
		}
		// A signed-in user who asked to return to a huge path comes back to "/".
		if _, loc := signIn(t, newClient(t, h), huge); loc != "/" {
			t.Errorf("return of %d bytes: redirected to %.80q, want /", len(huge), loc)
		}
	})
}

// The pending sign-in cookie expires after signInTTL, and a code obtained by one browser cannot
// be redeemed through another browser's pending sign-in: PKCE binds the code to the verifier of
// the browser that started.
func TestSignInPKCEAndPendingExpiry(t *testing.T) {
	w := seed(t, openSQLite(t))
	gh := newFakeGitHub(t)
	clock := newTestClock(testNow)
	h := w.replica(t, gh, replicaKey, clock)

	victim, attacker := newClient(t, h), newClient(t, h)
	stolen, _ := url.Parse(authorize(t, victim.get("/login")))
	own, _ := url.Parse(authorize(t, attacker.get("/login")))
	r := attacker.get("/oauth/callback?code=" + stolen.Query().Get("code") + "&state=" + url.QueryEscape(own.Query().Get("state")))
	if r.status == http.StatusFound || signedIn(t, attacker) {
		t.Fatalf("a code issued to another browser was redeemed: status %d", r.status)
	}
	if n := gh.noVerifier.Load(); n != 0 {
		t.Errorf("%d code exchanges sent no PKCE verifier", n)
	}

	late := newClient(t, h)
	cb := authorize(t, late.get("/login"))
	clock.advance(signInTTL)
	if r := late.get(cb); r.status != http.StatusBadRequest || signedIn(t, late) {
		t.Errorf("a sign-in finished after %s: status %d, want 400", signInTTL, r.status)
	}
}

// GitHub's expiring user tokens are renewed with their refresh token when they expire, and a
// session whose token cannot be renewed (refresh token revoked or expired) is signed out rather
// than kept with a dead token.
func TestSignInRefreshesExpiringTokens(t *testing.T) {
	sessionBackends(t, func(t *testing.T, st store.Store, _ func() [][]byte) {
		w := seed(t, st)
		gh := newFakeGitHub(t)
		gh.expiring = true
		clock := newTestClock(testNow)
		h := w.replica(t, gh, replicaKey, clock)
		c := newClient(t, h)
		signIn(t, c, "/")
		tok := c.csrf("/try")
		annotate := func() int {
			return c.post("/repos/acme/widgets/annotations", url.Values{"csrf": {tok}, "job": {"lint"}, "from": {w.lint1.SHA}}).status
		}
		if s := annotate(); s != http.StatusSeeOther {
			t.Fatalf("annotate with a fresh token: status %d", s)
		}

		// Eight hours on, GitHub has expired the access token: the session renews it once and
		// the user's next permission check works.
		clock.advance(8 * time.Hour)
		gh.revoke()
		if !signedIn(t, c) {
			t.Fatal("signed out although the token could be renewed")
		}
		if n := gh.refreshed.Load(); n != 1 {
			t.Errorf("token renewed %d times, want 1", n)
		}
		if s := annotate(); s != http.StatusSeeOther {
			t.Errorf("annotate with the renewed token: status %d", s)
		}

		// A session whose refresh token GitHub no longer honours (revoked, or the App's
		// authorisation removed) is signed out when its access token expires.
		d := newClient(t, h)
		signIn(t, d, "/")
		gh.mu.Lock()
		gh.refreshes = map[string]bool{}
		gh.mu.Unlock()
		clock.advance(8 * time.Hour)
		gh.revoke()
		if signedIn(t, d) {
			t.Fatal("a session whose token could not be renewed is still signed in")
		}
	})
}

// A multipart post to any UI path is refused before its body is parsed, so nothing is spooled to
// the temporary directory; an oversized form is refused too.
func TestMultipartAndOversizedFormsRefused(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	w := seed(t, openSQLite(t))
	c := newClient(t, w.handler(t, nil))
	tok := c.csrf("/try")
	for _, path := range []string{"/patterns", "/try", "/logout", "/patterns/1/retire", "/repos/acme/widgets/annotations"} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf", tok)
		f, _ := mw.CreateFormFile("upload", "big.bin")
		_, _ = f.Write(bytes.Repeat([]byte("x"), 40<<20)) // beyond the in-memory part of multipart parsing
		mw.Close()
		resp, err := c.hc.Post(c.srv.URL+path, mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("multipart POST %s: status %d, want 415", path, resp.StatusCode)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("multipart posts left %d files in the temporary directory", len(left))
	}
	big := url.Values{"csrf": {tok}, "description": {strings.Repeat("d", maxFormBytes)}}
	if r := c.post("/try", big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("form of %d bytes: status %d, want 413", len(big.Encode()), r.status)
	}
}

// An annotation's job glob with a bidirectional control is refused and nothing is stored.
func TestAnnotationGlobRejectsBidiControls(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		c := newClient(t, w.handler(t, nil))
		tok := c.csrf("/repos/acme/widgets/health")
		for _, path := range []string{"/repos/acme/widgets/annotations", "/repos/acme/widgets/annotations/close"} {
			r := c.post(path, url.Values{"csrf": {tok}, "job": {"lint\u202etset"}, "from": {w.lint1.SHA}, "to": {w.lint1.SHA}})
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, "U+202E") {
				t.Errorf("POST %s: status %d %s, want 400 naming U+202E", path, r.status, r.body)
			}
		}
		if as, err := st.Annotations(t.Context(), w.repo.ID, false); err != nil || len(as) != 0 {
			t.Errorf("annotations: %+v, %v; want none", as, err)
		}
	})
}
