package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// TestHistory keeps the failing tests of each failed job (found in its log by testlog) and
// answers, per test and repository, how it behaved across commits, pull requests and reruns:
// the evidence behind a test's flaky or broken-upstream verdict. Both store implementations
// provide it.
type TestHistory interface {
	// RecordJobTests replaces the failing tests recorded for a job, so scanning a log again
	// (a redelivery, a rescan) never counts a failure twice. at is when the job ran.
	RecordJobTests(ctx context.Context, job JobTestsContext, tests []JobTest) error
	// JobsWithoutTests returns failed jobs with a stored log whose failing tests were never
	// recorded (RecordJobTests marks a job recorded, even with no test), with an id above
	// afterID, in id order, at most limit.
	JobsWithoutTests(ctx context.Context, afterID int64, limit int) ([]Job, error)
	// JobTests returns the failing tests recorded for one job, in log order.
	JobTests(ctx context.Context, jobID int64) ([]JobTest, error)
	// FailingTests returns the tests recorded as failing on any attempt of a job (by name) at a
	// commit, e.g. at the merge base; none when that job's log was never scanned.
	FailingTests(ctx context.Context, repoID int64, sha, jobName string) ([]JobTest, error)
	// TestStats returns each asked-for test's record in a repository from jobs that ran at or
	// after since; tests with no recorded failure are absent.
	TestStats(ctx context.Context, repoID int64, keys []TestKey, since time.Time) (map[TestKey]TestStats, error)
	// RepoTests lists a repository's tests that failed at or after since, flakiest first (most
	// flip commits, then most failures, then most recent), at most limit.
	RepoTests(ctx context.Context, repoID int64, since time.Time, limit int) ([]TestSummary, error)
	// NewTests lists a repository's tests whose first recorded failure is at or after since
	// (none before it), the newest first failure first, at most limit.
	NewTests(ctx context.Context, repoID int64, since time.Time, limit int) ([]TestSummary, error)
	// TestFailures lists one test's recorded failures in a repository, newest first, at most limit.
	TestFailures(ctx context.Context, repoID int64, key TestKey, limit int) ([]TestFailure, error)
}

// TestSummary is one test with its record.
type TestSummary struct {
	TestKey
	TestStats
}

// TestFailure is one failed job that named a test.
type TestFailure struct {
	JobID         int64
	SHA           string
	JobName       string
	Line          int
	Text          string
	PullRequest   int
	DefaultBranch bool
	PassedInLog   bool
	At            time.Time
}

// TestKey names a test within a repository: the runner, its file or suite, and its name.
type TestKey struct {
	Runner string
	File   string
	Name   string
}

// ID is a short opaque id of the test, for URLs: a test's name is log text, which has no place
// in a URL (a parametrised test's name may hold a secret).
func (k TestKey) ID() string {
	sum := sha256.Sum256([]byte(k.Runner + "\x00" + k.File + "\x00" + k.Name))
	return hex.EncodeToString(sum[:8])
}

// JobTest is one failing test of a job.
type JobTest struct {
	TestKey
	// Line is the 1-based line of the job's normalised log that states the failure; Text is it.
	Line int
	Text string
	// PassedInLog: the same log shows the test passing too (a runner's own retry).
	PassedInLog bool
}

// JobTestsContext is what a job's failing tests are filed under.
type JobTestsContext struct {
	JobID   int64
	RepoID  int64
	SHA     string
	JobName string
	// PullRequest is the pull request the commit was tested for (0: none or unknown).
	PullRequest int
	// DefaultBranch: the job ran on the repository's default branch.
	DefaultBranch bool
	// At is when the job ran; history windows count from it.
	At time.Time
}

// TestStats is one test's record in a repository over a window.
type TestStats struct {
	// Failures counts failed jobs that named the test.
	Failures int64
	// Commits and PullRequests count the distinct commits and pull requests it failed on.
	Commits      int64
	PullRequests int64
	// DefaultBranchFailures counts its failures on the default branch.
	DefaultBranchFailures int64
	// FlipCommits counts distinct commits where it failed and then passed on the same commit:
	// another attempt of the job succeeded, or the runner's own retry passed it in the log.
	FlipCommits int64
	// FirstSeen and LastSeen bound its failures in the window.
	FirstSeen, LastSeen time.Time
}
