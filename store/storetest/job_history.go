package storetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// RunJobHistory checks store.JobHistory; open must return a fresh, empty, migrated store that
// implements it.
func RunJobHistory(t *testing.T, open func(t *testing.T) store.Store) {
	c := t.Context()
	s := open(t)
	h, ok := s.(store.JobHistory)
	if !ok {
		t.Fatalf("%T does not implement store.JobHistory", s)
	}
	r := must(s.UpsertRepository(c, store.Repository{FullName: "acme/widgets", Active: true}))
	other := must(s.UpsertRepository(c, store.Repository{FullName: "acme/gadgets", Active: true}))
	n := 0
	run := func(repo store.Repository, name, conclusion string, at time.Time, stored bool) int64 {
		n++
		j := must(s.UpsertJob(c, store.Job{Provider: "github-actions", ExternalID: fmt.Sprint(n), Attempt: 1, RepoID: repo.ID,
			SHA: fmt.Sprintf("%040x", n), Name: name, Conclusion: conclusion, CompletedAt: &at}))
		if !stored {
			return 0
		}
		l := must(s.PutLog(c, store.Log{SHA256: fmt.Sprintf("%064x", n), RawSize: 1, Lines: 1, StorageKey: fmt.Sprintf("k%d", n)}))
		if err := s.SetJobLog(c, j.ID, &l.ID, store.LogStored, ""); err != nil {
			t.Fatal(err)
		}
		return l.ID
	}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

	if _, ok, err := h.LastPassingLog(c, r.ID, "test"); err != nil || ok {
		t.Fatalf("no jobs: ok %v, err %v", ok, err)
	}
	run(r, "test", "failure", day.Add(3*time.Hour), true)          // failing: not history
	run(r, "test", "success", day.Add(4*time.Hour), false)         // no stored log
	old := run(r, "test", "success", day, true)                    // older green
	green := run(r, "test", "success", day.Add(2*time.Hour), true) // newest green with a log
	run(r, "lint", "success", day.Add(5*time.Hour), true)          // another job
	run(other, "test", "success", day.Add(6*time.Hour), true)      // another repository
	got, ok, err := h.LastPassingLog(c, r.ID, "test")
	if err != nil || !ok || got != green {
		t.Fatalf("LastPassingLog = %d, %v, %v; want %d (not the older %d)", got, ok, err, green, old)
	}

	if _, _, ok, err := h.JobFingerprint(c, r.ID, "test"); err != nil || ok {
		t.Fatalf("before any put: ok %v, err %v", ok, err)
	}
	fp1 := []byte{1, 2, 0xff, 0}
	if err := h.PutJobFingerprint(c, r.ID, "test", old, fp1); err != nil {
		t.Fatal(err)
	}
	fp2 := bytes.Repeat([]byte{7, 0}, 5000)
	if err := h.PutJobFingerprint(c, r.ID, "test", green, fp2); err != nil {
		t.Fatal(err)
	}
	id, fp, ok, err := h.JobFingerprint(c, r.ID, "test")
	if err != nil || !ok || id != green || !bytes.Equal(fp, fp2) {
		t.Fatalf("JobFingerprint = %d, %d bytes, %v, %v; want the newer put (log %d, %d bytes)", id, len(fp), ok, err, green, len(fp2))
	}
	if _, _, ok, err := h.JobFingerprint(c, other.ID, "test"); err != nil || ok {
		t.Fatalf("another repository's job: ok %v, err %v", ok, err)
	}
	if err := h.PutJobFingerprint(c, r.ID, "test", 1<<40, fp1); err == nil {
		t.Fatal("a fingerprint of an unknown log was kept")
	}
}
