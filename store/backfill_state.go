package store

import (
	"context"
	"time"

	"github.com/totto-ci/totto/ident"
)

// BackfillMark is what a backfill of one repository's branch from one provider has completely
// processed (every job stored, every wanted log stored or recorded unavailable), so a resumed or
// scheduled backfill lists only what is new or unfinished.
type BackfillMark struct {
	RepoID   int64
	Branch   string
	Provider ident.Provider
	// Every run created in [From, To) was completely processed; zero times: none yet.
	From, To time.Time
	// Done are runs outside [From, To) that were completely processed (a run finished after an
	// older one that is still unfinished).
	Done []MarkedRun
}

// MarkedRun is one completely processed run: its provider id, creation time and the attempt
// that was processed (a later attempt makes it unfinished again).
type MarkedRun struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Attempt int       `json:"attempt"`
}

// BackfillState is the part of Store the backfill keeps between runs.
type BackfillState interface {
	// BackfillMark returns the mark of repoID's branch on provider; a zero mark (with the keys
	// filled in) when there is none.
	BackfillMark(ctx context.Context, repoID int64, branch string, provider ident.Provider) (BackfillMark, error)
	// PutBackfillMark replaces the mark of m's repository, branch and provider.
	PutBackfillMark(ctx context.Context, m BackfillMark) error
	// SuccessSample returns, for every job name of repoID's branch on provider, its newest
	// perName successful jobs (by completion time, then id), whatever their log state: the
	// deterministic sample of successful logs a backfill keeps.
	SuccessSample(ctx context.Context, repoID int64, branch string, provider ident.Provider, perName int) ([]Job, error)
}
