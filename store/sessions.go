package store

import (
	"context"
	"time"
)

// Session is a web UI sign-in, kept in the database so that it survives a restart and is seen by
// every `totto serve` process on the same database. Only what a request must know comes back;
// secrets are protected before they get here or by the store itself (see SessionStore).
type Session struct {
	// ID is the value of the browser's session cookie. The store keeps only its SHA-256, so a
	// database dump hands out no live session; Session returns the id it was asked for.
	ID string
	// Login is the GitHub user signed in, "" while a sign-in is in flight.
	Login string
	// SealedToken is the user's GitHub token as the web UI encrypted it (opaque here).
	SealedToken []byte
	// State and Return belong to a sign-in in flight: the OAuth state the callback must echo,
	// and the page to go back to.
	State  string
	Return string
	// Expires ends the session; a session at or past it is never returned.
	Expires time.Time
}

// SessionStore is where the web UI keeps sign-in sessions; a role of Store.
type SessionStore interface {
	// PutSession creates the session or replaces the one with the same id.
	PutSession(ctx context.Context, s Session) error
	// Session returns the session whose cookie value is id; ErrNotFound when there is none or it
	// has expired at now.
	Session(ctx context.Context, id string, now time.Time) (Session, error)
	// DeleteSession removes a session (sign-out, or a sign-in replacing it); deleting an unknown
	// id is not an error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteExpiredSessions removes up to limit sessions expired at now and reports how many, so
	// a periodic sweep does bounded work however many sessions piled up.
	DeleteExpiredSessions(ctx context.Context, now time.Time, limit int) (int, error)
}
