package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeGitHub is a loopback OAuth server and REST API: it issues codes bound to a PKCE challenge,
// exchanges them (and refresh tokens) for user tokens, names the user and answers permission
// checks from a table.
type fakeGitHub struct {
	srv       *httptest.Server
	permCalls atomic.Int64
	perms     map[string]string // repo -> permission of "octo"
	readCalls atomic.Int64
	// readable lists the private repositories "octo" can see; GET /repos/{owner}/{repo} answers
	// 404 for the others, as GitHub does. Set it before the first request.
	readable map[string]bool
	// expiring makes tokens expire after 8 h with a single-use refresh token, as GitHub App user
	// tokens do by default. Set it before the first request.
	expiring bool

	mu         sync.Mutex
	codes      map[string]string // code -> PKCE S256 challenge
	tokens     map[string]bool   // live access tokens
	refreshes  map[string]bool   // unused refresh tokens
	issued     int
	refreshed  atomic.Int64
	noVerifier atomic.Int64 // exchanges that came without a PKCE verifier
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{perms: map[string]string{"acme/widgets": "write"}, readable: map[string]bool{},
		codes: map[string]string{}, tokens: map[string]bool{"user-token": true}, refreshes: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/{owner}/{repo}", func(w http.ResponseWriter, r *http.Request) {
		f.readCalls.Add(1)
		name := r.PathValue("owner") + "/" + r.PathValue("repo")
		if !f.authorized(r) || !f.readable[name] {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"full_name": name, "private": true})
	})
	mux.HandleFunc("GET /login/oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != "Iv1.test" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
			http.Error(w, "bad authorize request", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.issued++
		code := fmt.Sprintf("code-%d", f.issued)
		f.codes[code] = q.Get("code_challenge")
		f.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /login/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		refuse := func(code string) { _ = json.NewEncoder(w).Encode(map[string]string{"error": code}) }
		if r.PostFormValue("client_secret") != "s3cret" {
			refuse("incorrect_client_credentials")
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		switch r.PostFormValue("grant_type") {
		case "refresh_token":
			if !f.refreshes[r.PostFormValue("refresh_token")] {
				refuse("bad_refresh_token")
				return
			}
			delete(f.refreshes, r.PostFormValue("refresh_token")) // single use
			f.refreshed.Add(1)
		default:
			challenge, ok := f.codes[r.PostFormValue("code")]
			delete(f.codes, r.PostFormValue("code"))
			verifier := r.PostFormValue("code_verifier")
			if verifier == "" {
				f.noVerifier.Add(1)
			}
			sum := sha256.Sum256([]byte(verifier))
			if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge {
				refuse("bad_verification_code")
				return
			}
		}
		f.issued++
		access := "user-token"
		if f.expiring {
			access = fmt.Sprintf("user-token-%d", f.issued)
		}
		f.tokens[access] = true
		out := map[string]any{"access_token": access, "token_type": "bearer"}
		if f.expiring {
			refresh := fmt.Sprintf("refresh-%d", f.issued)
			f.refreshes[refresh] = true
			out["expires_in"], out["refresh_token"], out["refresh_token_expires_in"] = 28800, refresh, 15897600
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
		if !f.authorized(r) {
			w.WriteHeader(401)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"login": "octo"})
	})
	mux.HandleFunc("GET /repos/{owner}/{repo}/collaborators/{user}/permission", func(w http.ResponseWriter, r *http.Request) {
		f.permCalls.Add(1)
		if !f.authorized(r) {
			w.WriteHeader(401)
			return
		}
		p := f.perms[r.PathValue("owner")+"/"+r.PathValue("repo")]
		if p == "" {
			p = "read"
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"permission": p})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// authorized reports whether the request carries a live user token.
func (f *fakeGitHub) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	defer f.mu.Unlock()
	return ok && f.tokens[tok]
}

// revoke ends every access token, as GitHub does when it expires them.
func (f *fakeGitHub) revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = map[string]bool{}
}

// authorize follows /login's redirect to the fake's authorize page as the user consenting would,
// and returns the callback path (with code and state) GitHub sends the browser back to.
func authorize(t *testing.T, login resp) string {
	t.Helper()
	loc := login.header.Get("Location")
	nr := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := nr.Get(loc)
	if err != nil {
		t.Fatalf("authorize %s: %v", loc, err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusFound {
		t.Fatalf("authorize %s: status %d", loc, r.StatusCode)
	}
	cb, err := url.Parse(r.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return cb.RequestURI()
}

func (w *world) oauthHandler(t *testing.T, gh *fakeGitHub, public string) http.Handler {
	return w.handler(t, func(d *Deps) {
		d.DevInsecure = false
		d.PublicURL = public
		d.OAuth = OAuthConfig{ClientID: "Iv1.test", ClientSecret: "s3cret", WebURL: gh.srv.URL, APIURL: gh.srv.URL}
	})
}

// signIn walks the OAuth web flow as a browser would and returns the session cookie value.
func signIn(t *testing.T, c *client, ret string) (string, string) {
	t.Helper()
	r := c.get("/login?return=" + url.QueryEscape(ret))
	if r.status != 302 {
		t.Fatalf("/login: status %d", r.status)
	}
	auth, err := url.Parse(r.header.Get("Location"))
	if err != nil || auth.Path != "/login/oauth/authorize" || auth.Query().Get("client_id") != "Iv1.test" {
		t.Fatalf("/login redirects to %q", r.header.Get("Location"))
	}
	if got := auth.Query().Get("redirect_uri"); got != "https://totto.example/oauth/callback" {
		t.Errorf("redirect_uri %q", got)
	}
	before := c.cookie()
	r = c.get(authorize(t, r))
	if r.status != 302 {
		t.Fatalf("callback: status %d %s", r.status, r.body)
	}
	return before, r.header.Get("Location")
}

func (c *client) cookie() string {
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	return ""
}

func TestOAuthSignInAndPermissions(t *testing.T) {
	w := seed(t, openSQLite(t))
	gh := newFakeGitHub(t)
	h := w.oauthHandler(t, gh, "https://totto.example")
	c := newClient(t, h)
	ch, err := w.st.AddPatterns(t.Context(), []store.Pattern{{Pattern: patterns.Pattern{Name: "repo oom", Kind: patterns.Literal,
		Expr: "Killed", Source: "ui:acme/widgets"}, RepoID: &w.repo.ID}}, "seed")
	if err != nil {
		t.Fatal(err)
	}
	repoPattern := ch[0].ID

	// Signed out: no banner, no edits, no API.
	r := c.get("/patterns")
	mustNotContain(t, r, "dev-banner")
	mustContain(t, r, 200, "Sign in with GitHub")
	tok := c.csrf("/repos/acme/widgets/health")
	if r := c.post(fmt.Sprintf("/patterns/%d/retire", repoPattern), url.Values{"csrf": {tok}}); r.status != 401 {
		t.Errorf("retire signed out: status %d, want 401", r.status)
	}
	if r := c.get("/api/v1/patterns"); r.status != 401 {
		t.Errorf("API signed out: status %d, want 401", r.status)
	}

	before, loc := signIn(t, c, "/patterns?tag=flaky")
	if loc != "/patterns?tag=flaky" {
		t.Errorf("after sign-in redirected to %q", loc)
	}
	after := c.cookie()
	if after == "" || after == before {
		t.Fatalf("session id not renewed at sign-in (before %q after %q)", before, after)
	}
	// The pre-login session id is dead: fixation gains nothing.
	if s := h.(interface {
		ServeHTTP(http.ResponseWriter, *http.Request)
	}); s == nil {
		t.Fatal("no handler")
	}
	mustContain(t, c.get("/"), 200, "octo")

	// Write permission on the pattern's repository.
	tok = c.csrf("/try")
	if r := c.post(fmt.Sprintf("/patterns/%d/retire", repoPattern), url.Values{"csrf": {tok}}); r.status != 303 {
		t.Fatalf("retire with write permission: status %d %s", r.status, r.body)
	}
	if r := c.post("/repos/acme/widgets/annotations", url.Values{"csrf": {tok}, "job": {"lint"}, "from": {w.lint1.SHA}}); r.status != 303 {
		t.Fatalf("annotate with write permission: status %d %s", r.status, r.body)
	}
	if n := gh.permCalls.Load(); n != 1 {
		t.Errorf("permission checked %d times, want 1 (cached)", n)
	}
	ann, err := w.st.Annotations(t.Context(), w.repo.ID, true)
	if err != nil || len(ann) != 1 || ann[0].CreatedBy != "octo" {
		t.Errorf("annotation by %v (err %v), want octo", ann, err)
	}
	if r := c.get("/api/v1/patterns"); r.status != 200 || !strings.Contains(r.body, `"scope": "operator"`) {
		t.Errorf("API signed in: %d %.300s", r.status, r.body)
	}
}

func TestOAuthReadOnlyUserIsRefused(t *testing.T) {
	w := seed(t, openSQLite(t))
	gh := newFakeGitHub(t)
	gh.perms["acme/widgets"] = "read"
	c := newClient(t, w.oauthHandler(t, gh, "https://totto.example"))
	signIn(t, c, "/")
	tok := c.csrf("/try")
	r := c.post("/patterns", url.Values{"csrf": {tok}, "name": {"x"}, "expr": {"undefined"}, "kind": {"literal"}, "repo": {"acme/widgets"}})
	if r.status != 403 || !strings.Contains(r.body, "needs write access") {
		t.Errorf("save by a reader: %d %s", r.status, r.body)
	}
	if n := mustStats(t, w.st).Patterns; n != 2 {
		t.Errorf("a reader saved a pattern: %d patterns", n)
	}
}

func TestOAuthCallbackRejectsForeignState(t *testing.T) {
	w := seed(t, openSQLite(t))
	gh := newFakeGitHub(t)
	c := newClient(t, w.oauthHandler(t, gh, "https://totto.example"))
	code := authorize(t, c.get("/login"))
	cb, _ := url.Parse(code)
	if r := c.get("/oauth/callback?code=" + cb.Query().Get("code") + "&state=forged"); r.status != 400 {
		t.Errorf("forged state: status %d, want 400", r.status)
	}
	if r := c.get("/"); strings.Contains(r.body, "octo") {
		t.Error("signed in with a forged state")
	}
}

func TestSessionCookieFlags(t *testing.T) {
	w := seed(t, openSQLite(t))
	gh := newFakeGitHub(t)
	for _, tc := range []struct {
		public string
		secure bool
	}{{"https://totto.example", true}, {"http://localhost:8080", false}} {
		rec := httptest.NewRecorder()
		w.oauthHandler(t, gh, tc.public).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		ck := rec.Result().Cookies()
		if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteLaxMode || ck[0].Secure != tc.secure {
			t.Errorf("%s: cookie %+v", tc.public, ck)
		}
	}
}

func TestSafeReturn(t *testing.T) {
	for in, want := range map[string]string{
		"/patterns?tag=flaky": "/patterns?tag=flaky",
		"/jobs/3#L12":         "/jobs/3#L12",
		"":                    "/",
		"https://evil.test/":  "/",
		"//evil.test/x":       "/",
		"/\\evil.test":        "/",
		"\\\\evil.test":       "/",
		"javascript:alert(1)": "/",
		"patterns":            "/",
		"/a\r\nLocation: x":   "/",
	} {
		if got := safeReturn(in); got != want {
			t.Errorf("safeReturn(%q) = %q, want %q", in, got, want)
		}
	}
}
