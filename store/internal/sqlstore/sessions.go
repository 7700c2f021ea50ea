package sqlstore

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/totto-ci/totto/store"
)

var _ store.SessionStore = (*Store)(nil)

// sessionHash is the key a session is stored under: the cookie value never reaches the database.
func sessionHash(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

// PutSession implements store.SessionStore.
func (s *Store) PutSession(ctx context.Context, x store.Session) error {
	if x.ID == "" {
		return fmt.Errorf("put session: empty id")
	}
	err := s.inTx(ctx, func(tx q) error {
		_, err := tx.exec(ctx, `INSERT INTO web_sessions (id_hash, login, sealed_token, state, return_to, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id_hash) DO UPDATE SET login = excluded.login, sealed_token = excluded.sealed_token,
				state = excluded.state, return_to = excluded.return_to, expires_at = excluded.expires_at`,
			sessionHash(x.ID), x.Login, x.SealedToken, x.State, x.Return, x.Expires.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("put session of %q: %w", x.Login, err)
	}
	return nil
}

// Session implements store.SessionStore.
func (s *Store) Session(ctx context.Context, id string, now time.Time) (store.Session, error) {
	x := store.Session{ID: id}
	var expires int64
	err := s.read().row(ctx, `SELECT login, sealed_token, state, return_to, expires_at FROM web_sessions
		WHERE id_hash = ? AND expires_at > ?`, sessionHash(id), now.UnixMilli()).
		Scan(&x.Login, &x.SealedToken, &x.State, &x.Return, &expires)
	if err != nil {
		return store.Session{}, s.notFound(err, "session")
	}
	x.Expires = time.UnixMilli(expires).UTC()
	return x, nil
}

// DeleteSession implements store.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	err := s.inTx(ctx, func(tx q) error {
		_, err := tx.exec(ctx, `DELETE FROM web_sessions WHERE id_hash = ?`, sessionHash(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions implements store.SessionStore.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	var n int64
	err := s.inTx(ctx, func(tx q) error {
		var err error
		n, err = tx.exec(ctx, `DELETE FROM web_sessions WHERE id_hash IN
			(SELECT id_hash FROM web_sessions WHERE expires_at <= ? LIMIT ?)`, now.UnixMilli(), limit)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete sessions expired at %s: %w", now.Format(time.RFC3339), err)
	}
	return int(n), nil
}
