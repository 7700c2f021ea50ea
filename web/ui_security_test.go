package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// A signed-in writer's POSTs without the session's CSRF token are refused with 403 and change
// nothing: no token, a wrong one, one from another session, or a token only in the query string.
func TestCSRFRefusesForgedPosts(t *testing.T) {
	w := seed(t, openSQLite(t))
	gh := newFakeGitHub(t)
	h := w.oauthHandler(t, gh, "https://totto.example")
	victim := newClient(t, h)
	signIn(t, victim, "/")
	other := newClient(t, h)
	otherTok := other.csrf("/repos/acme/widgets/health")
	retire := fmt.Sprintf("/patterns/%d/retire", w.timeout)

	for _, c := range []struct {
		name string
		form url.Values
		path string
	}{
		{"no token", url.Values{}, retire},
		{"empty token", url.Values{"csrf": {""}}, retire},
		{"wrong token", url.Values{"csrf": {"0123456789abcdef"}}, retire},
		{"another session's token", url.Values{"csrf": {otherTok}}, retire},
		{"annotation without token", url.Values{"job": {"lint"}, "from": {w.lint1.SHA}}, "/repos/acme/widgets/annotations"},
		{"token in the query string only", url.Values{}, retire + "?csrf=" + otherTok},
	} {
		if r := victim.post(c.path, c.form); r.status != http.StatusForbidden || !strings.Contains(r.body, "CSRF") {
			t.Errorf("%s: status %d %q, want 403 naming CSRF", c.name, r.status, r.body)
		}
	}
	// A cross-site request carrying a wrong header token is refused too.
	req, _ := http.NewRequest(http.MethodPost, victim.srv.URL+retire, strings.NewReader(""))
	req.Header.Set("X-CSRF-Token", otherTok)
	res, err := victim.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if r := read(t, res); r.status != http.StatusForbidden {
		t.Errorf("wrong X-CSRF-Token header: status %d, want 403", r.status)
	}
	p, err := w.st.Pattern(t.Context(), w.timeout)
	if err != nil || p.RetiredAt != nil {
		t.Errorf("pattern retired by a forged POST: %+v, %v", p, err)
	}
	if ann, err := w.st.Annotations(t.Context(), w.repo.ID, true); err != nil || len(ann) != 0 {
		t.Errorf("annotations after forged POSTs: %+v, %v", ann, err)
	}
}

// Session fixation: a session id planted in the victim's browser before sign-in (one the server
// issued to the attacker, or one the attacker made up) never becomes a signed-in session.
func TestSessionFixation(t *testing.T) {
	w := seed(t, openSQLite(t))
	gh := newFakeGitHub(t)
	h := w.oauthHandler(t, gh, "https://totto.example")
	attacker := newClient(t, h)
	attacker.get("/")
	issued := attacker.cookie()
	if issued == "" {
		t.Fatal("no session cookie issued")
	}
	for _, planted := range []string{issued, "attacker-chosen-session-id"} {
		victim := newClient(t, h)
		u, _ := url.Parse(victim.srv.URL)
		victim.hc.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: planted, Path: "/"}})
		signIn(t, victim, "/")
		if got := victim.cookie(); got == planted || got == "" {
			t.Fatalf("planted id %q: session after sign-in is %q, want a fresh id", planted, got)
		}
		if !strings.Contains(victim.get("/").body, "octo") {
			t.Fatal("victim not signed in")
		}
		// The attacker, holding the planted id, is still signed out.
		spy := newClient(t, h)
		spy.hc.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: planted, Path: "/"}})
		if r := spy.get("/api/v1/patterns"); r.status != http.StatusUnauthorized {
			t.Errorf("planted id %q: API answered %d to the attacker, want 401", planted, r.status)
		}
	}
}

// After sign-in the browser is sent only to a same-site path: every open-redirect trick in the
// return parameter (and a "next" parameter, which totto does not read) lands on "/".
func TestLoginOpenRedirect(t *testing.T) {
	w := seed(t, openSQLite(t))
	gh := newFakeGitHub(t)
	h := w.oauthHandler(t, gh, "https://totto.example")
	for _, ret := range []string{
		"//evil.example", "https://evil.example", "http://evil.example/", "/\\evil.example", "\\\\evil.example",
		"%2F%2Fevil.example", "%252F%252Fevil.example", "/%5Cevil.example\\", "///evil.example", "/\t/evil.example",
		"/\n/evil.example", "https:evil.example", "javascript:alert(1)", " //evil.example", "\x00//evil.example",
		"//evil.example@totto.example", "/..//evil.example",
	} {
		c := newClient(t, h)
		_, loc := signIn(t, c, ret)
		u, err := url.Parse(loc)
		if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(loc, "/") ||
			strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\t\r\n\x00") {
			t.Errorf("return %q: redirected to %q, want a same-site path", ret, loc)
		}
	}
	// "next" is not a parameter of /login: it is ignored, whatever it holds.
	c := newClient(t, h)
	r := c.get(authorize(t, c.get("/login?next="+url.QueryEscape("//evil.example"))))
	if loc := r.header.Get("Location"); loc != "/" {
		t.Errorf("/login?next=//evil.example redirected to %q after sign-in, want /", loc)
	}
}

// hostileLog is a failed job's log whose lines carry HTML, markdown links, mentions, issue
// references and secrets.
const hostileLog = "step 1\n" +
	"error: <img src=x onerror=alert(1)> failed for @octocat in #123\n" +
	"see [docs](javascript:alert(document.cookie)) now\n" +
	"HOSTILE token ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked\n" +
	"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY HOSTILE\n" +
	"exit 1\n"

// Pattern names, job names and log lines with HTML or markdown render inert on every page and in
// the JSON API, and secrets in log lines are redacted in both.
func TestHostileTextInertAndRedactedInUIAndAPI(t *testing.T) {
	st := openSQLite(t)
	w := seed(t, st)
	ctx := t.Context()
	at := testNow.Add(-time.Hour)
	j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: "666", Attempt: 1, RepoID: w.repo.ID,
		SHA: strings.Repeat("c", 40), Branch: "main", Name: `<img src=x onerror=alert("job")>`, Conclusion: "failure",
		StartedAt: &at, CompletedAt: &at, URL: "javascript:alert(1)"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := ingest.StoreLog(ctx, st, w.blobs, strings.NewReader(hostileLog), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
		t.Fatal(err)
	}
	changes, err := st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{
		Name: `<img src=x onerror=alert("pattern")> [x](javascript:alert(1)) @octocat #123`, Kind: patterns.Literal,
		Expr: "HOSTILE", Source: "test"}}}, "seed")
	if err != nil {
		t.Fatal(err)
	}
	pid := changes[0].ID
	// A regex whose capture group holds the secret: captures are quoted log text too.
	if _, err := st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{
		Name: "leaky capture", Kind: patterns.Regex, Expr: `(AWS_SECRET_ACCESS_KEY=\S+)`, Source: "test"}}}, "seed"); err != nil {
		t.Fatal(err)
	}
	if _, err := scan.Rescan(ctx, st, w.blobs, scan.RescanOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, w.handler(t, nil))
	raw := []string{"<img", `href="javascript:`, "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "wJalrXUtnFEMI"}
	for _, path := range []string{
		fmt.Sprintf("/jobs/%d", j.ID), fmt.Sprintf("/jobs/%d?page=1", j.ID), fmt.Sprintf("/patterns/%d", pid), "/patterns",
		"/repos/acme/widgets/commits/" + j.SHA, "/repos/acme/widgets/health", "/unexplained",
		fmt.Sprintf("/api/v1/jobs/%d", j.ID), fmt.Sprintf("/api/v1/patterns/%d/matches", pid), "/api/v1/patterns",
	} {
		r := c.get(path)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: status %d", path, r.status)
			continue
		}
		for _, s := range raw {
			if strings.Contains(r.body, s) {
				i := strings.Index(r.body, s)
				t.Errorf("GET %s: raw %q in the response: …%s…", path, s, r.body[max(0, i-80):min(len(r.body), i+80)])
			}
		}
	}
	mustContain(t, c.get(fmt.Sprintf("/jobs/%d", j.ID)), 200, "&lt;img src=x onerror=alert(1)&gt;", "[REDACTED]")
	if r := c.get(fmt.Sprintf("/api/v1/patterns/%d/matches", pid)); !strings.Contains(r.body, "[REDACTED]") {
		t.Errorf("API matches do not show the redaction: %.400s", r.body)
	}
}
