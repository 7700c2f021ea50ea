package web

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/totto-ci/totto/internal/testdb"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/storetest"
)

// replicaKey is the server.session_key every replica in these tests shares.
var replicaKey = bytes.Repeat([]byte{0x5e}, SessionKeySize)

// testClock is a clock tests move while servers read it from their own goroutines.
type testClock struct{ ns atomic.Int64 }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *testClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// replica is one `totto serve` process's UI over a shared store.
func (w *world) replica(t *testing.T, gh *fakeGitHub, key []byte, clock *testClock) http.Handler {
	return w.handler(t, func(d *Deps) {
		d.DevInsecure = false
		d.PublicURL = "https://totto.example"
		d.OAuth = OAuthConfig{ClientID: "Iv1.test", ClientSecret: "s3cret", WebURL: gh.srv.URL, APIURL: gh.srv.URL}
		d.SessionKey = key
		d.Now = clock.now
	})
}

// cookieClient is a client of h that carries the session cookie value id.
func cookieClient(t *testing.T, h http.Handler, id string) *client {
	c := newClient(t, h)
	u, _ := url.Parse(c.srv.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: id, Path: "/"}})
	return c
}

// signedIn reports whether the API (signed-in users only) answers the browser.
func signedIn(t *testing.T, c *client) bool {
	t.Helper()
	switch r := c.get("/api/v1/patterns"); r.status {
	case http.StatusOK:
		return true
	case http.StatusUnauthorized:
		return false
	default:
		t.Fatalf("API: status %d %.200s", r.status, r.body)
		return false
	}
}

// sessionBackends runs fn on a store opened from a SQLite file and, when configured, on
// Postgres, with the store's URL so that fn can read the session table directly.
func sessionBackends(t *testing.T, fn func(t *testing.T, st store.Store, rows func() [][]byte)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		u := testdb.SQLiteURL(t)
		path := strings.TrimPrefix(u, "sqlite:")
		st := mustOpen(t, u)
		fn(t, st, func() [][]byte {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatalf("open %s: %v", path, err)
			}
			defer db.Close()
			rows, err := db.QueryContext(t.Context(), sessionColumns)
			if err != nil {
				t.Fatalf("read web_sessions: %v", err)
			}
			defer rows.Close()
			return scanSessionRows(t, rows)
		})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		u := storetest.PostgresURL(t)
		st := mustOpen(t, u)
		fn(t, st, func() [][]byte {
			conn, err := pgx.Connect(t.Context(), u)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer conn.Close(context.Background())
			rows, err := conn.Query(t.Context(), sessionColumns)
			if err != nil {
				t.Fatalf("read web_sessions: %v", err)
			}
			defer rows.Close()
			return scanSessionRows(t, rows)
		})
	})
}

const sessionColumns = `SELECT id_hash, login, sealed_token, state, return_to FROM web_sessions`

// scanSessionRows reads every stored column as bytes, from either driver's rows.
func scanSessionRows(t *testing.T, rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}) [][]byte {
	t.Helper()
	var out [][]byte
	for rows.Next() {
		var id, login, token, state, ret []byte
		if err := rows.Scan(&id, &login, &token, &state, &ret); err != nil {
			t.Fatalf("read web_sessions: %v", err)
		}
		out = append(out, id, login, token, state, ret)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read web_sessions: %v", err)
	}
	return out
}

func mustOpen(t *testing.T, u string) store.Store {
	st, err := store.Open(t.Context(), u)
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// A sign-in made through one replica works on another over the same database and after a
// restart, with the same CSRF token; it ends at sign-out and at expiry everywhere, and the
// database holds neither the cookie value nor the user's GitHub token.
func TestSessionsSharedAcrossReplicas(t *testing.T) {
	sessionBackends(t, func(t *testing.T, st store.Store, rows func() [][]byte) {
		w := seed(t, st)
		gh := newFakeGitHub(t)
		clock := newTestClock(testNow)
		a := newClient(t, w.replica(t, gh, replicaKey, clock))
		signIn(t, a, "/")
		id := a.cookie()
		if !signedIn(t, a) {
			t.Fatal("not signed in on the replica that signed in")
		}
		tok := a.csrf("/try")

		// Another replica: the session and its CSRF token work, and the user's token (needed
		// for the permission check) opens there.
		b := cookieClient(t, w.replica(t, gh, replicaKey, clock), id)
		if !signedIn(t, b) {
			t.Fatal("session not accepted by a second replica")
		}
		if r := b.post("/repos/acme/widgets/annotations", url.Values{"csrf": {tok}, "job": {"lint"}, "from": {w.lint1.SHA}}); r.status != http.StatusSeeOther {
			t.Fatalf("annotate on the second replica with the first's CSRF token: status %d %s", r.status, r.body)
		}
		// A restart: a new handler over the same store and key.
		if !signedIn(t, cookieClient(t, w.replica(t, gh, replicaKey, clock), id)) {
			t.Fatal("session lost when the handler was re-created")
		}
		// A replica with another key cannot open the session: it sees a signed-out browser.
		if signedIn(t, cookieClient(t, w.replica(t, gh, bytes.Repeat([]byte{1}, SessionKeySize), clock), id)) {
			t.Error("a replica with a different session key accepted the session")
		}

		// The table holds a hash of the id and a sealed token, never either in plain text.
		all := rows()
		if len(all) == 0 {
			t.Fatal("no session row stored")
		}
		for _, v := range all {
			if bytes.Contains(v, []byte(id)) || bytes.Contains(v, []byte("user-token")) {
				t.Fatalf("session row holds a plaintext id or token: %q", v)
			}
		}

		// Sign-out on the first replica ends the session on the second.
		if r := a.post("/logout", url.Values{"csrf": {tok}}); r.status != http.StatusSeeOther {
			t.Fatalf("logout: status %d", r.status)
		}
		if signedIn(t, b) {
			t.Error("session still accepted by the second replica after sign-out")
		}
		if r := b.post("/repos/acme/widgets/annotations", url.Values{"csrf": {tok}, "job": {"lint"}, "from": {w.lint1.SHA}}); r.status != http.StatusUnauthorized {
			t.Errorf("annotate after sign-out: status %d, want 401", r.status)
		}

		// Expiry: still signed in just before the session's end, refused from it on.
		c := newClient(t, w.replica(t, gh, replicaKey, clock))
		signIn(t, c, "/")
		later := cookieClient(t, w.replica(t, gh, replicaKey, clock), c.cookie())
		clock.advance(sessionTTL - time.Minute)
		if !signedIn(t, later) {
			t.Fatal("session refused before it expired")
		}
		clock.advance(time.Minute)
		if signedIn(t, later) {
			t.Error("expired session accepted")
		}
	})
}

// Expired rows are removed as new sessions are saved, a few at a time, so the table does not
// grow with sessions nobody signed out of.
func TestExpiredSessionsSwept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "totto.db")
	st := mustOpen(t, "sqlite:"+path)
	var ss store.SessionStore = st
	for i := range 3 * sweepBatch {
		if err := ss.PutSession(t.Context(), store.Session{ID: fmt.Sprintf("old-%d", i), Expires: testNow.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	w := seed(t, st)
	gh := newFakeGitHub(t)
	h := w.replica(t, gh, replicaKey, newTestClock(testNow))
	count := func() int {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var c int
		if err := db.QueryRowContext(t.Context(), `SELECT count(*) FROM web_sessions`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	// One sign-in saves once (the pending sign-in is a cookie, not a row) and sweeps after it.
	signIn(t, newClient(t, h), "/")
	if got, want := count(), 3*sweepBatch-sweepBatch+1; got != want {
		t.Errorf("after one sign-in: %d rows, want %d", got, want)
	}
	signIn(t, newClient(t, h), "/")
	signIn(t, newClient(t, h), "/")
	if got := count(); got != 3 {
		t.Errorf("after three sign-ins: %d rows, want the 3 live sessions", got)
	}
}

func TestParseSessionKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xab}, SessionKeySize)
	for _, tc := range []struct {
		in   string
		want []byte
		err  string
	}{
		{"", nil, ""},
		{strings.Repeat("ab", 32), raw, ""},
		{"  " + strings.Repeat("AB", 32) + "\n", raw, ""},
		{"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=", raw, ""},
		{"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s", raw, ""},
		{strings.Repeat("ab", 16), nil, "not 32 bytes"},
		{"not a key", nil, "not 32 bytes"},
	} {
		got, err := ParseSessionKey(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseSessionKey(%q) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("ParseSessionKey(%q) = %x, %v; want %x", tc.in, got, err, tc.want)
		}
	}
	w := seed(t, openSQLite(t))
	_, err := New(Deps{Store: w.st, Blobs: w.blobs, DevInsecure: true, SessionKey: raw[:16], Rescans: w.rescanQueue(t)})
	if err == nil || !strings.Contains(err.Error(), "session key is 16 bytes") {
		t.Errorf("New with a 16-byte session key: %v, want an error naming its size", err)
	}
}

// A sealed token opens only for its own session id, under the same key, unaltered.
func TestSealedTokenBoundToSessionAndKey(t *testing.T) {
	c, err := newSessionCrypto(replicaKey)
	if err != nil {
		t.Fatal(err)
	}
	other, err := newSessionCrypto(bytes.Repeat([]byte{1}, SessionKeySize))
	if err != nil {
		t.Fatal(err)
	}
	sealed := c.seal("id-1", "user-token")
	if bytes.Contains(sealed, []byte("user-token")) {
		t.Fatal("sealed token holds the plaintext")
	}
	if again := c.seal("id-1", "user-token"); bytes.Equal(again, sealed) {
		t.Error("two seals of one token are equal: the nonce is not fresh")
	}
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	for _, tc := range []struct {
		name   string
		c      *sessionCrypto
		id     string
		sealed []byte
		want   string
		fails  bool
	}{
		{"own session", c, "id-1", sealed, "user-token", false},
		{"no token", c, "id-1", c.seal("id-1", ""), "", false},
		{"another session's row", c, "id-2", sealed, "", true},
		{"another key", other, "id-1", sealed, "", true},
		{"altered", c, "id-1", tampered, "", true},
		{"truncated", c, "id-1", sealed[:10], "", true},
	} {
		got, err := tc.c.open(tc.id, tc.sealed)
		if (err != nil) != tc.fails || got != tc.want {
			t.Errorf("%s: open = %q, %v; want %q, fails %t", tc.name, got, err, tc.want, tc.fails)
		}
	}
	if c.csrfToken("id-1") == c.csrfToken("id-2") || c.csrfToken("id-1") == other.csrfToken("id-1") {
		t.Error("CSRF token does not depend on both the id and the key")
	}
}
