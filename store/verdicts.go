package store

import (
	"context"
	"time"
)

// VerdictKeeper keeps each failed job's verdict as triage decided it (the triage package's
// verdict, the one the check run states), so every page counts and lists failures by the same
// decision instead of re-deciding; a role of Store.
//
// A verdict goes stale when something it was decided from changes: a pattern matching the job's
// log is edited or retired, a rescan records new matches in the log, or a known-broken annotation
// of the job's repository opens or closes. A stale verdict is still shown until it is decided
// again; failed jobs with no verdict yet (imported history) are listed for deciding too.
type VerdictKeeper interface {
	// RecordVerdicts stores verdicts, replacing the jobs' earlier ones. A verdict marked stale
	// after v.DecidedAt (while it was being decided) stays stale.
	RecordVerdicts(ctx context.Context, vs []JobVerdict) error
	// JobVerdicts returns the stored verdicts of the given jobs by job id; jobs without one are
	// absent.
	JobVerdicts(ctx context.Context, jobIDs []int64) (map[int64]JobVerdict, error)
	// VerdictsToDecide lists up to limit commits having a failed job (its conclusion one of
	// failed) whose verdict is stale or missing.
	VerdictsToDecide(ctx context.Context, failed []string, limit int) ([]CommitRef, error)
	// UnexplainedFailures pages through failed jobs with a stored log whose kept verdict does
	// not explain them (or that have none yet), newest first, each with its cached cause line:
	// what /unexplained groups, read without opening a log.
	UnexplainedFailures(ctx context.Context, f UnexplainedFilter, page Page) ([]UnexplainedJob, Cursor, error)
}

// JobVerdict is one failed job's stored verdict.
type JobVerdict struct {
	JobID  int64
	RepoID int64
	SHA    string
	// Verdict is a triage.Verdict ("flaky", "new", …); Explained is that verdict's
	// triage.Verdict.Explained, stored so queries need not know the rule.
	Verdict   string
	Explained bool
	// DecidedAt is when the inputs of the decision were read, by the wall clock (stale marks are
	// stamped with it too).
	DecidedAt time.Time
	// Stale says something the verdict was decided from has changed since.
	Stale bool
}

// CommitRef names a commit of a repository.
type CommitRef struct {
	RepoID int64
	Repo   string // owner/name
	SHA    string
}

// UnexplainedFilter narrows UnexplainedFailures.
type UnexplainedFilter struct {
	// Audience: only jobs of these repositories (the zero value lists nothing).
	Audience Audience
	// RepoID, when not 0, keeps one repository's jobs.
	RepoID int64
	// Search, when set, keeps jobs whose cached cause line or name contains it, ignoring case.
	Search string
}

// UnexplainedJob is a failed job no kept verdict explains, with its log's cached cause line
// (CauseLineCache); HasCauseLine is false when none was worked out yet.
type UnexplainedJob struct {
	Job
	CauseLine    string
	HasCauseLine bool
}
