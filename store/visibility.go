package store

import (
	"context"
	"errors"
	"fmt"
)

// RepositoryWriter is the part of a Store that RecordRepository uses.
type RepositoryWriter interface {
	Repository(ctx context.Context, fullName string) (Repository, error)
	UpsertRepository(ctx context.Context, r Repository) (Repository, error)
}

// RecordRepository records a repository learnt of outside GitHub's webhooks (`totto ingest`, a
// backfill), which do not say whether it is private. public marks it public; otherwise a
// repository already stored keeps the visibility its events reported, and a new one is private,
// so nothing ingested becomes readable by everyone unless someone said it may.
func RecordRepository(ctx context.Context, st RepositoryWriter, fullName string, public bool) (Repository, error) {
	r := Repository{FullName: fullName, Active: true, Private: !public}
	if !public {
		old, err := st.Repository(ctx, fullName)
		switch {
		case err == nil:
			r.Private = old.Private
		case !errors.Is(err, ErrNotFound):
			return r, fmt.Errorf("record repository %s: %w", fullName, err)
		}
	}
	out, err := st.UpsertRepository(ctx, r)
	if err != nil {
		return out, fmt.Errorf("record repository %s (public=%t): %w", fullName, public, err)
	}
	return out, nil
}
