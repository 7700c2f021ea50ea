package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// commitQuerier is what the App's triage reads a commit's CI picture and recent check runs with;
// the store implementations provide it beside store.Store.
type commitQuerier interface {
	CommitJobs(ctx context.Context, repoID int64, sha string) ([]store.Job, error)
	RecentCheckRuns(ctx context.Context, repoID int64, limit int) ([]store.CheckRun, error)
}

// as returns s as T, failing the test when the implementation does not provide it.
func as[T any](t *testing.T, s store.Store) T {
	t.Helper()
	v, ok := s.(T)
	if !ok {
		var zero T
		t.Fatalf("%T does not implement %T", s, &zero)
	}
	return v
}

func testCommitJobs(t *testing.T, s store.Store) {
	c := ctx(t)
	cq := as[commitQuerier](t, s)
	r, other := repo(t, s, "o/r"), repo(t, s, "o/other")
	put := func(repoID int64, ext string, attempt int, sha, name string) store.Job {
		return must(s.UpsertJob(c, store.Job{Provider: "github-actions", ExternalID: ext, Attempt: attempt, RepoID: repoID,
			SHA: sha, Name: name, Conclusion: "failure", LogState: store.LogPending}))
	}
	a1 := put(r.ID, "1", 1, "abc", "build")
	b := put(r.ID, "2", 1, "abc", "test")
	a2 := put(r.ID, "1", 2, "abc", "build") // a rerun is its own job
	put(r.ID, "3", 1, "def", "build")       // another commit
	put(other.ID, "4", 1, "abc", "build")   // the same SHA in another repository
	jobs := must(cq.CommitJobs(c, r.ID, "abc"))
	var ids []int64
	for _, j := range jobs {
		ids = append(ids, j.ID)
		if j.RepoID != r.ID || j.SHA != "abc" {
			t.Fatalf("job of another commit listed: %+v", j)
		}
	}
	if want := []int64{a1.ID, b.ID, a2.ID}; !slices.Equal(ids, want) {
		t.Fatalf("CommitJobs ids = %v, want %v (oldest first)", ids, want)
	}
	if jobs[2].Attempt != 2 || jobs[1].Name != "test" {
		t.Fatalf("CommitJobs lost fields: %+v", jobs)
	}
	if none := must(cq.CommitJobs(c, r.ID, "nope")); len(none) != 0 {
		t.Fatalf("jobs of an unknown commit: %+v", none)
	}
}

func testRecentCheckRuns(t *testing.T, s store.Store) {
	c := ctx(t)
	cq := as[commitQuerier](t, s)
	r, other := repo(t, s, "o/r"), repo(t, s, "o/other")
	put := func(repoID int64, sha string, id int64, hash string) {
		t.Helper()
		if err := s.PutCheckRun(c, store.CheckRun{RepoID: repoID, SHA: sha, CheckRunID: id, OutputHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	// Written b, c, a, then b again: most recently written first is b, a, c. Equal timestamps
	// order by SHA, which gives the same order for these writes.
	put(r.ID, "bbb", 2, "h")
	put(r.ID, "ccc", 3, "h")
	put(r.ID, "aaa", 1, "h")
	put(other.ID, "zzz", 9, "h")
	put(r.ID, "bbb", 2, "h2")
	shas := func(runs []store.CheckRun) []string {
		var out []string
		for _, cr := range runs {
			if cr.RepoID != r.ID || cr.UpdatedAt.IsZero() {
				t.Fatalf("check run %+v: want one of repository %d with its update time", cr, r.ID)
			}
			out = append(out, cr.SHA)
		}
		return out
	}
	runs := must(cq.RecentCheckRuns(c, r.ID, 10))
	if got, want := shas(runs), []string{"bbb", "aaa", "ccc"}; !slices.Equal(got, want) {
		t.Fatalf("RecentCheckRuns = %v, want %v", got, want)
	}
	if runs[0].OutputHash != "h2" || runs[0].CheckRunID != 2 {
		t.Fatalf("latest check run = %+v, want the rewritten one", runs[0])
	}
	if got := shas(must(cq.RecentCheckRuns(c, r.ID, 2))); !slices.Equal(got, []string{"bbb", "aaa"}) {
		t.Fatalf("RecentCheckRuns limit 2 = %v", got)
	}
}

func testBranchCommits(t *testing.T, s store.Store) {
	c := ctx(t)
	h := as[store.BranchHistory](t, s)
	r, other := repo(t, s, "o/r"), repo(t, s, "o/other")
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	push1 := []store.BranchCommit{
		{SHA: "c1", Message: "first", Author: "ana", PushedAt: at},
		{SHA: "c2", Message: "second", Author: "bo", PushedAt: at.Add(time.Minute)},
	}
	if err := h.RecordBranchCommits(c, r.ID, "main", push1); err != nil {
		t.Fatal(err)
	}
	// A redelivered push with one new commit adds only that one; the repeated one keeps its text.
	push2 := []store.BranchCommit{{SHA: "c2", Message: "changed", PushedAt: at.Add(time.Hour)}, {SHA: "c3", Message: "third", PushedAt: at.Add(2 * time.Minute)}}
	if err := h.RecordBranchCommits(c, r.ID, "main", push2); err != nil {
		t.Fatal(err)
	}
	if err := h.RecordBranchCommits(c, r.ID, "main", nil); err != nil {
		t.Fatalf("recording no commits: %v", err)
	}
	if err := h.RecordBranchCommits(c, r.ID, "dev", []store.BranchCommit{{SHA: "d1", PushedAt: at}}); err != nil {
		t.Fatal(err)
	}
	if err := h.RecordBranchCommits(c, other.ID, "main", []store.BranchCommit{{SHA: "o1", PushedAt: at}}); err != nil {
		t.Fatal(err)
	}
	got := must(h.BranchCommits(c, r.ID, "main", 10))
	want := []store.BranchCommit{push2[1], push1[1], push1[0]}
	if len(got) != len(want) {
		t.Fatalf("BranchCommits = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].SHA != want[i].SHA || got[i].Message != want[i].Message || got[i].Author != want[i].Author || !got[i].PushedAt.Equal(want[i].PushedAt) {
			t.Fatalf("BranchCommits[%d] = %+v, want %+v (most recently pushed first)", i, got[i], want[i])
		}
	}
	if got := must(h.BranchCommits(c, r.ID, "main", 1)); len(got) != 1 || got[0].SHA != "c3" {
		t.Fatalf("BranchCommits limit 1 = %+v", got)
	}
	if got := must(h.BranchCommits(c, r.ID, "nope", 10)); len(got) != 0 {
		t.Fatalf("commits of an unknown branch: %+v", got)
	}
}

func testInstalledRepositories(t *testing.T, s store.Store) {
	c := ctx(t)
	l := as[store.InstalledRepositoryLister](t, s)
	for _, in := range []store.Installation{{ID: 1, Account: "acme", Active: true}, {ID: 2, Account: "gone", Active: true}} {
		if err := s.UpsertInstallation(c, in); err != nil {
			t.Fatal(err)
		}
	}
	one, two := int64(1), int64(2)
	must(s.UpsertRepository(c, store.Repository{InstallationID: &one, FullName: "acme/web", Active: true}))
	must(s.UpsertRepository(c, store.Repository{InstallationID: &one, FullName: "acme/api", Active: true}))
	must(s.UpsertRepository(c, store.Repository{InstallationID: &one, FullName: "acme/removed", Active: true}))
	must(s.UpsertRepository(c, store.Repository{InstallationID: &two, FullName: "gone/app", Active: true}))
	must(s.UpsertRepository(c, store.Repository{FullName: "other/ingested", Active: true})) // no installation
	if err := s.SetRepositoryActive(c, "acme/removed", false); err != nil {
		t.Fatal(err)
	}
	if err := s.DeactivateInstallation(c, 2); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range must(l.InstalledRepositories(c)) {
		if r.InstallationID == nil || *r.InstallationID != 1 || !r.Active || r.ID == 0 {
			t.Fatalf("installed repository %+v", r)
		}
		names = append(names, r.FullName)
	}
	if want := []string{"acme/api", "acme/web"}; !slices.Equal(names, want) {
		t.Fatalf("InstalledRepositories = %v, want %v", names, want)
	}
}
