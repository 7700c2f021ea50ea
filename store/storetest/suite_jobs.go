package storetest

import (
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

func testInstallations(t *testing.T, s store.Store) {
	c := ctx(t)
	if err := s.UpsertInstallation(c, store.Installation{ID: 42, Account: "acme", Active: true}); err != nil {
		t.Fatal(err)
	}
	inst := int64(42)
	r := must(s.UpsertRepository(c, store.Repository{InstallationID: &inst, FullName: "acme/app", Active: true}))
	if r.ID == 0 || r.InstallationID == nil || *r.InstallationID != 42 || !r.Active {
		t.Fatalf("repository = %+v", r)
	}
	if err := s.DeactivateInstallation(c, 42); err != nil {
		t.Fatal(err)
	}
	got := must(s.Repository(c, "acme/app"))
	if got.Active || got.ID != r.ID {
		t.Fatalf("after uninstall: %+v, want inactive with the same id", got)
	}
	wantErr(t, s.DeactivateInstallation(c, 7), store.ErrNotFound)
	// A re-install re-activates the same repository.
	again := must(s.UpsertRepository(c, store.Repository{FullName: "acme/app", Active: true}))
	if again.ID != r.ID || !again.Active || again.InstallationID == nil {
		t.Fatalf("re-install: %+v", again)
	}
	if err := s.SetRepositoryActive(c, "acme/app", false); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.SetRepositoryActive(c, "acme/nope", false), store.ErrNotFound)
	_, err := s.Repository(c, "acme/nope")
	wantErr(t, err, store.ErrNotFound)
}

func testJobsIdempotent(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "o/r")
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	in := store.Job{Provider: "github-actions", ExternalID: "991", Attempt: 1, RepoID: r.ID, SHA: "deadbeef",
		Branch: "main", Name: "lint", Step: "Run lint", Conclusion: "failure", StartedAt: &start, URL: "https://ci/991"}
	a := must(s.UpsertJob(c, in))
	b := must(s.UpsertJob(c, in))
	if a.ID == 0 || a.ID != b.ID {
		t.Fatalf("same (provider, external id, attempt) gave ids %d and %d", a.ID, b.ID)
	}
	if a.LogState != store.LogPending || a.StartedAt == nil || !a.StartedAt.Equal(start) {
		t.Fatalf("job = %+v", a)
	}
	in.Conclusion = "success"
	c2 := must(s.UpsertJob(c, in))
	if c2.ID != a.ID || c2.Conclusion != "success" || c2.StartedAt == nil {
		t.Fatalf("update: %+v", c2)
	}
	in.Attempt = 2
	d := must(s.UpsertJob(c, in))
	if d.ID == a.ID {
		t.Fatal("a second attempt must be a new job")
	}
	got := must(s.Job(c, a.ID))
	if got.Name != "lint" || got.Step != "Run lint" || got.Branch != "main" || got.URL != "https://ci/991" {
		t.Fatalf("read back %+v", got)
	}
	_, err := s.Job(c, 1<<40)
	wantErr(t, err, store.ErrNotFound)
	if st := must(s.Stats(c)); st.Jobs != 2 {
		t.Fatalf("stats jobs = %d, want 2", st.Jobs)
	}
}

func testJobLogState(t *testing.T, s store.Store) {
	c := ctx(t)
	r := repo(t, s, "o/r")
	j := job(t, s, r, "1", "build", nil)
	if err := s.SetJobLog(c, j.ID, nil, store.LogUnavailable, "log expired (HTTP 410)"); err != nil {
		t.Fatal(err)
	}
	got := must(s.Job(c, j.ID))
	if got.LogState != store.LogUnavailable || got.LogReason != "log expired (HTTP 410)" || got.LogID != nil {
		t.Fatalf("job = %+v", got)
	}
	l := putLog(t, s, "log one")
	if err := s.SetJobLog(c, j.ID, &l.ID, store.LogStored, ""); err != nil {
		t.Fatal(err)
	}
	got = must(s.Job(c, j.ID))
	if got.LogState != store.LogStored || got.LogID == nil || *got.LogID != l.ID {
		t.Fatalf("job = %+v", got)
	}
	// A redelivered job without a log keeps the stored log.
	again := job(t, s, r, "1", "build", nil)
	if again.LogID == nil || *again.LogID != l.ID || again.LogState != store.LogStored {
		t.Fatalf("redelivery lost the log: %+v", again)
	}
	bad := int64(1 << 40)
	wantErr(t, s.SetJobLog(c, j.ID, &bad, store.LogStored, ""), store.ErrUnknownLog)
	wantErr(t, s.SetJobLog(c, 1<<40, nil, store.LogPending, ""), store.ErrNotFound)
	if err := s.SetJobLog(c, j.ID, nil, "lost", ""); err == nil {
		t.Fatal("invalid log state accepted")
	}
}

func testLogsContentAddressed(t *testing.T, s store.Store) {
	c := ctx(t)
	a := putLog(t, s, "same content")
	b := putLog(t, s, "same content")
	if !a.Created || b.Created || a.ID != b.ID {
		t.Fatalf("put twice: %+v then %+v", a, b)
	}
	if got := must(s.LogBySHA256(c, hash("same content"))); got.ID != a.ID || got.RawSize != 12 {
		t.Fatalf("by sha: %+v", got)
	}
	if _, err := s.PutLog(c, store.Log{SHA256: "short"}); err == nil {
		t.Fatal("bad sha256 accepted")
	}
	_, err := s.Log(c, 1<<40)
	wantErr(t, err, store.ErrNotFound)
}
