package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/totto-ci/totto/store"
)

// memSessions keeps sessions in this process, for a store that does not implement
// store.SessionStore: a restart signs everyone out and replicas do not share sign-ins.
type memSessions struct {
	mu sync.Mutex
	m  map[string]store.Session
}

var _ store.SessionStore = (*memSessions)(nil)

func newMemSessions() *memSessions { return &memSessions{m: map[string]store.Session{}} }

func (ms *memSessions) PutSession(_ context.Context, s store.Session) error {
	if s.ID == "" {
		return fmt.Errorf("put session: empty id")
	}
	s.SealedToken = append([]byte(nil), s.SealedToken...)
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.m[s.ID] = s
	return nil
}

func (ms *memSessions) Session(_ context.Context, id string, now time.Time) (store.Session, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	s, ok := ms.m[id]
	if !ok || !now.Before(s.Expires) {
		return store.Session{}, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	return s, nil
}

func (ms *memSessions) DeleteSession(_ context.Context, id string) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	delete(ms.m, id)
	return nil
}

func (ms *memSessions) DeleteExpiredSessions(_ context.Context, now time.Time, limit int) (int, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	n := 0
	for id, s := range ms.m {
		if n >= limit {
			break
		}
		if !now.Before(s.Expires) {
			delete(ms.m, id)
			n++
		}
	}
	return n, nil
}
