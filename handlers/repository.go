package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
)

// isPrivate reads a payload repository's visibility. A payload that does not say counts as
// private: the UI then shows the repository only to users GitHub lets read it (fail closed).
func isPrivate(private *bool) bool {
	return private == nil || *private
}

// ensureRepository returns the stored repository an event is about, recording it (and its
// installation) when totto has not seen it yet: an App installed before this database existed, or
// whose installation event was lost, still gets its events processed. The visibility the payload
// reports is recorded when it differs from the stored one, so a repository made public or
// private on GitHub is shown accordingly from its next event on. The common case is a cache hit
// with no database round trip; a miss costs one read.
func (in *Intake) ensureRepository(ctx context.Context, installationID int64, fullName, owner string, visibility *bool) (store.Repository, error) {
	private := isPrivate(visibility)
	if r, ok := in.repos.get(fullName); ok && r.Private == private {
		return r, nil
	}
	r, err := in.Store.Repository(ctx, fullName)
	switch {
	case err == nil && r.Private == private:
		in.repos.put(r)
		return r, nil
	case err == nil:
		in.repos.forget(fullName)
		r.Private = private
		r, err = in.Store.UpsertRepository(ctx, r)
		if err != nil {
			return r, fmt.Errorf("record visibility of repository %s (private=%t): %w", fullName, private, err)
		}
		in.repos.put(r)
		return r, nil
	case !errors.Is(err, store.ErrNotFound):
		return r, fmt.Errorf("look up repository %s: %w", fullName, err)
	}
	var inst *int64
	if installationID != 0 {
		if err := in.Store.UpsertInstallation(ctx, store.Installation{ID: installationID, Account: owner, Active: true}); err != nil {
			return r, fmt.Errorf("record installation %d of %s: %w", installationID, fullName, err)
		}
		inst = &installationID
	}
	r, err = in.Store.UpsertRepository(ctx, store.Repository{InstallationID: inst, FullName: fullName, Active: true, Private: private})
	if err != nil {
		return r, fmt.Errorf("record repository %s: %w", fullName, err)
	}
	in.repos.put(r)
	return r, nil
}

// noteVisibility records a known repository's visibility from an event that does not otherwise
// touch the store (a command comment): nothing is created for a repository totto has not seen.
// A failure is logged, not returned: the command still runs, and the next event records it.
func (in *Intake) noteVisibility(ctx context.Context, gr *github.Repository) {
	if r, ok := in.repos.get(gr.GetFullName()); ok && r.Private == isPrivate(gr.Private) {
		return
	}
	r, err := in.Store.Repository(ctx, gr.GetFullName())
	if errors.Is(err, store.ErrNotFound) {
		return
	} else if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("repo", gr.GetFullName()).Msg("repository visibility not recorded")
		return
	}
	private := isPrivate(gr.Private)
	if r.Private == private {
		in.repos.put(r)
		return
	}
	in.repos.forget(r.FullName)
	r.Private = private
	r, err = in.Store.UpsertRepository(ctx, r)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("repo", gr.GetFullName()).Bool("private", private).Msg("repository visibility not recorded")
		return
	}
	in.repos.put(r)
}
