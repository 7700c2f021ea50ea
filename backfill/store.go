package backfill

import (
	"context"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/verdicts"
)

// Store is the part of the store a backfill uses: the repository, its jobs and logs, what earlier
// runs completed, and the rescan of what it stored.
type Store interface {
	store.RepositoryWriter
	store.BackfillState
	ingest.LogStore
	scan.Store
	scan.TestsStore
	verdicts.AccountWatch
	UpsertJob(ctx context.Context, j store.Job) (store.Job, error)
}

var _ Store = store.Store(nil)
