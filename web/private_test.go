package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
)

// Lines only the private repository's logs hold: a page quoting one has leaked it.
const (
	privateTimeoutLine     = "PRIVATE-ONLY fetch of internal mirror failed: ETIMEDOUT"
	privateUnexplainedLine = "PRIVATE-ONLY error: vault sealed, cannot unwrap deploy key"
	privateScopedName      = "secret-scoped pattern"
)

// privateWorld is the seeded world plus a private repository: a failed job whose log matches the
// global "network timeout" pattern, a failed job nothing matches, and a pattern scoped to it.
type privateWorld struct {
	*world
	secret      store.Repository
	secretJob   store.Job // matched by the global pattern
	secretOther store.Job // unexplained
	scoped      int64     // pattern scoped to the private repository
}

func seedPrivate(t *testing.T, st store.Store) *privateWorld {
	t.Helper()
	ctx := t.Context()
	w := &privateWorld{world: seed(t, st)}
	var err error
	w.secret, err = st.UpsertRepository(ctx, store.Repository{FullName: "acme/secret", Active: true, Private: true})
	if err != nil {
		t.Fatalf("private repository: %v", err)
	}
	sha := strings.Repeat("c", 40)
	job := func(ext, name, content string) store.Job {
		t.Helper()
		at := testNow.Add(-10 * time.Hour)
		j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: ext, Attempt: 1, RepoID: w.secret.ID, SHA: sha,
			Branch: "main", Name: name, Conclusion: "failure", StartedAt: &at, CompletedAt: &at, URL: "https://github.com/acme/secret/actions/runs/9/job/" + ext})
		if err != nil {
			t.Fatalf("private job %s: %v", ext, err)
		}
		l, err := ingest.StoreLog(ctx, st, w.blobs, strings.NewReader(content), 0)
		if err != nil {
			t.Fatalf("log of private job %s: %v", ext, err)
		}
		if err := st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
			t.Fatalf("link log of private job %s: %v", ext, err)
		}
		j.LogID = &l.ID
		return j
	}
	w.secretJob = job("901", "deploy", "setup\n"+privateTimeoutLine+"\nexit 1\n")
	w.secretOther = job("902", "release", "setup\n"+privateUnexplainedLine+"\nexit 1\n")
	changes, err := st.AddPatterns(ctx, []store.Pattern{{Pattern: patterns.Pattern{Name: privateScopedName, Kind: patterns.Literal,
		Expr: "internal mirror", Source: "test"}, RepoID: &w.secret.ID}}, "seed")
	if err != nil {
		t.Fatalf("scoped pattern: %v", err)
	}
	w.scoped = changes[0].ID
	if _, err := scan.Rescan(ctx, st, w.blobs, scan.RescanOptions{Workers: 1}); err != nil {
		t.Fatalf("rescan: %v", err)
	}
	return w
}

// privatePages are the pages that belong to the private repository alone.
func (w *privateWorld) privatePages() []string {
	return []string{
		fmt.Sprintf("/jobs/%d", w.secretJob.ID),
		"/repos/acme/secret/commits/" + w.secretJob.SHA,
		"/repos/acme/secret/health",
		"/repos/acme/secret/tests",
		"/unexplained?repo=acme/secret",
		fmt.Sprintf("/patterns/%d", w.scoped),
		"/try?repo=acme/secret&expr=ETIMEDOUT",
	}
}

// leaks are what a page must not show to someone who cannot read the private repository.
var leaks = []string{"acme/secret", "PRIVATE-ONLY", privateScopedName, "vault sealed", "internal mirror"}

// listings are pages over every repository, each with something of the public one it must show.
func (w *privateWorld) listings() map[string]string {
	return map[string]string{
		"/":                                    "acme/widgets",
		"/patterns":                            "network timeout",
		fmt.Sprintf("/patterns/%d", w.timeout): "registry.npmjs.org",
		"/unexplained":                         "undefined: Foo",
		"/try?expr=ETIMEDOUT&logs=50":          "retry after",
		"/api/v1/patterns":                     `"network timeout"`,
		fmt.Sprintf("/api/v1/patterns/%d/matches", w.timeout): "acme/widgets",
	}
}

func TestPrivateRepositorySignedOut(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seedPrivate(t, st)
		gh := newFakeGitHub(t)
		c := newClient(t, w.oauthHandler(t, gh, "https://totto.example"))

		for _, p := range w.privatePages() {
			r := c.get(p)
			if r.status != 302 {
				t.Errorf("GET %s signed out: status %d, want 302 to sign in; body %.300s", p, r.status, r.body)
				continue
			}
			loc, err := url.Parse(r.header.Get("Location"))
			if err != nil || loc.Path != "/login" || loc.Query().Get("return") != p || loc.Host != "" {
				t.Errorf("GET %s signed out redirects to %q, want /login?return=%s", p, r.header.Get("Location"), p)
			}
		}
		// Listings show the public repository and nothing of the private one (the API needs a
		// session: 401).
		for p, want := range w.listings() {
			r := c.get(p)
			if strings.HasPrefix(p, "/try") {
				if r.status != 302 { // trials need a signed-in user
					t.Errorf("GET %s signed out: status %d, want 302 to sign in", p, r.status)
				}
				continue
			}
			if strings.HasPrefix(p, "/api/") {
				if r.status != 401 {
					t.Errorf("GET %s signed out: status %d, want 401", p, r.status)
				}
				continue
			}
			mustContain(t, r, 200, want)
			mustNotContain(t, r, leaks...)
		}
		// The public repository's pages are as before.
		mustContain(t, c.get(fmt.Sprintf("/jobs/%d", w.build.ID)), 200, "network timeout")
		mustContain(t, c.get("/repos/acme/widgets/health"), 200, "acme/widgets")
		if n := gh.readCalls.Load(); n != 0 {
			t.Errorf("GitHub asked %d times about a signed-out visitor, want 0", n)
		}
	})
}

func TestPrivateRepositorySignedInWithoutAccess(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seedPrivate(t, st)
		gh := newFakeGitHub(t) // octo cannot see acme/secret
		c := newClient(t, w.oauthHandler(t, gh, "https://totto.example"))
		signIn(t, c, "/")

		for _, p := range w.privatePages() {
			r := c.get(p)
			if r.status != 404 {
				t.Errorf("GET %s by a non-reader: status %d, want 404; body %.300s", p, r.status, r.body)
			}
			mustNotContain(t, r, leaks...)
		}
		for p, want := range w.listings() {
			r := c.get(p)
			mustContain(t, r, 200, want)
			mustNotContain(t, r, leaks...)
		}
		// The JSON API refuses what the pages refuse, with the answer it gives for an id that does
		// not exist, so ids do not reveal what exists.
		mustContain(t, c.get(fmt.Sprintf("/api/v1/jobs/%d", w.secretJob.ID)), 404, fmt.Sprintf(`"no job %d"`, w.secretJob.ID))
		mustContain(t, c.get("/api/v1/jobs/987654"), 404, `"no job 987654"`)
		mustContain(t, c.get(fmt.Sprintf("/api/v1/patterns/%d/matches", w.scoped)), 404, fmt.Sprintf(`"no pattern %d"`, w.scoped))
		mustContain(t, c.get(fmt.Sprintf("/api/v1/jobs/%d", w.build.ID)), 200, `"repo": "acme/widgets"`)
	})
}

func TestPrivateRepositoryReader(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seedPrivate(t, st)
		gh := newFakeGitHub(t)
		gh.readable["acme/secret"] = true
		c := newClient(t, w.oauthHandler(t, gh, "https://totto.example"))
		signIn(t, c, "/")

		mustContain(t, c.get(fmt.Sprintf("/jobs/%d", w.secretJob.ID)), 200, "PRIVATE-ONLY fetch of")
		calls := gh.readCalls.Load()
		if calls != 1 {
			t.Errorf("first private page: GitHub asked %d times, want 1", calls)
		}
		mustContain(t, c.get("/repos/acme/secret/commits/"+w.secretJob.SHA), 200, "deploy", "release")
		mustContain(t, c.get("/repos/acme/secret/health"), 200, "acme/secret")
		mustContain(t, c.get(fmt.Sprintf("/patterns/%d", w.scoped)), 200, privateScopedName)
		mustContain(t, c.get("/unexplained?repo=acme/secret"), 200, "vault sealed")
		mustContain(t, c.get("/"), 200, "acme/secret", "acme/widgets")
		mustContain(t, c.get("/patterns"), 200, privateScopedName, "network timeout")
		mustContain(t, c.get(fmt.Sprintf("/patterns/%d", w.timeout)), 200, "internal mirror", "acme/widgets")
		if n := gh.readCalls.Load(); n != calls {
			t.Errorf("GitHub asked %d more times within the cache's life, want 0", n-calls)
		}

		r := c.get(fmt.Sprintf("/api/v1/patterns/%d/matches", w.timeout))
		var out struct {
			Matches []apiMatch `json:"matches"`
		}
		if err := json.Unmarshal([]byte(r.body), &out); err != nil || r.status != 200 {
			t.Fatalf("API matches: status %d, %v: %.300s", r.status, err, r.body)
		}
		repos := map[string]bool{}
		for _, m := range out.Matches {
			for _, j := range m.Jobs {
				repos[j.Repo] = true
			}
		}
		if !repos["acme/secret"] || !repos["acme/widgets"] {
			t.Errorf("API matches of a global pattern for a reader span %v, want both repositories", repos)
		}
		mustContain(t, c.get(fmt.Sprintf("/api/v1/jobs/%d", w.secretJob.ID)), 200, `"repo": "acme/secret"`)
	})
}

func TestPrivateRepositoryDevInsecureShowsAll(t *testing.T) {
	w := seedPrivate(t, openSQLite(t))
	c := newClient(t, w.handler(t, nil))
	for _, p := range w.privatePages() {
		if r := c.get(p); r.status != 200 {
			t.Errorf("GET %s in DevInsecure mode: status %d, want 200", p, r.status)
		}
	}
	mustContain(t, c.get("/"), 200, "acme/secret", "dev-banner")
}

func TestReadCheckFailureHidesPrivateRepository(t *testing.T) {
	w := seedPrivate(t, openSQLite(t))
	gh := newFakeGitHub(t)
	gh.readable["acme/secret"] = true
	h := w.handler(t, func(d *Deps) {
		d.DevInsecure = false
		d.PublicURL = "https://totto.example"
		d.OAuth = OAuthConfig{ClientID: "Iv1.test", ClientSecret: "s3cret", WebURL: gh.srv.URL, APIURL: gh.srv.URL}
	})
	c := newClient(t, h)
	signIn(t, c, "/")
	gh.srv.Close() // GitHub unreachable from now on: the check fails, nothing private is shown
	if r := c.get(fmt.Sprintf("/jobs/%d", w.secretJob.ID)); r.status != 404 {
		t.Errorf("private job while GitHub is unreachable: status %d, want 404", r.status)
	}
	r := c.get("/")
	mustContain(t, r, 200, "acme/widgets")
	mustNotContain(t, r, "acme/secret")
}
