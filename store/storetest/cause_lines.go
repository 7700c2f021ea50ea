package storetest

import (
	"fmt"
	"testing"

	"github.com/totto-ci/totto/store"
)

// RunCauseLines checks store.CauseLineCache; open must return a fresh, empty, migrated store that
// implements it.
func RunCauseLines(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := t.Context()
	s := open(t)
	var cc store.CauseLineCache = s
	var ids []int64
	for i := range 250 {
		l, err := s.PutLog(ctx, store.Log{SHA256: fmt.Sprintf("%064x", i+1), RawSize: 1, Lines: 1, StorageKey: fmt.Sprintf("k%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	if got, err := cc.CauseLines(ctx, ids); err != nil || len(got) != 0 {
		t.Fatalf("before any line is kept: %v, %v; want none", got, err)
	}
	// More logs than one lookup batch, one of them without a cause line.
	for i, id := range ids {
		line := fmt.Sprintf("error: widget %d failed", i)
		if i == 7 {
			line = ""
		}
		if err := cc.PutCauseLine(ctx, id, line); err != nil {
			t.Fatal(err)
		}
	}
	// A log's line is kept once: a later put (a redelivered triage) changes nothing.
	if err := cc.PutCauseLine(ctx, ids[0], "something else"); err != nil {
		t.Fatal(err)
	}
	got, err := cc.CauseLines(ctx, append(ids, ids[0]+100000))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ids) {
		t.Fatalf("%d cause lines, want %d (an unknown log is absent)", len(got), len(ids))
	}
	if got[ids[0]] != "error: widget 0 failed" || got[ids[249]] != "error: widget 249 failed" {
		t.Errorf("lines %q, %q", got[ids[0]], got[ids[249]])
	}
	if line, ok := got[ids[7]]; !ok || line != "" {
		t.Errorf("a log without a cause line: %q, %v; want kept as empty", line, ok)
	}
	if got, err := cc.CauseLines(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no logs: %v, %v", got, err)
	}
}
