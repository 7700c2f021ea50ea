package verdicts

import (
	"context"
	"fmt"
	"slices"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// storeConfig is the triage configuration of decisions made from the store (FromStore): the
// repository's file lives on GitHub, so its defaults, the demotion thresholds included.
var storeConfig = triage.Config{}

// WatchDemotions works out which patterns their precision record prec (Precision of every
// pattern, nil ids: one left out counts as not demoted) in repo's account demotes under the
// thresholds the store's decisions use, and records them: the store
// marks stale the verdicts of the account's jobs matched by each pattern whose demotion changed
// (a rerun confirmed or refuted it, hits landed on green jobs), so that deciding them again
// (DecideStale, the rescan job) sees the change. It returns the patterns that changed; the
// caller queues the rescan job when there are any.
func WatchDemotions(ctx context.Context, st store.DemotionWatch, repo store.Repository, prec map[int64]triage.Precision) ([]int64, error) {
	var demoted []int64
	for id, p := range prec {
		if _, ok := storeConfig.Demotion.Demoted(p); ok {
			demoted = append(demoted, id)
		}
	}
	slices.Sort(demoted)
	changed, err := st.RecordDemotions(ctx, repo.Owner(), demoted)
	if err != nil {
		return nil, fmt.Errorf("demotions in %s: %w", repo.Owner(), err)
	}
	return changed, nil
}
