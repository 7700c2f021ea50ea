package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/totto-ci/totto/store/blob"
)

// endlessBlobs serves every stored log as an endless stream of ordinary lines, standing for a log
// too large to scan within a trial's budget; it says when a log is first read and when a reader
// is closed.
type endlessBlobs struct {
	blob.Store
	reading chan struct{}
	closed  chan struct{}
	once    sync.Once
}

func newEndlessBlobs(st blob.Store) *endlessBlobs {
	return &endlessBlobs{Store: st, reading: make(chan struct{}), closed: make(chan struct{}, 64)}
}

func (e *endlessBlobs) Open(context.Context, string) (io.ReadCloser, error) {
	return &endlessLog{e: e}, nil
}

type endlessLog struct{ e *endlessBlobs }

var filler = []byte(strings.Repeat("2026-03-11T10:00:00Z compiling module 42 of a great many\n", 64))

func (l *endlessLog) Read(p []byte) (int, error) {
	l.e.once.Do(func() { close(l.e.reading) })
	return copy(p, filler), nil
}

func (l *endlessLog) Close() error {
	l.e.closed <- struct{}{}
	return nil
}

// With sign-in configured, a signed-out visitor cannot run a trial at all.
func TestTryNeedsSignIn(t *testing.T) {
	w := seed(t, openSQLite(t))
	gh := newFakeGitHub(t)
	c := newClient(t, w.oauthHandler(t, gh, "https://totto.example"))
	if r := c.get("/try?expr=" + url.QueryEscape("error")); r.status != http.StatusFound {
		t.Errorf("signed-out GET trial: status %d, want 302 to sign in", r.status)
	}
	if r := c.get("/try"); r.status != http.StatusFound || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("signed-out /try: status %d to %q, want a redirect to sign in", r.status, r.header.Get("Location"))
	}
	tok := c.csrf("/repos/acme/widgets/health")
	if r := c.post("/try", url.Values{"csrf": {tok}, "expr": {"error"}}); r.status != http.StatusUnauthorized {
		t.Errorf("signed-out POST trial: status %d, want 401", r.status)
	}
	signIn(t, c, "/")
	if r := c.post("/try", url.Values{"csrf": {c.csrf("/try")}, "expr": {"error"}}); r.status != http.StatusOK {
		t.Errorf("signed-in trial: status %d", r.status)
	}
}

// A size-driven expression is refused with the reason before any log is read.
func TestTryRefusesHugeRegexPrograms(t *testing.T) {
	w := seed(t, openSQLite(t))
	eb := newEndlessBlobs(w.blobs)
	c := newClient(t, w.handler(t, func(d *Deps) { d.Blobs = eb }))
	r := c.post("/try", url.Values{"csrf": {c.csrf("/try")}, "expr": {"(.*){1000}"}})
	mustContain(t, r, http.StatusUnprocessableEntity, "instructions")
	select {
	case <-eb.reading:
		t.Fatal("a log was scanned with a refused expression")
	default:
	}
}

// A trial over logs too long to scan stops at its time budget and says the result is partial.
func TestTryStopsAtItsBudget(t *testing.T) {
	w := seed(t, openSQLite(t))
	eb := newEndlessBlobs(w.blobs)
	c := newClient(t, w.handler(t, func(d *Deps) { d.Blobs = eb; d.TryBudget = 200 * time.Millisecond }))
	r := c.post("/try", url.Values{"csrf": {c.csrf("/try")}, "expr": {"no such line"}})
	// No log could be finished: the page skips the one it was cut in, so "more" makes progress.
	mustContain(t, r, http.StatusOK, "Partial result", "time budget", `id="try-skipped"`, `id="try-more"`, `<span id="try-logs">0</span>`)
}

// One visitor runs one trial at a time (a second is refused with 429), and a trial stops as soon
// as its visitor disconnects: its log reader is closed.
func TestTryConcurrencyAndDisconnect(t *testing.T) {
	w := seed(t, openSQLite(t))
	eb := newEndlessBlobs(w.blobs)
	c := newClient(t, w.handler(t, func(d *Deps) { d.Blobs = eb; d.TryBudget = time.Hour }))
	tok := c.csrf("/try")
	form := url.Values{"csrf": {tok}, "expr": {"no such line"}}

	ctx, cancel := context.WithCancel(t.Context())
	first := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.srv.URL+"/try", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.hc.Do(req)
		if err == nil {
			// The page streams: its head arrives at once, the visitor stays until cancel.
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		first <- err
	}()
	<-eb.reading // the first trial is scanning
	if r := c.post("/try", form); r.status != http.StatusTooManyRequests {
		t.Errorf("second trial while the first runs: status %d, want 429", r.status)
	}
	cancel()
	<-first
	select {
	case <-eb.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the trial kept scanning after its visitor disconnected")
	}
}

// The gate admits one trial per user and a bounded number in all, and frees a slot when a trial
// ends.
func TestTrialGate(t *testing.T) {
	g := newTrialGate(1, 2)
	endA, err := g.enter("a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.enter("a"); err == nil {
		t.Error("a second trial of the same user was admitted")
	}
	endB, err := g.enter("b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.enter("c"); err == nil {
		t.Error("a trial beyond the total was admitted")
	}
	endA()
	endC, err := g.enter("c")
	if err != nil {
		t.Errorf("no slot after a trial ended: %v", err)
	} else {
		endC()
	}
	endB()
	if len(g.perUser) != 0 || g.total != 0 {
		t.Errorf("gate not empty after every trial ended: %+v", g)
	}
}

// An unknown repository scope is a 404 that names it, never a 500 with internal text.
func TestTryUnknownRepository(t *testing.T) {
	w := seed(t, openSQLite(t))
	c := newClient(t, w.handler(t, nil))
	r := c.get("/try?expr=error&repo=" + url.QueryEscape("nobody/nothing"))
	mustContain(t, r, http.StatusNotFound, "unknown repository")
	mustNotContain(t, r, "sql", "internal", "no rows")
}
