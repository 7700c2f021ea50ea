package ingest

import (
	"context"
	"fmt"

	"github.com/totto-ci/totto/patterns/builtin"
	"github.com/totto-ci/totto/store"
)

// SyncBuiltins merges the built-in pattern packs into the store, keyed by source and name, so a
// store that has never seen them (a fresh `totto ingest`, a backfill, the App's first job) scans
// with them, and a release that changes a built-in retires the old one and rescans. It is
// idempotent: unchanged built-ins keep their ids and their author (actor is recorded as the author
// of new ones only, so syncs by different commands do not rewrite every built-in).
func SyncBuiltins(ctx context.Context, st PatternAdder, actor string) error {
	all := builtin.All()
	ps := make([]store.Pattern, 0, len(all))
	for _, b := range all {
		b.ID = 0
		ps = append(ps, store.Pattern{Pattern: b})
	}
	if _, err := st.AddPatterns(ctx, ps, actor); err != nil {
		return fmt.Errorf("storing built-in patterns: %w", err)
	}
	return nil
}
