package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/totto-ci/totto/store"
)

// ensureRepository returns the stored repository an event is about, recording it (and its
// installation) when totto has not seen it yet: an App installed before this database existed, or
// whose installation event was lost, still gets its events processed. The common case is one
// read.
func (in *Intake) ensureRepository(ctx context.Context, installationID int64, fullName, owner string) (store.Repository, error) {
	r, err := in.Store.Repository(ctx, fullName)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		if err != nil {
			return r, fmt.Errorf("look up repository %s: %w", fullName, err)
		}
		return r, nil
	}
	var inst *int64
	if installationID != 0 {
		if err := in.Store.UpsertInstallation(ctx, store.Installation{ID: installationID, Account: owner, Active: true}); err != nil {
			return r, fmt.Errorf("record installation %d of %s: %w", installationID, fullName, err)
		}
		inst = &installationID
	}
	r, err = in.Store.UpsertRepository(ctx, store.Repository{InstallationID: inst, FullName: fullName, Active: true})
	if err != nil {
		return r, fmt.Errorf("record repository %s: %w", fullName, err)
	}
	return r, nil
}
