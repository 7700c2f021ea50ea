package handlers

import (
	"context"

	"github.com/totto-ci/totto/store"
)

// Store is the part of the store the webhook handlers write: deliveries (alone, or with their job
// in one transaction), installations, repositories and branch history.
type Store interface {
	RecordDelivery(ctx context.Context, d store.Delivery) (bool, error)
	InTx(ctx context.Context, fn func(store.Tx) error) error
	UpsertInstallation(ctx context.Context, in store.Installation) error
	DeactivateInstallation(ctx context.Context, installationID int64) error
	Repository(ctx context.Context, fullName string) (store.Repository, error)
	UpsertRepository(ctx context.Context, r store.Repository) (store.Repository, error)
	SetRepositoryActive(ctx context.Context, fullName string, active bool) error
	RecordBranchCommits(ctx context.Context, repoID int64, branch string, commits []store.BranchCommit) error
}

var _ Store = store.Store(nil)
