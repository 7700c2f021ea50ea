package store

import "context"

// InstalledRepositoryLister lists the repositories the App may act on by itself (scheduled
// backfill), which webhooks alone never enumerate; a role of Store.
type InstalledRepositoryLister interface {
	// InstalledRepositories lists the active repositories of active installations, by full name;
	// repositories seen only by `totto ingest` (no installation) are left out.
	InstalledRepositories(ctx context.Context) ([]Repository, error)
}
