package store

import "context"

// PrecisionQuerier computes each pattern's record from rerun outcomes, so triage can stop trusting
// a flaky pattern whose matches keep turning out to be real breakages (or to be on jobs that
// passed): a derived, read-only view; a role of Store.
type PrecisionQuerier interface {
	// PatternPrecision returns one row per pattern with at least one hit, ascending by pattern
	// id, counting jobs of the audience's repositories to which the pattern applies: of the
	// patterns patternIDs names, or of every pattern when it is nil (a commit's verdicts need
	// only the patterns that matched it).
	PatternPrecision(ctx context.Context, aud Audience, patternIDs []int64) ([]PatternPrecision, error)
}

// PatternPrecision is one pattern's record. A hit is a job whose log the pattern matched. Jobs of
// one commit are attempts of one job when they share provider, name, repository and commit.
type PatternPrecision struct {
	PatternID int64
	// Hits counts every job the pattern matched, whatever its conclusion.
	Hits int64
	// OnSuccess counts hits on jobs that succeeded.
	OnSuccess int64
	// ConfirmedFlaky counts failed hits whose job passed on a later attempt of the same commit.
	ConfirmedFlaky int64
	// ConfirmedNotFlaky counts failed hits whose job failed again on a later attempt, with the
	// same pattern matching that attempt's log, and never passed on that commit.
	ConfirmedNotFlaky int64
}
