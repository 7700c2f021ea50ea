package store

import (
	"context"
	"time"
)

// BranchCommit is a commit pushed to a repository's default branch. The store otherwise knows
// commits only through the jobs that ran on them; recording pushes gives main-branch history the
// commits CI never reported on (or has not yet), in push order.
type BranchCommit struct {
	SHA      string
	Message  string // first line of the commit message
	Author   string // GitHub login, else the commit author's name
	PushedAt time.Time
}

// BranchHistory records and lists the commits pushed to a branch; a role of Store.
type BranchHistory interface {
	// RecordBranchCommits appends commits (oldest first, as a push lists them) to a branch's
	// history; a commit already recorded on the branch is left as it was, so a redelivered or
	// repeated push adds nothing.
	RecordBranchCommits(ctx context.Context, repoID int64, branch string, commits []BranchCommit) error
	// BranchCommits lists up to limit commits of a branch, most recently pushed first.
	BranchCommits(ctx context.Context, repoID int64, branch string, limit int) ([]BranchCommit, error)
}
