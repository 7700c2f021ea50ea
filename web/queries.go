package web

import (
	"context"
	"time"

	"github.com/totto-ci/totto/store"
)

// The UI reads the store through typed methods only (store.Insights, store.Screens); these
// adapt them to what the handlers index by.

// repoSummaries counts failed jobs of the last 7 and 30 days per repository and how many of them
// a pattern applying to the repository explained. Unexplained ones are what /unexplained lists.
func (s *server) repoSummaries(ctx context.Context) ([]store.RepositorySummary, error) {
	now := s.deps.Now().UTC()
	return s.st.RepositorySummaries(ctx, now.Add(-7*24*time.Hour), now.Add(-30*24*time.Hour))
}

// repoIndex maps repository ids to their name and visibility, for read checks on rows that carry
// only a repository id.
func (s *server) repoIndex(ctx context.Context) (map[int64]repoInfo, error) {
	rs, err := s.st.Repositories(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]repoInfo, len(rs))
	for _, r := range rs {
		out[r.ID] = infoOf(r)
	}
	return out, nil
}

// defaultBranch is the store's guess at a repository's default branch; "main" when it cannot
// say (the health page still renders).
func (s *server) defaultBranch(ctx context.Context, repoID int64) string {
	b, err := s.st.DefaultBranch(ctx, repoID)
	if err != nil {
		return "main"
	}
	return b
}
