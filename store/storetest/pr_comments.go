package storetest

import (
	"errors"
	"testing"

	"github.com/totto-ci/totto/store"
)

// RunPRComments checks store.PRComments; open must return a fresh, empty, migrated store.
func RunPRComments(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := t.Context()
	st := open(t)
	var pc store.PRComments = st
	repo := must(st.UpsertRepository(ctx, store.Repository{FullName: "acme/app", Active: true}))
	if _, err := pc.PRComment(ctx, repo.ID, 7); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("before any comment: %v, want ErrNotFound", err)
	}
	for _, c := range []store.PRComment{{RepoID: repo.ID, Number: 7, CommentID: 501, BodyHash: "h1"}, {RepoID: repo.ID, Number: 7, CommentID: 501, BodyHash: "h2"}} {
		if err := pc.PutPRComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := pc.PRComment(ctx, repo.ID, 7)
	if err != nil || got.CommentID != 501 || got.BodyHash != "h2" {
		t.Errorf("comment on #7: %+v, %v; want the last hash", got, err)
	}
	if _, err := pc.PRComment(ctx, repo.ID, 8); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another pull request: %v", err)
	}
}
