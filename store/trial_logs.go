package store

import "context"

// TrialLogs is what /try reads: the stored logs a pattern is tried on, newest first, a page at a
// time, each log once (with its newest job) so that pages resume without repeats or gaps.
type TrialLogs interface {
	// TrialLogs returns up to n logs of q, newest first: stored logs of failed and successful
	// jobs, each with the newest such job, whose newest job's id is below q.Before (0: all).
	TrialLogs(ctx context.Context, q TrialQuery, n int) ([]SampleLog, error)
	// CountTrialLogs counts the logs of q (q.Before ignored) and those of them whose newest job's
	// id is below each of below (0: all), in the same order.
	CountTrialLogs(ctx context.Context, q TrialQuery, below ...int64) (total int, older []int, err error)
}

// TrialQuery says which logs a trial reads: those of repositories in Audience, of one
// repository (RepoID) or account (Owner, lower case) when set, older than Before (a job id).
type TrialQuery struct {
	Audience Audience
	RepoID   int64
	Owner    string
	Before   int64
}

// SampleLog is a stored log with the newest job it belongs to, for trying a pattern.
type SampleLog struct {
	LogID      int64
	StorageKey string
	MatchJob
}
