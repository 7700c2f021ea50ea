package web

import (
	"context"
	"fmt"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// patternPrecision is every pattern's record from rerun evidence in the repository owner's
// repositories, so the commit page demotes the same too-broad flaky patterns the check run does;
// a store without the query yields none.
func patternPrecision(ctx context.Context, st any, repo store.Repository) (map[int64]triage.Precision, error) {
	pq, ok := st.(store.PrecisionQuerier)
	if !ok {
		return nil, nil
	}
	rows, err := pq.PatternPrecision(ctx, store.OwnerAudience(repo.Owner()))
	if err != nil {
		return nil, fmt.Errorf("pattern precision: %w", err)
	}
	out := make(map[int64]triage.Precision, len(rows))
	for _, r := range rows {
		out[r.PatternID] = triage.Precision{Hits: int(r.Hits), OnSuccess: int(r.OnSuccess),
			ConfirmedFlaky: int(r.ConfirmedFlaky), ConfirmedNotFlaky: int(r.ConfirmedNotFlaky)}
	}
	return out, nil
}
