package scan

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/testlog"
	"github.com/totto-ci/totto/triage"
)

// TestsRecorder is what recording extracted failing tests needs of the store.
type TestsRecorder interface {
	RecordJobTests(ctx context.Context, job store.JobTestsContext, tests []store.JobTest) error
}

// TestsStore is what recording a job's failing tests from its stored log needs of the store.
type TestsStore interface {
	TestsRecorder
	Log(ctx context.Context, id int64) (store.Log, error)
}

// TestsWhere says where a failed job ran, for its failing tests' history.
type TestsWhere struct {
	PullRequest   int  // the open pull request of the commit (0: none or unknown)
	DefaultBranch bool // the job ran on the repository's default branch
}

// RecordTests is the one way a job's failing tests enter the history, whoever stored its log (the
// App's pipeline, backfill, `totto ingest`, `totto rescan`): it reads the failed job's stored log
// with the failing-test extractor and records the tests it names, replacing what was recorded for
// the job before (so doing it again never counts twice). where is asked only when the log names a
// failing test (it may cost a request to GitHub); nil records no pull request and not the default
// branch. A job that did not fail or has no stored log records nothing. now dates a job that
// never said when it ran.
func RecordTests(ctx context.Context, st TestsStore, blobs blob.Store, j store.Job, now time.Time, where func(context.Context) TestsWhere) (testlog.Result, error) {
	if j.LogID == nil || !triage.Conclusion(j.Conclusion).Failed() {
		return testlog.Result{}, nil
	}
	res, err := extractTests(ctx, st, blobs, *j.LogID)
	if err != nil {
		return res, fmt.Errorf("failing tests of job %d (%s): %w", j.ID, j.Name, err)
	}
	return res, RecordFoundTests(ctx, st, j, res, now, where)
}

// RecordFoundTests is RecordTests for tests already extracted from the job's log, by the Pass
// that stored it.
func RecordFoundTests(ctx context.Context, st TestsRecorder, j store.Job, res testlog.Result, now time.Time, where func(context.Context) TestsWhere) error {
	if j.LogID == nil || !triage.Conclusion(j.Conclusion).Failed() {
		return nil
	}
	c := store.JobTestsContext{JobID: j.ID, RepoID: j.RepoID, SHA: j.SHA, JobName: j.Name, At: now}
	if j.CompletedAt != nil {
		c.At = *j.CompletedAt
	} else if j.StartedAt != nil {
		c.At = *j.StartedAt
	}
	if len(res.Tests) > 0 && where != nil {
		w := where(ctx)
		c.PullRequest, c.DefaultBranch = w.PullRequest, w.DefaultBranch
	}
	tests := make([]store.JobTest, len(res.Tests))
	for i, t := range res.Tests {
		tests[i] = store.JobTest{TestKey: store.TestKey{Runner: t.Runner, File: t.File, Name: t.Name}, Line: t.Line, Text: t.Text, PassedInLog: t.PassedInLog}
	}
	if err := st.RecordJobTests(ctx, c, tests); err != nil {
		return fmt.Errorf("recording failing tests of job %d (%s): %w", j.ID, j.Name, err)
	}
	l := zerolog.Ctx(ctx).Debug().Int64("job", j.ID).Int("failing_tests", len(tests))
	for _, m := range res.Mismatches {
		l = l.Str("mismatch", fmt.Sprintf("%s printed %d failed at line %d, %d found", m.Runner, m.Summary, m.Line, m.Extracted))
	}
	l.Msg("failing tests recorded")
	return nil
}

// extractTests reads a stored log once with the failing-test extractor.
func extractTests(ctx context.Context, st TestsStore, blobs blob.Store, logID int64) (testlog.Result, error) {
	l, err := st.Log(ctx, logID)
	if err != nil {
		return testlog.Result{}, fmt.Errorf("log %d: %w", logID, err)
	}
	rc, err := blobs.Open(ctx, l.StorageKey)
	if err != nil {
		return testlog.Result{}, fmt.Errorf("opening log %d: %w", logID, err)
	}
	defer rc.Close()
	e := testlog.New()
	lr := logs.NewReader(rc)
	defer lr.Release()
	for lr.Next() {
		e.Add(lr.Line())
	}
	if err := lr.Err(); err != nil {
		return testlog.Result{}, fmt.Errorf("reading log %d: %w", logID, err)
	}
	return e.Result(), nil
}

// MissingTestsStore is what RecordMissingTests needs of the store.
type MissingTestsStore interface {
	TestsStore
	JobsWithoutTests(ctx context.Context, afterID int64, limit int) ([]store.Job, error)
}

// MissingTests counts what RecordMissingTests did.
type MissingTests struct {
	Jobs     int // jobs whose failing tests were recorded (none found counts too)
	Failures []error
}

// missingTestsBatch is how many jobs one query returns.
const missingTestsBatch = 200

// RecordMissingTests records the failing tests of every failed job whose stored log was never
// read for them (stored before the history existed, or by an older release), through
// RecordTests; such a job has no pull request recorded. A job whose log cannot be read is left
// for the next run and reported; the error is the store's or ctx's.
func RecordMissingTests(ctx context.Context, st MissingTestsStore, blobs blob.Store, now time.Time) (MissingTests, error) {
	var res MissingTests
	var after int64
	for {
		jobs, err := st.JobsWithoutTests(ctx, after, missingTestsBatch)
		if err != nil {
			return res, fmt.Errorf("failing tests of stored jobs: %w", err)
		}
		for _, j := range jobs {
			after = j.ID
			if _, err := RecordTests(ctx, st, blobs, j, now, nil); err != nil {
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				res.Failures = append(res.Failures, err)
				continue
			}
			res.Jobs++
		}
		if len(jobs) < missingTestsBatch {
			return res, nil
		}
	}
}
