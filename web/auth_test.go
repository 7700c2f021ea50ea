package web

import (
	"encoding/json"
	"fmt"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeGitHub is a loopback OAuth server and REST API: it issues one code, exchanges it for a
// token, names the user and answers permission checks from a table.
type fakeGitHub struct {
	srv       *httptest.Server
	permCalls atomic.Int64
	perms     map[string]string // repo -> permission of "octo"
	readCalls atomic.Int64
	// readable lists the private repositories "octo" can see; GET /repos/{owner}/{repo} answers
	// 404 for the others, as GitHub does. Set it before the first request.
	readable map[string]bool
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{perms: map[string]string{"acme/widgets": "write"}, readable: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/{owner}/{repo}", func(w http.ResponseWriter, r *http.Request) {
		f.readCalls.Add(1)
		name := r.PathValue("owner") + "/" + r.PathValue("repo")
		if r.Header.Get("Authorization") != "Bearer user-token" || !f.readable[name] {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"full_name": name, "private": true})
	})
	mux.HandleFunc("POST /login/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("code") != "good-code" || r.PostFormValue("client_secret") != "s3cret" {
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "bad_verification_code"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"access_token": "user-token"})
	})
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer user-token" {
			w.WriteHeader(401)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"login": "octo"})
	})
	mux.HandleFunc("GET /repos/{owner}/{repo}/collaborators/{user}/permission", func(w http.ResponseWriter, r *http.Request) {
		f.permCalls.Add(1)
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
	r = c.get("/oauth/callback?code=good-code&state=" + url.QueryEscape(auth.Query().Get("state")))
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
	tok := c.csrf("/try")
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
	c.get("/login")
	if r := c.get("/oauth/callback?code=good-code&state=forged"); r.status != 400 {
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
