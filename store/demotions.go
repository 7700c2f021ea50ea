package store

import "context"

// DemotionWatch remembers, per account, which patterns their precision record demotes, so that
// a change of demotion (a rerun confirms or refutes a flaky pattern, hits land on green jobs)
// reaches the kept verdicts it decided; a role of Store.
type DemotionWatch interface {
	// RecordDemotions stores that, of the patterns considered (nil: every pattern), exactly those
	// in demoted are demoted in the account owner's repositories; what is recorded of the
	// patterns not considered stays. For each considered pattern whose demotion changed since it
	// was last recorded, it marks stale the kept verdicts of the owner's jobs the pattern
	// matched (VerdictKeeper). It returns those patterns, and writes nothing when none changed.
	// A triage considers the patterns its commit's jobs matched (only their precision can have
	// changed through that commit); the rescan job considers every pattern of every account.
	RecordDemotions(ctx context.Context, owner string, considered, demoted []int64) (changed []int64, err error)
}
