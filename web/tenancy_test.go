package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// tenantGitHub is a loopback GitHub for several users: OAuth codes "code-<login>" sign <login>
// in; permission, read and organisation-role checks answer from its tables as GitHub does (404
// for what a user cannot see).
type tenantGitHub struct {
	srv      *httptest.Server
	perms    map[string]map[string]string // login -> repo -> permission
	readable map[string]map[string]bool   // login -> private repo -> readable
	orgRoles map[string]map[string]string // login -> org -> role (admin, member)
	// browserUser is who GET /login/oauth/authorize signs in (browser tests).
	browserUser string
}

func newTenantGitHub(t *testing.T) *tenantGitHub {
	f := &tenantGitHub{perms: map[string]map[string]string{}, readable: map[string]map[string]bool{}, orgRoles: map[string]map[string]string{}}
	login := func(r *http.Request) string {
		l, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer tok-")
		return l
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		l, ok := strings.CutPrefix(r.PostFormValue("code"), "code-")
		if !ok || r.PostFormValue("client_secret") != "s3cret" {
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "bad_verification_code"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"access_token": "tok-" + l})
	})
	// The authorize page signs in whoever the test says is at the browser.
	mux.HandleFunc("GET /login/oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		back := q.Get("redirect_uri") + "?code=code-" + url.QueryEscape(f.browserUser) + "&state=" + url.QueryEscape(q.Get("state"))
		http.Redirect(w, r, back, http.StatusFound)
	})
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"login": login(r)})
	})
	mux.HandleFunc("GET /repos/{owner}/{repo}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("owner") + "/" + r.PathValue("repo")
		if !f.readable[login(r)][name] {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"full_name": name, "private": true})
	})
	mux.HandleFunc("GET /repos/{owner}/{repo}/collaborators/{user}/permission", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("owner") + "/" + r.PathValue("repo")
		p := f.perms[login(r)][name]
		if p == "" {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"permission": p})
	})
	mux.HandleFunc("GET /user/memberships/orgs/{org}", func(w http.ResponseWriter, r *http.Request) {
		role := f.orgRoles[login(r)][r.PathValue("org")]
		if role == "" {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"state": "active", "role": role})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *tenantGitHub) grant(login, repo, perm string) {
	if f.perms[login] == nil {
		f.perms[login], f.readable[login] = map[string]string{}, map[string]bool{}
	}
	f.perms[login][repo], f.readable[login][repo] = perm, true
}

func (f *tenantGitHub) role(login, org, role string) {
	if f.orgRoles[login] == nil {
		f.orgRoles[login] = map[string]string{}
	}
	f.orgRoles[login][org] = role
}

// signInAs walks the OAuth flow as login.
func signInAs(t *testing.T, c *client, login string) {
	t.Helper()
	r := c.get("/login?return=/")
	auth, err := url.Parse(r.header.Get("Location"))
	if r.status != 302 || err != nil {
		t.Fatalf("/login: %d %q", r.status, r.header.Get("Location"))
	}
	r = c.get("/oauth/callback?code=code-" + login + "&state=" + url.QueryEscape(auth.Query().Get("state")))
	if r.status != 302 {
		t.Fatalf("sign in as %s: %d %s", login, r.status, r.body)
	}
	if !strings.Contains(c.get("/").body, login) {
		t.Fatalf("not signed in as %s", login)
	}
}

// Lines only acme's private repository holds.
const (
	vaultSecretLine = "export VAULT_TOKEN=s3cr3t-vault-value-42"
	vaultFailLine   = "error: deploy to production failed"
)

// tenancyWorld: acme/widgets (public, seed) and acme/vault (private) of the organisation acme,
// evil/lab (public) of the organisation evil. octo is acme's owner; mallory writes evil/lab, is a
// plain member of acme and reads only what is public there.
type tenancyWorld struct {
	*world
	gh       *tenantGitHub
	vault    store.Repository
	vaultJob store.Job
	lab      store.Repository
	labJob   store.Job
	opVault  int64 // operator pattern matching the vault log
	acmeOwn  int64 // acme/vault's own pattern
	h        http.Handler
}

func seedTenants(t *testing.T, st store.Store) *tenancyWorld {
	t.Helper()
	ctx := t.Context()
	w := &tenancyWorld{world: seed(t, st)}
	mk := func(full string, private bool, ext, name, content string) (store.Repository, store.Job) {
		t.Helper()
		r, err := st.UpsertRepository(ctx, store.Repository{FullName: full, Active: true, Private: private})
		if err != nil {
			t.Fatal(err)
		}
		at := testNow.Add(-5 * time.Hour)
		j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: ext, Attempt: 1, RepoID: r.ID, SHA: strings.Repeat("d", 40),
			Branch: "main", Name: name, Conclusion: "failure", StartedAt: &at, CompletedAt: &at, URL: "https://github.com/" + full + "/actions/runs/1/job/" + ext})
		if err != nil {
			t.Fatal(err)
		}
		l, err := ingest.StoreLog(ctx, st, w.blobs, strings.NewReader(content), 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
			t.Fatal(err)
		}
		j.LogID = &l.ID
		return r, j
	}
	w.vault, w.vaultJob = mk("acme/vault", true, "701", "deploy", "setup\n"+vaultSecretLine+"\n"+vaultFailLine+"\nexit 1\n")
	w.lab, w.labJob = mk("evil/lab", false, "801", "build", "setup\nVAULT_TOKEN rotation timed out\nexit 1\n")
	ch, err := st.AddPatterns(ctx, []store.Pattern{
		{Pattern: patterns.Pattern{Name: "deploy failure", Kind: patterns.Literal, Expr: "deploy to production failed", Tags: []string{"known-problem"}, Source: "test"}},
		{Pattern: patterns.Pattern{Name: "vault own", Kind: patterns.Literal, Expr: "setup", Source: "ui:acme/vault"}, RepoID: &w.vault.ID},
	}, "seed")
	if err != nil {
		t.Fatal(err)
	}
	w.opVault, w.acmeOwn = ch[0].ID, ch[1].ID
	if _, err := scan.Rescan(ctx, st, w.blobs, scan.RescanOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	w.gh = newTenantGitHub(t)
	w.gh.grant("octo", "acme/widgets", "admin")
	w.gh.grant("octo", "acme/vault", "admin")
	w.gh.role("octo", "acme", "admin")
	w.gh.grant("mallory", "evil/lab", "admin")
	w.gh.grant("mallory", "acme/widgets", "read")
	w.gh.role("mallory", "acme", "member")
	w.gh.role("mallory", "evil", "admin")
	w.h = w.tenantHandler(t, "https://totto.example")
	return w
}

// tenantHandler is the UI signed in through the world's GitHub, reachable at public.
func (w *tenancyWorld) tenantHandler(t *testing.T, public string) http.Handler {
	return w.handler(t, func(d *Deps) {
		d.DevInsecure = false
		d.PublicURL = public
		d.OAuth = OAuthConfig{ClientID: "Iv1.test", ClientSecret: "s3cret", WebURL: w.gh.srv.URL, APIURL: w.gh.srv.URL}
	})
}

func (w *tenancyWorld) user(t *testing.T, login string) (*client, string) {
	c := newClient(t, w.h)
	signInAs(t, c, login)
	return c, c.csrf("/try")
}

func patternForm(tok, name, expr string, extra ...string) url.Values {
	v := url.Values{"csrf": {tok}, "name": {name}, "expr": {expr}, "kind": {"literal"}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func activePatterns(t *testing.T, st store.Store) int64 { return mustStats(t, st).Patterns }

// TestTenancyAttacks performs, through the UI and API as a signed-in writer of another owner's
// repository, each attack a global pattern allowed: reading a private log through match counts,
// turning another owner's failure green with a broad flaky pattern, and retiring patterns that
// are not theirs.
func TestTenancyAttacks(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seedTenants(t, st)
		mal, tok := w.user(t, "mallory")
		before := activePatterns(t, st)

		// No global patterns from the UI, and no other owner's scope.
		mustContain(t, mal.post("/patterns", patternForm(tok, "probe", "s3cr3t-v")), 422, "scope: choose a repository")
		if r := mal.post("/patterns", patternForm(tok, "probe", "s3cr3t-v", "account", "acme")); r.status != 403 {
			t.Errorf("account pattern for acme by a plain member: %d, want 403", r.status)
		}
		if r := mal.post("/patterns", patternForm(tok, "probe", "s3cr3t-v", "repo", "acme/widgets")); r.status != 403 {
			t.Errorf("repository pattern on a repository mallory only reads: %d, want 403", r.status)
		}
		r := mal.post("/patterns", patternForm(tok, "probe", "s3cr3t-v", "repo", "acme/vault"))
		mustContain(t, r, 422, "unknown repository")
		mustNotContain(t, r, "may not")
		if n := activePatterns(t, st); n != before {
			t.Fatalf("refused saves stored patterns: %d active, want %d", n, before)
		}

		// (a) The private-log oracle: a pattern in mallory's own scopes never counts acme's logs.
		for _, f := range []url.Values{
			patternForm(tok, "probe repo", "s3cr3t-v", "repo", "evil/lab"),
			patternForm(tok, "probe account", "s3cr3t-v", "account", "evil"),
		} {
			r := mal.post("/patterns", f)
			if r.status != 303 {
				t.Fatalf("save %s: %d %s", f.Get("name"), r.status, r.body)
			}
			w.waitRescan(t) // the save queued the rescan of stored logs: count after it
			page := mal.get(r.header.Get("Location"))
			mustContain(t, page, 200, "No matches yet")
			mustNotContain(t, page, "VAULT_TOKEN", "acme/vault")
		}
		for _, p := range mustPatterns(t, st, "ui:evil") {
			if ms, err := st.Matches(t.Context(), store.MatchFilter{PatternID: p.ID}); err != nil || len(ms) != 0 {
				t.Errorf("mallory's pattern %q matched %d lines (err %v): it was scanned over another owner's log", p.Name, len(ms), err)
			}
		}
		api := mal.get("/api/v1/patterns")
		mustContain(t, api, 200, `"probe repo"`)
		mustNotContain(t, api, "vault own", "acme/vault")
		if m := apiMatchCount(t, api.body, "deploy failure"); m != 0 {
			t.Errorf("mallory sees the operator pattern's %d matches in acme's private repository", m)
		}
		// "Try" scans only logs mallory can read.
		r = mal.post("/try", url.Values{"csrf": {tok}, "expr": {"s3cr3t-v"}, "kind": {"literal"}})
		mustContain(t, r, 200, `<span id="hit-failed">0</span>`)
		mustNotContain(t, r, "VAULT_TOKEN")

		// (b) A broad flaky pattern of mallory's does not decide acme's verdicts.
		r = mal.post("/patterns", patternForm(tok, "everything is flaky", "VAULT_TOKEN", "account", "evil", "tags", "flaky", "priority", "100"))
		if r.status != 303 {
			t.Fatalf("save broad flaky: %d %s", r.status, r.body)
		}
		w.waitRescan(t) // the save queued the rescan of stored logs
		octo, otok := w.user(t, "octo")
		job := octo.get(fmt.Sprintf("/api/v1/jobs/%d", w.vaultJob.ID))
		mustContain(t, job, 200, `"verdict": "known-problem"`)
		mustNotContain(t, job, "everything is flaky", "probe")
		labJob := mal.get(fmt.Sprintf("/api/v1/jobs/%d", w.labJob.ID))
		mustContain(t, labJob, 200, `"verdict": "flaky"`) // it does decide mallory's own

		// octo, acme's owner, sees the private counts; mallory does not.
		if m := apiMatchCount(t, octo.get("/api/v1/patterns").body, "deploy failure"); m != 1 {
			t.Errorf("acme's owner sees %d matches of the operator pattern, want 1", m)
		}

		// (c) Built-in and operator patterns are the operator's.
		if r := mal.post(fmt.Sprintf("/patterns/%d/retire", w.timeout), url.Values{"csrf": {tok}}); r.status != 403 {
			t.Errorf("mallory retires an operator pattern: %d, want 403", r.status)
		}
		if r := octo.post(fmt.Sprintf("/patterns/%d/retire", w.opVault), url.Values{"csrf": {otok}}); r.status != 403 {
			t.Errorf("a repository owner retires an operator pattern: %d, want 403", r.status)
		}
		// Another tenant's pattern: not visible, not retirable, not replaceable.
		if r := mal.get(fmt.Sprintf("/patterns/%d", w.acmeOwn)); r.status != 404 {
			t.Errorf("mallory reads acme/vault's pattern: %d, want 404", r.status)
		}
		if r := mal.post(fmt.Sprintf("/patterns/%d/retire", w.acmeOwn), url.Values{"csrf": {tok}}); r.status != 404 {
			t.Errorf("mallory retires acme/vault's pattern: %d, want 404", r.status)
		}
		r = mal.post("/patterns", patternForm(tok, "replacer", "zzz", "repo", "evil/lab", "replaces", fmt.Sprint(w.acmeOwn)))
		mustContain(t, r, 422, "keeps the scope")
		for _, id := range []int64{w.timeout, w.opVault, w.acmeOwn} {
			if p, err := st.Pattern(t.Context(), id); err != nil || !p.Active() {
				t.Errorf("pattern %d retired by an attack (err %v)", id, err)
			}
		}

		// The owner of acme may keep account-wide patterns for it.
		r = octo.post("/patterns", patternForm(otok, "acme wide", "deploy to", "account", "acme", "tags", "known-problem"))
		if r.status != 303 {
			t.Fatalf("account pattern by acme's owner: %d %s", r.status, r.body)
		}
		w.waitRescan(t)
		if p := mustPatterns(t, st, "ui:acme"); len(p) != 1 || p[0].Scope != store.ScopeAccount || p[0].Owner != "acme" || p[0].Author != "octo" {
			t.Errorf("acme's account pattern stored as %+v", p)
		}
		// It applies to acme's public repository too, so its readers see it, counted over what
		// they can read: mallory sees none of its matches (all in acme/vault), octo sees them.
		if m := apiMatchCount(t, mal.get("/api/v1/patterns").body, "acme wide"); m != 0 {
			t.Errorf("mallory sees %d matches of acme's account pattern in its private repository", m)
		}
		if m := apiMatchCount(t, octo.get("/api/v1/patterns").body, "acme wide"); m != 1 {
			t.Errorf("acme's owner sees %d matches of acme's account pattern, want 1", m)
		}
	})
}

func mustPatterns(t *testing.T, st store.Store, source string) []store.Pattern {
	t.Helper()
	ps, err := st.Patterns(t.Context(), store.PatternFilter{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// apiMatchCount reads a pattern's all-time match count from /api/v1/patterns.
func apiMatchCount(t *testing.T, body, name string) int64 {
	t.Helper()
	var out struct {
		Patterns []struct {
			Name    string `json:"name"`
			Matches int64  `json:"matches"`
		} `json:"patterns"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("API patterns: %v: %.200s", err, body)
	}
	for _, p := range out.Patterns {
		if p.Name == name {
			return p.Matches
		}
	}
	t.Fatalf("pattern %q not listed: %.500s", name, body)
	return 0
}
