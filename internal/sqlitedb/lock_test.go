package sqlitedb

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func closed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestWriteLockHandsOverUrgentFirstThenInOrder(t *testing.T) {
	var l writeLock
	ctx := context.Background()
	if err := l.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	n1, _ := l.enqueue(ctx)
	n2, _ := l.enqueue(ctx)
	u1, _ := l.enqueue(Urgent(ctx))
	u2, _ := l.enqueue(Urgent(ctx))
	order := []chan struct{}{u1, u2, n1, n2} // urgent first, each class in arrival order
	for i := range order {
		l.release()
		for j, ch := range order {
			if got, want := closed(ch), j <= i; got != want {
				t.Fatalf("after release %d: waiter %d has the slot = %v, want %v", i+1, j, got, want)
			}
		}
	}
	l.release()
	if l.held {
		t.Fatal("slot still held after the last release")
	}
}

func TestWriteLockCancelledWaiterLeavesQueue(t *testing.T) {
	var l writeLock
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch, urgent := l.enqueue(ctx)
	cancel()
	if err := l.wait(ctx, ch, urgent); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait = %v, want context.Canceled", err)
	}
	if len(l.normal) != 0 {
		t.Fatalf("cancelled waiter still queued: %d", len(l.normal))
	}
	l.release()
	if l.held {
		t.Fatal("slot held by nobody after the holder released it")
	}
}

func TestWriteLockHandoverRacingCancelIsNotLost(t *testing.T) {
	var l writeLock
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch, urgent := l.enqueue(ctx)
	l.release() // hands the slot to the waiter …
	cancel()    // … whose context ends before it notices
	err := l.wait(ctx, ch, urgent)
	if err == nil {
		// The waiter took the slot; it must give it back like any holder.
		l.release()
	}
	if l.held {
		t.Fatalf("slot leaked (wait returned %v)", err)
	}
}

func TestLockForSharesOneSlotPerFile(t *testing.T) {
	dir := t.TempDir()
	a, err := lockFor(filepath.Join(dir, "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := lockFor(filepath.Join(dir, ".", "sub", "..", "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := lockFor(filepath.Join(dir, "y.db"))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("two spellings of one file got different slots")
	}
	if a == c {
		t.Error("two files share a slot")
	}
}
