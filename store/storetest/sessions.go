package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// RunSessions is the conformance suite of store.SessionStore; open must return a fresh, empty,
// migrated store (closed by the caller's cleanup).
func RunSessions(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.SessionStore)
	}{
		{"RoundTrip", testSessionRoundTrip},
		{"Expiry", testSessionExpiry},
		{"Delete", testSessionDelete},
		{"DeleteExpiredBounded", testSessionsDeleteExpired},
	}
	for _, tc := range tests {
		subtest(t, tc.name, func(t *testing.T) {
			tc.fn(t, as[store.SessionStore](t, open(t)))
		})
	}
}

// sessionNow is a fixed clock: expiry is decided by the caller's time, not the database's.
var sessionNow = time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC)

func mustNoSession(t *testing.T, s store.SessionStore, id string, now time.Time, why string) {
	t.Helper()
	if got, err := s.Session(ctx(t), id, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: Session(%q) = %+v, %v; want ErrNotFound", why, id, got, err)
	}
}

func testSessionRoundTrip(t *testing.T, s store.SessionStore) {
	c := ctx(t)
	pending := store.Session{ID: "cookie-1", State: "st", Return: "/patterns?tag=flaky", Expires: sessionNow.Add(time.Hour)}
	must(0, s.PutSession(c, pending))
	got := must(s.Session(c, "cookie-1", sessionNow))
	if got.ID != "cookie-1" || got.Login != "" || len(got.SealedToken) != 0 || got.State != "st" ||
		got.Return != "/patterns?tag=flaky" || !got.Expires.Equal(pending.Expires) {
		t.Errorf("pending sign-in read back as %+v, want %+v", got, pending)
	}
	// Putting the same id again replaces every field (the sign-in completes).
	signed := store.Session{ID: "cookie-1", Login: "octo", SealedToken: []byte{0, 1, 2, 0xff}, Expires: sessionNow.Add(2 * time.Hour)}
	must(0, s.PutSession(c, signed))
	got = must(s.Session(c, "cookie-1", sessionNow))
	if got.Login != "octo" || !bytes.Equal(got.SealedToken, signed.SealedToken) || got.State != "" || got.Return != "" ||
		!got.Expires.Equal(signed.Expires) {
		t.Errorf("replaced session read back as %+v, want %+v", got, signed)
	}
	mustNoSession(t, s, "cookie-2", sessionNow, "unknown id")
	mustNoSession(t, s, "", sessionNow, "empty id")
	if err := s.PutSession(c, store.Session{Expires: sessionNow}); err == nil {
		t.Error("PutSession with an empty id succeeded")
	}
}

func testSessionExpiry(t *testing.T, s store.SessionStore) {
	c := ctx(t)
	exp := sessionNow.Add(12 * time.Hour)
	must(0, s.PutSession(c, store.Session{ID: "short", Login: "octo", Expires: exp}))
	if _, err := s.Session(c, "short", exp.Add(-time.Millisecond)); err != nil {
		t.Errorf("session a millisecond before expiry: %v", err)
	}
	mustNoSession(t, s, "short", exp, "at expiry")
	mustNoSession(t, s, "short", exp.Add(time.Hour), "after expiry")
}

func testSessionDelete(t *testing.T, s store.SessionStore) {
	c := ctx(t)
	for _, id := range []string{"a", "b"} {
		must(0, s.PutSession(c, store.Session{ID: id, Login: "octo", Expires: sessionNow.Add(time.Hour)}))
	}
	must(0, s.DeleteSession(c, "a"))
	mustNoSession(t, s, "a", sessionNow, "deleted")
	if _, err := s.Session(c, "b", sessionNow); err != nil {
		t.Errorf("deleting a removed another session: %v", err)
	}
	if err := s.DeleteSession(c, "never-existed"); err != nil {
		t.Errorf("deleting an unknown session: %v", err)
	}
}

func testSessionsDeleteExpired(t *testing.T, s store.SessionStore) {
	c := ctx(t)
	for i := range 5 {
		must(0, s.PutSession(c, store.Session{ID: fmt.Sprintf("old-%d", i), Expires: sessionNow.Add(-time.Duration(i+1) * time.Minute)}))
	}
	must(0, s.PutSession(c, store.Session{ID: "at-now", Expires: sessionNow}))
	must(0, s.PutSession(c, store.Session{ID: "live", Login: "octo", Expires: sessionNow.Add(time.Minute)}))
	for _, want := range []int{4, 2, 0} {
		if n := must(s.DeleteExpiredSessions(c, sessionNow, 4)); n != want {
			t.Errorf("DeleteExpiredSessions(limit 4) = %d, want %d", n, want)
		}
	}
	if n := must(s.DeleteExpiredSessions(c, sessionNow, 0)); n != 0 {
		t.Errorf("DeleteExpiredSessions(limit 0) = %d, want 0", n)
	}
	if got, err := s.Session(c, "live", sessionNow); err != nil || got.Login != "octo" {
		t.Errorf("live session after the sweep: %+v, %v", got, err)
	}
	// The swept rows are gone, not merely hidden: a clock set back does not revive them.
	mustNoSession(t, s, "old-0", sessionNow.Add(-time.Hour), "swept")
}
