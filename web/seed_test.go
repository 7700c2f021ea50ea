package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/internal/testdb"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	_ "github.com/totto-ci/totto/store/postgres"
	_ "github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
	"github.com/totto-ci/totto/verdicts"
)

// testNow is the pinned clock of seeded worlds: jobs completed in the days before it.
var testNow = time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC)

// secretToken is planted in a log line to check that pages redact it.
const secretToken = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"

// world is a seeded store with the ids tests refer to.
type world struct {
	st       store.Store
	blobs    blob.Store
	repo     store.Repository
	build    store.Job // failed; its log matches "network timeout" at line timeoutLine
	green    store.Job // succeeded, yet its log has ETIMEDOUT too
	lint1    store.Job // failed; nothing matches
	lint2    store.Job
	timeout  int64 // pattern id, tagged flaky
	scripted int64 // pattern whose name is HTML
	rescans  *rescans
}

// rescans is the UI's rescan queue in tests: the App's job queue on the world's store with the
// scan worker registered and running.
type rescans struct {
	*scan.Jobs
	completed <-chan *river.Event
}

// rescanQueue starts the world's job queue (once).
func (w *world) rescanQueue(t testing.TB) *rescans {
	t.Helper()
	if w.rescans != nil {
		return w.rescans
	}
	q, err := queue.Open(t.Context(), w.st.Conn(), queue.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("queue: %v", err)
	}
	jobs, err := scan.Register(q, w.st, w.blobs)
	if err != nil {
		t.Fatal(err)
	}
	ch, unsubscribe := q.Subscribe(river.EventKindJobCompleted)
	if err := q.Start(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unsubscribe()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop queue: %v", err)
		}
	})
	w.rescans = &rescans{Jobs: jobs, completed: ch}
	return w.rescans
}

// waitRescan waits for the rescan job a save queued to complete.
func (w *world) waitRescan(t testing.TB) {
	t.Helper()
	for {
		select {
		case ev := <-w.rescans.completed:
			if ev.Job.Kind == (scan.RescanArgs{}).Kind() {
				return
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no rescan job completed within 30 s")
		}
	}
}

const timeoutLine = 1203

// openSQLite opens a fresh SQLite store, copied from one migrated per test binary (internal/testdb):
// every world starts the job queue, and River's migrations on each new file would dominate.
func openSQLite(t *testing.T) store.Store {
	st, err := store.Open(t.Context(), testdb.SQLiteURL(t))
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openPostgres(t *testing.T) store.Store {
	url := storetest.PostgresURL(t)
	st, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// buildLog is 1300 lines (three job pages) with the timeout on timeoutLine, HTML and a secret.
func buildLog() string {
	var b strings.Builder
	for i := 1; i <= 1300; i++ {
		switch i {
		case 10:
			b.WriteString(`echo "<script>alert('log')</script>"` + "\n")
		case timeoutLine - 1:
			b.WriteString("export GITHUB_TOKEN=" + secretToken + "\n")
		case timeoutLine:
			b.WriteString("npm ERR! network request to https://registry.npmjs.org failed, reason: ETIMEDOUT\n")
		default:
			fmt.Fprintf(&b, "step output line %d\n", i)
		}
	}
	return b.String()
}

func seed(t *testing.T, st store.Store) *world {
	t.Helper()
	ctx := t.Context()
	blobs, err := blob.OpenDir(t.TempDir())
	if err != nil {
		t.Fatalf("open blob dir: %v", err)
	}
	w := &world{st: st, blobs: blobs}
	w.repo, err = st.UpsertRepository(ctx, store.Repository{FullName: "acme/widgets", Active: true})
	if err != nil {
		t.Fatalf("repository: %v", err)
	}
	job := func(ext, sha, name, concl, content string, ago time.Duration) store.Job {
		t.Helper()
		at := testNow.Add(-ago)
		j, err := st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: ext, Attempt: 1, RepoID: w.repo.ID, SHA: sha,
			Branch: "main", Name: name, Conclusion: concl, StartedAt: &at, CompletedAt: &at, URL: "https://github.com/acme/widgets/actions/runs/1/job/" + ext})
		if err != nil {
			t.Fatalf("job %s: %v", ext, err)
		}
		if content == "" {
			return j
		}
		l, err := ingest.StoreLog(ctx, st, blobs, strings.NewReader(content), 0)
		if err != nil {
			t.Fatalf("log of job %s: %v", ext, err)
		}
		if err := st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
			t.Fatalf("link log of job %s: %v", ext, err)
		}
		j.LogID = &l.ID
		return j
	}
	c1, c2 := strings.Repeat("a", 40), strings.Repeat("b", 40)
	w.build = job("1", c1, "build", "failure", buildLog(), 50*time.Hour)
	w.green = job("2", c1, "test", "success", "all good\nretry after ETIMEDOUT succeeded\n", 50*time.Hour)
	w.lint1 = job("3", c1, "lint", "failure", "run lint\nerror: /tmp/go-build123/x.go:12: undefined: Foo (took 1.5s)\nexit 1\n", 50*time.Hour)
	w.lint2 = job("4", c2, "lint", "failure", "run lint\nerror: /tmp/go-build987/y.go:99: undefined: Foo (took 22ms)\nexit 1\n", 20*time.Hour)
	job("5", c1, `<script>alert("job")</script>`, "success", "", 50*time.Hour)
	changes, err := st.AddPatterns(ctx, []store.Pattern{
		{Pattern: patterns.Pattern{Name: "network timeout", Kind: patterns.Regex, Expr: `ETIMEDOUT`, Tags: []string{"flaky"}, Source: "test"}},
		{Pattern: patterns.Pattern{Name: `<script>alert("name")</script>`, Kind: patterns.Literal, Expr: "never in any log", Source: "test"}},
	}, "seed")
	if err != nil {
		t.Fatalf("patterns: %v", err)
	}
	w.timeout, w.scripted = changes[0].ID, changes[1].ID
	if _, err := scan.Rescan(ctx, st, blobs, scan.RescanOptions{Workers: 1}); err != nil {
		t.Fatalf("rescan: %v", err)
	}
	// The verdicts the rescan job keeps for history no check run decided.
	if _, err := verdicts.DecideStale(ctx, st, func() time.Time { return testNow }, 100); err != nil {
		t.Fatalf("verdicts: %v", err)
	}
	return w
}

// handler builds the UI over a world in DevInsecure mode unless deps say otherwise.
func (w *world) handler(t *testing.T, mod func(*Deps)) http.Handler {
	t.Helper()
	d := Deps{Store: w.st, Blobs: w.blobs, DevInsecure: true, PublicURL: "http://totto.test", Now: func() time.Time { return testNow },
		Rescans: w.rescanQueue(t)}
	if mod != nil {
		mod(&d)
	}
	h, err := New(d)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return h
}

// client is a browser-like client: it keeps cookies and does not follow redirects on its own.
type client struct {
	t   *testing.T
	srv *httptest.Server
	hc  *http.Client
}

func newClient(t *testing.T, h http.Handler) *client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &client{t: t, srv: srv, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	status int
	body   string
	header http.Header
}

func (c *client) get(path string) resp {
	c.t.Helper()
	r, err := c.hc.Get(c.srv.URL + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return read(c.t, r)
}

func (c *client) post(path string, form url.Values) resp {
	c.t.Helper()
	r, err := c.hc.PostForm(c.srv.URL+path, form)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	return read(c.t, r)
}

func read(t *testing.T, r *http.Response) resp {
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp{status: r.StatusCode, body: string(b), header: r.Header}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token from a page the client fetched.
func (c *client) csrf(path string) string {
	c.t.Helper()
	m := csrfRe.FindStringSubmatch(c.get(path).body)
	if m == nil {
		c.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

// backends runs a test on SQLite and, when configured, Postgres, in parallel: each owns its store,
// servers and clock, and much of a run waits on HTTP round trips and the job queue.
func backends(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, openSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, openPostgres(t))
	})
}
