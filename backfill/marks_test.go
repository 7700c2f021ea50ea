package backfill

import (
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// The mark spans the longest stretch of listed time without an unfinished run; finished runs
// outside it are remembered one by one, and a later complete pass moves the span up to its top.
func TestTrackerMark(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 1, h, 0, 0, 0, time.UTC) }
	tr := newTracker(store.BackfillMark{}, at(20))
	for h := 1; h <= 10; h++ {
		r, _ := tr.add(int64(h), at(h), 1)
		tr.update(r, func(r *runState) { r.listed = true; r.failed = h == 8 }) // run 8 unfinished
	}
	tr.knownDownTo(time.Time{}) // listed down to the beginning
	m := tr.mark(time.Time{})
	if !m.From.IsZero() || !m.To.Equal(at(8)) || len(m.Done) != 2 || m.Done[0].ID != "9" || m.Done[1].ID != "10" {
		t.Fatalf("mark %+v, want [beginning, 08:00) and runs 9 and 10 done", m)
	}
	// The next pass lists from 08:00 on, finishes run 8, and its top is later: one span, no
	// runs kept one by one.
	tr = newTracker(m, at(30))
	for _, id := range []int{8, 9, 10, 11} {
		r, done := tr.add(int64(id), at(id), 1)
		if done != (id == 9 || id == 10) {
			t.Fatalf("run %d done before: %v", id, done)
		}
		tr.update(r, func(r *runState) { r.listed = true })
	}
	tr.knownDownTo(at(8))
	m = tr.mark(time.Time{})
	if !m.From.IsZero() || !m.To.Equal(at(30)) || len(m.Done) != 0 {
		t.Fatalf("second mark %+v, want [beginning, 30:00) and nothing else", m)
	}
	// A later attempt of a finished run makes it unfinished again.
	tr = newTracker(store.BackfillMark{Done: []store.MarkedRun{{ID: "5", Created: at(5), Attempt: 1}}}, at(20))
	if _, done := tr.add(5, at(5), 2); done {
		t.Fatal("a new attempt counted as done")
	}
}
