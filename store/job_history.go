package store

import "context"

// JobHistory keeps what the likely-cause finder needs of a job's passing history: the fingerprint
// (masked line hashes, cause.Fingerprint) of the newest stored log of a successful run of the
// same job (repository and job name). Lines of a failing log that the green run never printed are
// the strongest evidence of its cause; keeping the fingerprint spares re-reading the green log
// at every triage. Both store implementations provide it.
type JobHistory interface {
	// LastPassingLog returns the newest stored log of a successful job with this repository and
	// name (ok false when there is none).
	LastPassingLog(ctx context.Context, repoID int64, jobName string) (logID int64, ok bool, err error)
	// JobFingerprint returns the kept fingerprint of the job and the log it was made from (ok
	// false when none is kept).
	JobFingerprint(ctx context.Context, repoID int64, jobName string) (logID int64, fingerprint []byte, ok bool, err error)
	// PutJobFingerprint keeps the fingerprint of the job made from logID, replacing an older one.
	PutJobFingerprint(ctx context.Context, repoID int64, jobName string, logID int64, fingerprint []byte) error
}
