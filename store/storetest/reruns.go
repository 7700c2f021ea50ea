package storetest

import (
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// RunReruns checks store.Reruns; open must return a fresh, empty, migrated store that
// implements it.
func RunReruns(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := t.Context()
	st := open(t)
	rr, ok := st.(store.Reruns)
	if !ok {
		t.Fatalf("%T does not implement store.Reruns", st)
	}
	repo := must(st.UpsertRepository(ctx, store.Repository{FullName: "acme/app", Active: true}))
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := store.Rerun{RepoID: repo.ID, SHA: "a", Provider: "github-actions", JobExternalID: "501", JobName: "test", Attempt: 1, At: at}
	for i, want := range []bool{true, false} {
		got, err := rr.ClaimRerun(ctx, r)
		if err != nil || got != want {
			t.Fatalf("claim %d: %v, %v; want %v", i+1, got, err, want)
		}
	}
	// Another attempt (another job id) of the same job is its own claim.
	r2 := r
	r2.JobExternalID, r2.Attempt, r2.At = "502", 2, at.Add(time.Minute)
	if got, err := rr.ClaimRerun(ctx, r2); err != nil || !got {
		t.Fatalf("second attempt: %v, %v", got, err)
	}
	if err := rr.SetRerunOutcome(ctx, repo.ID, "github-actions", "501", store.RerunRequested); err != nil {
		t.Fatal(err)
	}
	got, err := rr.CommitReruns(ctx, repo.ID, "a")
	if err != nil || len(got) != 2 {
		t.Fatalf("re-runs of a: %+v, %v", got, err)
	}
	if got[0].JobExternalID != "501" || got[0].Outcome != store.RerunRequested || got[0].Attempt != 1 || !got[0].At.Equal(at) ||
		got[1].Outcome != store.RerunPending {
		t.Errorf("re-runs of a: %+v", got)
	}
	// A released claim can be claimed again (its request failed and will be retried).
	if err := rr.ReleaseRerun(ctx, repo.ID, "github-actions", "502"); err != nil {
		t.Fatal(err)
	}
	if got, err := rr.ClaimRerun(ctx, r2); err != nil || !got {
		t.Fatalf("after release: %v, %v", got, err)
	}
	if none, err := rr.CommitReruns(ctx, repo.ID, "b"); err != nil || len(none) != 0 {
		t.Errorf("another commit: %v, %v", none, err)
	}
}
