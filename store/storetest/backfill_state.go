package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
)

// testBackfillMark: a mark comes back as put, is replaced on the same keys, and is separate per
// branch and provider; an unknown one is zero.
func testBackfillMark(t *testing.T, s store.Store) {
	c := ctx(t)
	repo := must(s.UpsertRepository(c, store.Repository{FullName: "acme/mark", Active: true}))
	zero := must(s.BackfillMark(c, repo.ID, "main", "github-actions"))
	if !zero.From.IsZero() || !zero.To.IsZero() || len(zero.Done) != 0 || zero.RepoID != repo.ID {
		t.Fatalf("unknown mark = %+v, want zero", zero)
	}
	at := func(h int) time.Time { return time.Date(2026, 11, 1, h, 0, 0, 0, time.UTC) }
	m := store.BackfillMark{RepoID: repo.ID, Branch: "main", Provider: "github-actions", From: at(1), To: at(5),
		Done: []store.MarkedRun{{ID: "77", Created: at(7), Attempt: 2}}}
	if err := s.PutBackfillMark(c, m); err != nil {
		t.Fatal(err)
	}
	if got := must(s.BackfillMark(c, repo.ID, "main", "github-actions")); !reflect.DeepEqual(got, m) {
		t.Fatalf("mark = %+v, want %+v", got, m)
	}
	m.To, m.Done = at(9), nil
	if err := s.PutBackfillMark(c, m); err != nil {
		t.Fatal(err)
	}
	if got := must(s.BackfillMark(c, repo.ID, "main", "github-actions")); !got.To.Equal(at(9)) || len(got.Done) != 0 {
		t.Fatalf("replaced mark = %+v", got)
	}
	if other := must(s.BackfillMark(c, repo.ID, "main", "circleci")); !other.To.IsZero() {
		t.Fatalf("another provider's mark = %+v, want zero", other)
	}
}

// testSuccessSample: the newest perName successful jobs of each name on the branch and provider,
// newest first, whatever their log state; failures, other branches and providers left out.
func testSuccessSample(t *testing.T, s store.Store) {
	c := ctx(t)
	repo := must(s.UpsertRepository(c, store.Repository{FullName: "acme/sample", Active: true}))
	add := func(id int, name, branch string, provider ident.Provider, concl string, hour int) {
		done := time.Date(2026, 11, 1, hour, 0, 0, 0, time.UTC)
		must(s.UpsertJob(c, store.Job{Provider: provider, ExternalID: fmt.Sprint(id), Attempt: 1, RepoID: repo.ID,
			SHA: "abc", Branch: branch, Name: name, Conclusion: concl, CompletedAt: &done}))
	}
	for h := 1; h <= 4; h++ {
		add(h, "build", "main", "github-actions", "success", h)
		add(10+h, "test", "main", "github-actions", "success", h)
	}
	add(20, "test", "main", "github-actions", "failure", 9)
	add(21, "test", "dev", "github-actions", "success", 9)
	add(22, "test", "main", "circleci", "success", 9)
	var got []string
	for _, j := range must(s.SuccessSample(c, repo.ID, "main", "github-actions", 2)) {
		got = append(got, j.Name+"#"+j.ExternalID)
	}
	want := []string{"build#4", "build#3", "test#14", "test#13"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sample = %v, want %v", got, want)
	}
}
