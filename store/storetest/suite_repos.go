package storetest

import (
	"testing"

	"github.com/totto-ci/totto/store"
)

// testRepositoryVisibility: a repository's visibility is stored as given, follows GitHub when it
// changes, and comes back from every query that loads repositories (the UI's read checks rely
// on it).
func testRepositoryVisibility(t *testing.T, s store.Store) {
	c := ctx(t)
	if err := s.UpsertInstallation(c, store.Installation{ID: 9, Account: "acme", Active: true}); err != nil {
		t.Fatal(err)
	}
	inst := int64(9)
	priv := must(s.UpsertRepository(c, store.Repository{InstallationID: &inst, FullName: "acme/secret", Active: true, Private: true}))
	pub := must(s.UpsertRepository(c, store.Repository{InstallationID: &inst, FullName: "acme/open", Active: true}))
	if !priv.Private || pub.Private {
		t.Fatalf("upserted private=%t public=%t, want true and false", priv.Private, pub.Private)
	}
	if got := must(s.Repository(c, "acme/secret")); !got.Private {
		t.Fatalf("Repository(acme/secret) = %+v, want private", got)
	}
	// Made public on GitHub, then private again: each upsert records the new visibility on the
	// same row.
	flipped := must(s.UpsertRepository(c, store.Repository{FullName: "acme/secret", Active: true}))
	if flipped.ID != priv.ID || flipped.Private {
		t.Fatalf("after publicizing: %+v, want id %d public", flipped, priv.ID)
	}
	back := must(s.UpsertRepository(c, store.Repository{FullName: "acme/secret", Active: true, Private: true}))
	if back.ID != priv.ID || !back.Private || back.InstallationID == nil {
		t.Fatalf("after privatizing: %+v, want id %d private, still installed", back, priv.ID)
	}
	l := as[store.InstalledRepositoryLister](t, s)
	got := map[string]bool{}
	for _, r := range must(l.InstalledRepositories(c)) {
		got[r.FullName] = r.Private
	}
	if p, ok := got["acme/secret"]; !ok || !p {
		t.Errorf("InstalledRepositories: acme/secret private=%t present=%t, want private", p, ok)
	}
	if p, ok := got["acme/open"]; !ok || p {
		t.Errorf("InstalledRepositories: acme/open private=%t present=%t, want public", p, ok)
	}
}
