package pipeline_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"database/sql"
	"encoding/pem"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/jackc/pgx/v5"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/internal/fakecircleci"
	"github.com/totto-ci/totto/internal/fakegithub"
	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/internal/testdb"
	"github.com/totto-ci/totto/pipeline"
	"github.com/totto-ci/totto/queue"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	_ "github.com/totto-ci/totto/store/postgres"
	_ "github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	owner = "octo"
	repo  = "widgets"
	full  = owner + "/" + repo
	sha   = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
)

// env is one test's world: a fake GitHub and CircleCI, a real store and log store, and a real
// queue on the store's database running the pipeline's workers.
type env struct {
	t      *testing.T
	gh     *fakegithub.Server
	app    *fakegithub.AppState
	circle *fakecircleci.Server
	st     store.Store
	blobs  blob.Store
	dbURL  string
	deps   pipeline.Deps
	q      *queue.Queue

	countQuery func(q string) int

	mu     sync.Mutex
	events []*river.Event
	notify chan struct{}
}

// backend names a database the tests run on.
type backend struct {
	name string
	url  func(t *testing.T) string
}

var backends = []backend{
	{"sqlite", func(t *testing.T) string { return testdb.SQLiteURL(t) }},
	{"postgres", func(t *testing.T) string { return storetest.PostgresURL(t) }},
}

// eachBackend runs test on SQLite and on Postgres (skipped without TOTTO_TEST_POSTGRES), in
// parallel: each world owns its fakes, database and queue, and a run spends most of its time
// waiting for the queue's workers, not computing.
func eachBackend(t *testing.T, test func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, b)
		})
	}
}

// fakeCreator hands out one installation client per installation pointed at the fake GitHub, as
// the App's caching creator does (go-github's rate-limit memory is shared by the jobs). The other
// ClientCreator methods are go-githubapp's own, against the fake.
type fakeCreator struct {
	githubapp.ClientCreator
	gh      *fakegithub.Server
	mu      sync.Mutex
	clients map[int64]*github.Client
}

func (c *fakeCreator) NewInstallationClient(id int64) (*github.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.clients[id]; ok {
		return cl, nil
	}
	cl := c.gh.Client()
	c.clients[id] = cl
	return cl, nil
}

// appKey is the App's private key, generated once per test binary: a 2048-bit RSA key costs up to
// a second of CPU under -race, and no test depends on its value.
var appKey = sync.OnceValues(func() ([]byte, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), nil
})

func newEnv(t *testing.T, b backend) *env {
	t.Helper()
	e := &env{t: t, gh: fakegithub.New(t), circle: fakecircleci.New(t), dbURL: b.url(t), notify: make(chan struct{}, 1)}
	e.app = e.gh.App()
	ctx := testContext(t)
	st, err := store.Open(ctx, e.dbURL)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	blobs, err := blob.OpenDir(filepath.Join(t.TempDir(), "logs"))
	if err != nil {
		t.Fatal(err)
	}
	e.blobs = blobs
	key, err := appKey()
	if err != nil {
		t.Fatalf("App key: %v", err)
	}
	creator := githubapp.NewClientCreator(e.gh.URL+"/api/v3/", e.gh.URL+"/api/graphql", 1, key)
	e.deps = pipeline.Deps{
		Store: st, Blobs: blobs,
		GitHub:     &fakeCreator{ClientCreator: creator, gh: e.gh, clients: map[int64]*github.Client{}},
		AppID:      e.gh.AppID,
		CircleCI:   pipeline.CircleCIConfig{BaseURL: e.circle.APIBase()},
		PublicURL:  "https://totto.example.com",
		LogHosts:   ciprovider.HostList{hostOf(e.gh.URL), hostOf(e.circle.URL)},
		LogTimeout: 10 * time.Second,
	}
	e.countQuery = counter(t, e.dbURL)
	return e
}

// countPending counts the queue's unfinished jobs straight from the database, so a test can wait
// until the pipeline has nothing left to do.
func (e *env) countPending() int {
	return e.countQuery(`SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`)
}

// counter runs count queries on the test's database.
func counter(t *testing.T, url string) func(q string) int {
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return func(q string) int {
			var n int
			if err := db.QueryRow(q).Scan(&n); err != nil {
				t.Fatalf("counting pending jobs: %v", err)
			}
			return n
		}
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return func(q string) int {
		var n int
		if err := conn.QueryRow(context.Background(), q).Scan(&n); err != nil {
			t.Fatalf("counting pending jobs: %v", err)
		}
		return n
	}
}

func testContext(t *testing.T) context.Context {
	l := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	if testing.Verbose() {
		l = l.Level(zerolog.DebugLevel)
	}
	return l.WithContext(t.Context())
}

// fastRetry retries after a few milliseconds, so retry tests do not wait for River's backoff.
type fastRetry struct{}

func (fastRetry) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(5 * time.Millisecond << min(job.Attempt, 6))
}

// openQueue opens a queue on the env's database; register adds the workers.
func (e *env) openQueue(register func(*queue.Queue) error) {
	e.t.Helper()
	ctx := testContext(e.t)
	q, err := queue.Open(ctx, e.st.Conn(), queue.Options{PollInterval: 20 * time.Millisecond, RetryPolicy: fastRetry{}, MaxAttempts: 25})
	if err != nil {
		e.t.Fatalf("queue.Open: %v", err)
	}
	if err := register(q); err != nil {
		e.t.Fatalf("register: %v", err)
	}
	ch, cancel := q.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobSnoozed, river.EventKindJobCancelled)
	go func() {
		for ev := range ch {
			e.mu.Lock()
			e.events = append(e.events, ev)
			e.mu.Unlock()
			select {
			case e.notify <- struct{}{}:
			default:
			}
		}
	}()
	if err := q.Start(context.WithoutCancel(ctx)); err != nil {
		e.t.Fatalf("queue.Start: %v", err)
	}
	e.q = q
	e.t.Cleanup(func() {
		if e.q == q {
			e.stopQueue()
		}
		cancel()
	})
}

// start opens a queue running the pipeline.
func (e *env) start() {
	e.t.Helper()
	e.openQueue(func(q *queue.Queue) error { return pipeline.Register(q, e.deps) })
}

func (e *env) stopQueue() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := e.q.Stop(ctx); err != nil {
		e.t.Errorf("queue.Stop: %v", err)
	}
	e.q = nil
}

func (e *env) enqueue(args river.JobArgs) {
	e.t.Helper()
	if _, err := e.q.Enqueue(e.t.Context(), args, queue.EnqueueOpts{}); err != nil {
		e.t.Fatalf("enqueue %s: %v", args.Kind(), err)
	}
}

// drain waits until the queue has no unfinished job. It wakes on every job event; the ticker
// only covers an event delivered just before its state change is visible to this connection.
func (e *env) drain() {
	e.t.Helper()
	deadline := time.After(90 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for e.countPending() > 0 {
		select {
		case <-e.notify:
		case <-tick.C:
		case <-deadline:
			e.t.Fatalf("queue not drained within 90s; %d jobs pending; events: %s", e.countPending(), e.eventSummary())
		}
	}
}

// eventCount counts events of a kind for jobs of a kind.
func (e *env) eventCount(ev river.EventKind, jobKind string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, x := range e.events {
		if x.Kind == ev && x.Job.Kind == jobKind {
			n++
		}
	}
	return n
}

func (e *env) eventSummary() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var b strings.Builder
	for _, x := range e.events {
		b.WriteString(string(x.Kind) + ":" + x.Job.Kind + " ")
		if len(x.Job.Errors) > 0 {
			b.WriteString("(" + x.Job.Errors[len(x.Job.Errors)-1].Error + ") ")
		}
	}
	return b.String()
}

// corpusFile reads a file of the shared corpus, skipping the test when it is absent.
func corpusFile(t *testing.T, elems ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testcorpus.Path(t, elems...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitFor waits, waking on job events, until cond holds.
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.After(90 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-e.notify:
		case <-tick.C:
		case <-deadline:
			e.t.Fatalf("%s: not within 90s; events: %s", what, e.eventSummary())
		}
	}
}

// jobsOfKind counts the queue's jobs of a kind in any state.
func (e *env) jobsOfKind(kind string) int {
	e.t.Helper()
	return e.countQuery(`SELECT count(*) FROM river_job WHERE kind = '` + kind + `'`)
}

// hostOf is baseURL's host and port, for the log-host allow-list.
func hostOf(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		panic(err)
	}
	return u.Host
}
