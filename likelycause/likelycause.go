// Package likelycause finds the likely cause of a stored job's failure: the finder of logs/cause
// run over the job's stored log, with the job's own passing history as evidence when the store
// holds a green log of the same job (repository and job name). The check run, the web UI and
// pattern suggestions all call it, so they show the same cause line.
package likelycause

import (
	"context"
	"fmt"
	"io"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/logs/cause"
	"github.com/totto-ci/totto/store"
)

// Store is what the likely cause needs of the store.
type Store interface {
	Log(ctx context.Context, id int64) (store.Log, error)
	store.JobHistory
}

// Blobs opens stored log content.
type Blobs interface {
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

// Read streams the stored log l (as the caller read it from the store) through the finder and
// hands every line to each (when not nil), so a caller that wants more of the same pass (context
// lines, step spans) reads the log once. hist is the job's history (nil: judged alone).
func Read(ctx context.Context, blobs Blobs, l store.Log, hist *cause.Fingerprint, each func(logs.Line)) (cause.Excerpt, error) {
	logID := l.ID
	rc, err := blobs.Open(ctx, l.StorageKey)
	if err != nil {
		return cause.Excerpt{}, fmt.Errorf("opening log %d: %w", logID, err)
	}
	defer rc.Close()
	f := cause.NewFinder(cause.Options{History: hist})
	lr := logs.NewReader(rc)
	defer lr.Release() // the finder and each keep copies of what they need
	for lr.Next() {
		ln := lr.Line()
		f.Add(ln)
		if each != nil {
			each(ln)
		}
	}
	if err := lr.Err(); err != nil {
		return cause.Excerpt{}, fmt.Errorf("reading log %d: %w", logID, err)
	}
	return f.Excerpt(), nil
}

// History returns the fingerprint of the newest stored passing log of the failed job j (same
// repository and name), building and keeping it when that log is newer than the kept fingerprint;
// nil when the job never passed with a stored log. Trouble here costs only the evidence, never
// the excerpt: it is logged and nil returned.
func History(ctx context.Context, st Store, blobs Blobs, j store.Job) *cause.Fingerprint {
	repoID, jobName := j.RepoID, j.Name
	log := zerolog.Ctx(ctx).With().Int64("repo", repoID).Str("job", jobName).Logger()
	green, ok, err := st.LastPassingLog(ctx, repoID, jobName)
	if err != nil {
		log.Warn().Err(err).Msg("job history not available; judging the failing log alone")
		return nil
	}
	if !ok || j.LogID != nil && green == *j.LogID {
		return nil // the same content passed and failed: it tells nothing apart
	}
	kept, data, ok, err := st.JobFingerprint(ctx, repoID, jobName)
	if err != nil {
		log.Warn().Err(err).Msg("job fingerprint not readable; rebuilding it")
	} else if ok && kept == green {
		var fp cause.Fingerprint
		if err := fp.UnmarshalBinary(data); err == nil {
			return &fp
		}
		// Another masking version or damage: rebuilt below from the green log.
	}
	fp, err := fingerprint(ctx, st, blobs, green)
	if err != nil {
		log.Warn().Err(err).Int64("log", green).Msg("passing log not readable; judging the failing log alone")
		return nil
	}
	data, err = fp.MarshalBinary()
	if err == nil {
		err = st.PutJobFingerprint(ctx, repoID, jobName, green, data)
	}
	if err != nil {
		log.Warn().Err(err).Msg("job fingerprint not kept; it is rebuilt next time")
	}
	return fp
}

// fingerprint reads a passing log once into its fingerprint.
func fingerprint(ctx context.Context, st Store, blobs Blobs, logID int64) (*cause.Fingerprint, error) {
	l, err := st.Log(ctx, logID)
	if err != nil {
		return nil, fmt.Errorf("log %d: %w", logID, err)
	}
	rc, err := blobs.Open(ctx, l.StorageKey)
	if err != nil {
		return nil, fmt.Errorf("opening log %d: %w", logID, err)
	}
	defer rc.Close()
	fp, err := cause.FingerprintOf(rc)
	if err != nil {
		return nil, fmt.Errorf("reading log %d: %w", logID, err)
	}
	return fp, nil
}

// ForJob is the likely cause of a failed job with a stored log, judged against its history.
func ForJob(ctx context.Context, st Store, blobs Blobs, j store.Job) (cause.Excerpt, error) {
	if j.LogID == nil {
		return cause.Excerpt{}, fmt.Errorf("job %d has no stored log", j.ID)
	}
	l, err := st.Log(ctx, *j.LogID)
	if err != nil {
		return cause.Excerpt{}, fmt.Errorf("log %d: %w", *j.LogID, err)
	}
	return Read(ctx, blobs, l, History(ctx, st, blobs, j), nil)
}
