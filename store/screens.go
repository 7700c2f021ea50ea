package store

import (
	"context"
	"time"
)

// Screens are the read queries shaped by single web UI screens (the repositories table), typed
// so the UI holds no SQL.
type Screens interface {
	// Repositories lists every repository known, by full name.
	Repositories(ctx context.Context) ([]Repository, error)
	// RepositorySummaries counts, per repository, failed jobs completed since since30 and since
	// since7, and how many of them their kept verdict explains (VerdictKeeper).
	RepositorySummaries(ctx context.Context, since7, since30 time.Time) ([]RepositorySummary, error)
	// DefaultBranch guesses a repository's default branch, which the store does not record: the
	// one of "main" and "master" with more jobs, "main" when neither has any.
	DefaultBranch(ctx context.Context, repoID int64) (string, error)
}

// RepositorySummary is one row of the repositories page.
type RepositorySummary struct {
	Repository
	Failed7, Explained7   int64
	Failed30, Explained30 int64
}
