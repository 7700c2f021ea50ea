package store

import (
	"context"
	"time"

	"github.com/totto-ci/totto/ident"
)

// Reruns remembers the automatic re-runs totto asked a CI for, so that one failed attempt of a
// job is re-run at most once whatever happens (redeliveries, re-triage, restarts). Both store
// implementations provide it.
type Reruns interface {
	// ClaimRerun records that the job attempt r.JobExternalID is to be re-run and reports true;
	// it reports false, writing nothing, when that attempt was claimed before.
	ClaimRerun(ctx context.Context, r Rerun) (bool, error)
	// SetRerunOutcome records what the CI answered ("requested", or why it was not).
	SetRerunOutcome(ctx context.Context, repoID int64, provider ident.Provider, jobExternalID, outcome string) error
	// ReleaseRerun forgets a claim whose request failed in a way worth retrying.
	ReleaseRerun(ctx context.Context, repoID int64, provider ident.Provider, jobExternalID string) error
	// CommitReruns lists the re-runs asked for on a commit, oldest first.
	CommitReruns(ctx context.Context, repoID int64, sha string) ([]Rerun, error)
}

// Rerun is one automatic re-run of a failed job attempt.
type Rerun struct {
	RepoID        int64
	SHA           string
	Provider      ident.Provider
	JobExternalID string // the re-run attempt's job id at the provider
	JobName       string
	Attempt       int // the attempt that was re-run
	Outcome       string
	At            time.Time
}

// Rerun outcomes besides an error text.
const (
	RerunPending   = "pending"
	RerunRequested = "requested"
)
