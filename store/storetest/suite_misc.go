package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

func testAnnotations(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "o/r")
	a := must(s.OpenAnnotation(c, store.Annotation{RepoID: r.ID, JobGlob: "lint", FromSHA: "aaa", Reason: "broken by #123", CreatedBy: "dana"}))
	if a.ID == 0 || a.ToSHA != nil || a.ClosedAt != nil || a.CreatedBy != "dana" {
		t.Fatalf("opened %+v", a)
	}
	must(s.OpenAnnotation(c, store.Annotation{RepoID: r.ID, JobGlob: "test*", FromSHA: "bbb", CreatedBy: "dana"}))
	if open := must(s.Annotations(c, r.ID, true)); len(open) != 2 {
		t.Fatalf("open annotations = %+v", open)
	}
	if n := must(s.CloseAnnotation(c, r.ID, "lint", "ccc", "erin")); n != 1 {
		t.Fatalf("closed %d, want 1", n)
	}
	if n := must(s.CloseAnnotation(c, r.ID, "lint", "ddd", "erin")); n != 0 {
		t.Fatalf("closed again %d, want 0", n)
	}
	all := must(s.Annotations(c, r.ID, false))
	var closed store.Annotation
	for _, x := range all {
		if x.ID == a.ID {
			closed = x
		}
	}
	if closed.ToSHA == nil || *closed.ToSHA != "ccc" || closed.ClosedBy != "erin" || closed.ClosedAt == nil {
		t.Fatalf("closed annotation = %+v", closed)
	}
	if open := must(s.Annotations(c, r.ID, true)); len(open) != 1 || open[0].JobGlob != "test*" {
		t.Fatalf("open annotations = %+v", open)
	}
	trail := must(s.AuditTrail(c, fmt.Sprintf("annotation:%d", a.ID), 0))
	if len(trail) != 2 || trail[0].Action != "annotation.close" || trail[1].Action != "annotation.open" {
		t.Fatalf("audit trail = %+v", trail)
	}
	if _, err := s.OpenAnnotation(c, store.Annotation{RepoID: r.ID}); err == nil {
		t.Fatal("annotation without a job glob accepted")
	}
}

func testCheckRuns(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "o/r")
	_, err := s.CheckRun(c, r.ID, "abc")
	wantErr(t, err, store.ErrNotFound)
	if err := s.PutCheckRun(c, store.CheckRun{RepoID: r.ID, SHA: "abc", CheckRunID: 5, OutputHash: "h1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCheckRun(c, store.CheckRun{RepoID: r.ID, SHA: "abc", CheckRunID: 5, OutputHash: "h2"}); err != nil {
		t.Fatal(err)
	}
	got := must(s.CheckRun(c, r.ID, "abc"))
	if got.CheckRunID != 5 || got.OutputHash != "h2" || got.UpdatedAt.IsZero() {
		t.Fatalf("check run = %+v", got)
	}
}

func testDeliveries(t *testing.T, s store.Store) {
	c := ctx(t)
	d := store.Delivery{ID: "72d3162e-cc78-11e3-81ab-4c9367dc0958", Event: "workflow_job", ReceivedAt: time.Now()}
	if isNew := must(s.RecordDelivery(c, d)); !isNew {
		t.Fatal("first delivery reported as seen")
	}
	if isNew := must(s.RecordDelivery(c, d)); isNew {
		t.Fatal("redelivery reported as new")
	}
	if _, err := s.RecordDelivery(c, store.Delivery{}); err == nil {
		t.Fatal("empty delivery id accepted")
	}
}

// testConcurrentWriters: many goroutines writing at once must all succeed (no SQLITE_BUSY, no
// lost updates).
func testConcurrentWriters(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "o/r")
	const writers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ext := fmt.Sprintf("%d-%d", w, i)
				if _, err := s.UpsertJob(c, store.Job{Provider: "p", ExternalID: ext, RepoID: r.ID, SHA: "s", Name: "n"}); err != nil {
					errs <- err
				}
				if _, err := s.RecordDelivery(c, store.Delivery{ID: ext}); err != nil {
					errs <- err
				}
				if _, err := s.Stats(c); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := must(s.Stats(c)).Jobs; n != writers*each {
		t.Fatalf("jobs = %d, want %d", n, writers*each)
	}
}
