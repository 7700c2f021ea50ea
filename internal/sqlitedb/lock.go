package sqlitedb

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
)

// writeLock is one SQLite file's writer slot inside this process. SQLite lets one connection write
// at a time; a second writer that finds the file locked sleeps in the busy handler on a fixed
// schedule (1, 2, 5, 10, 15, 20 ms …), so it can wait up to 20 ms after the lock was freed.
// Queueing writers here instead hands the slot over the moment it is free, in order, and lets
// urgent writers (a webhook waiting for its acknowledgement) go before background ones.
type writeLock struct {
	mu     sync.Mutex
	held   bool
	urgent []chan struct{}
	normal []chan struct{}
	// onWait, if set (tests), is called under mu when a caller joins the queue.
	onWait func(urgent bool)
}

// acquire waits for the slot, urgent callers ahead of the others, until ctx is done.
func (l *writeLock) acquire(ctx context.Context) error {
	ch, urgent := l.enqueue(ctx)
	if ch == nil {
		return nil
	}
	return l.wait(ctx, ch, urgent)
}

// enqueue takes the slot if it is free (nil channel) or joins the queue; the channel is closed
// when the slot is handed over.
func (l *writeLock) enqueue(ctx context.Context) (chan struct{}, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held {
		l.held = true
		return nil, false
	}
	ch := make(chan struct{})
	urgent := isUrgent(ctx)
	if urgent {
		l.urgent = append(l.urgent, ch)
	} else {
		l.normal = append(l.normal, ch)
	}
	if l.onWait != nil {
		l.onWait(urgent)
	}
	return ch, urgent
}

func (l *writeLock) wait(ctx context.Context, ch chan struct{}, urgent bool) error {
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	removed := false
	if urgent {
		l.urgent, removed = without(l.urgent, ch)
	} else {
		l.normal, removed = without(l.normal, ch)
	}
	l.mu.Unlock()
	if !removed {
		// The slot was handed over as ctx ended; pass it on.
		l.release()
	}
	return fmt.Errorf("wait for the sqlite writer: %w", ctx.Err())
}

// release hands the slot to the next waiter, or frees it.
func (l *writeLock) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	var next chan struct{}
	switch {
	case len(l.urgent) > 0:
		next, l.urgent = l.urgent[0], l.urgent[1:]
	case len(l.normal) > 0:
		next, l.normal = l.normal[0], l.normal[1:]
	default:
		l.held = false
		return
	}
	close(next)
}

func without(q []chan struct{}, ch chan struct{}) ([]chan struct{}, bool) {
	for i, c := range q {
		if c == ch {
			return append(q[:i], q[i+1:]...), true
		}
	}
	return q, false
}

var (
	locksMu sync.Mutex
	locks   = map[string]*writeLock{}
)

// lockFor returns the process-wide writer slot of the database file at path, shared by every
// *sql.DB this package opened on it (the store's and the queue's).
func lockFor(path string) (*writeLock, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite path %q: %w", path, err)
	}
	// The file may not exist yet; its directory does, so resolve links there.
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(dir, filepath.Base(abs))
	}
	locksMu.Lock()
	defer locksMu.Unlock()
	l := locks[abs]
	if l == nil {
		l = &writeLock{}
		locks[abs] = l
	}
	return l, nil
}

type urgentKey struct{}

// Urgent marks ctx's database writes as ones somebody is waiting for (a webhook's
// acknowledgement), so they take the writer slot before queued background writes.
func Urgent(ctx context.Context) context.Context { return context.WithValue(ctx, urgentKey{}, true) }

// isUrgent reports whether ctx was marked by Urgent.
func isUrgent(ctx context.Context) bool { v, _ := ctx.Value(urgentKey{}).(bool); return v }

// MigrateLockPath is the file whose LockFile lock every migrator of the database at dbPath takes
// (the store's schema and the job queue's tables), so processes opening one fresh file at once
// take turns.
func MigrateLockPath(dbPath string) string { return dbPath + ".migrate-lock" }
