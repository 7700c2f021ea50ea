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

// WatchDemotions works out which of the patterns considered (nil: every pattern) their
// precision record prec (Precision of those patterns; one left out counts as not demoted) in
// repo's account demotes under the thresholds the store's decisions use, and records them: the
// store marks stale the verdicts of the account's jobs matched by each pattern whose demotion
// changed (a rerun confirmed or refuted it, hits landed on green jobs), so that deciding them
// again (DecideStale, the rescan job) sees the change. It returns the patterns that changed; the
// caller queues the rescan job when there are any.
func WatchDemotions(ctx context.Context, st store.DemotionWatch, repo store.Repository, considered []int64, prec map[int64]triage.Precision) ([]int64, error) {
	var demoted []int64
	for id, p := range prec {
		if considered != nil && !slices.Contains(considered, id) {
			continue
		}
		if _, ok := storeConfig.Demotion.Demoted(p); ok {
			demoted = append(demoted, id)
		}
	}
	slices.Sort(demoted)
	changed, err := st.RecordDemotions(ctx, repo.Owner(), considered, demoted)
	if err != nil {
		return nil, fmt.Errorf("demotions in %s: %w", repo.Owner(), err)
	}
	return changed, nil
}

// AccountWatch is what watching every pattern of an account needs of the store.
type AccountWatch interface {
	store.PrecisionQuerier
	store.DemotionWatch
}

// WatchAccount is WatchDemotions of every pattern in repo's account: for changes a triage does
// not see, because they reach patterns other than those its commit matched (history imported by
// backfill or `totto ingest`).
func WatchAccount(ctx context.Context, st AccountWatch, repo store.Repository) ([]int64, error) {
	prec, err := Precision(ctx, st, repo, nil)
	if err != nil {
		return nil, err
	}
	return WatchDemotions(ctx, st, repo, nil, prec)
}

// AccountsWatch is what watching every account needs of the store.
type AccountsWatch interface {
	AccountWatch
	Repositories(ctx context.Context) ([]store.Repository, error)
}

// WatchAllAccounts is WatchAccount of every account with a repository in the store, once per
// account; it returns the patterns whose demotion changed in any of them.
func WatchAllAccounts(ctx context.Context, st AccountsWatch) ([]int64, error) {
	repos, err := st.Repositories(ctx)
	if err != nil {
		return nil, fmt.Errorf("accounts to watch for demotions: %w", err)
	}
	seen := map[string]bool{}
	var changed []int64
	for _, r := range repos {
		if seen[r.Owner()] {
			continue
		}
		seen[r.Owner()] = true
		ch, err := WatchAccount(ctx, st, r)
		if err != nil {
			return changed, err
		}
		changed = append(changed, ch...)
	}
	slices.Sort(changed)
	return slices.Compact(changed), nil
}
