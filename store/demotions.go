package store

import "context"

// DemotionWatch remembers, per account, which patterns their precision record demotes, so that
// a change of demotion (a rerun confirms or refutes a flaky pattern, hits land on green jobs)
// reaches the kept verdicts it decided; a role of Store.
type DemotionWatch interface {
	// RecordDemotions stores that exactly the patterns in demoted are demoted in the account
	// owner's repositories and, for each pattern whose demotion changed since the last call,
	// marks stale the kept verdicts of the owner's jobs the pattern matched (VerdictKeeper). It
	// returns those patterns, and writes nothing when none changed.
	RecordDemotions(ctx context.Context, owner string, demoted []int64) (changed []int64, err error)
}
