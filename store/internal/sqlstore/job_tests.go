package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/totto-ci/totto/store"
)

var _ store.TestHistory = (*Store)(nil)

// testNamesBatch bounds the names of one history lookup, well under either parameter limit.
const testNamesBatch = 200

// RecordJobTests implements store.TestHistory.
func (s *Store) RecordJobTests(ctx context.Context, j store.JobTestsContext, tests []store.JobTest) error {
	return s.inTx(ctx, func(tx q) error {
		if _, err := tx.exec(ctx, `DELETE FROM job_tests WHERE job_id = ?`, j.JobID); err != nil {
			return fmt.Errorf("replace failing tests of job %d: %w", j.JobID, err)
		}
		seen := make(map[store.TestKey]bool, len(tests))
		for _, t := range tests {
			if seen[t.TestKey] { // one row per test and job, whatever the caller passes
				continue
			}
			seen[t.TestKey] = true
			_, err := tx.exec(ctx, `INSERT INTO job_tests (job_id, repo_id, runner, file, name, line, text,
				passed_in_log, sha, job_name, pull_request, default_branch, ran_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				j.JobID, j.RepoID, t.Runner, t.File, t.Name, t.Line, t.Text, t.PassedInLog,
				j.SHA, j.JobName, j.PullRequest, j.DefaultBranch, j.At.Unix())
			if err != nil {
				if s.Dialect.IsForeignKeyViolation(err) {
					return fmt.Errorf("record failing test %q of job %d: %w", t.Name, j.JobID, store.ErrNotFound)
				}
				return fmt.Errorf("record failing test %q of job %d: %w", t.Name, j.JobID, err)
			}
		}
		if _, err := tx.exec(ctx, `UPDATE jobs SET tests_recorded = ? WHERE id = ?`, true, j.JobID); err != nil {
			return fmt.Errorf("mark failing tests of job %d recorded: %w", j.JobID, err)
		}
		return nil
	})
}

// JobTests implements store.TestHistory.
func (s *Store) JobTests(ctx context.Context, jobID int64) ([]store.JobTest, error) {
	rows, err := s.read().query(ctx, `SELECT runner, file, name, line, text, CASE WHEN passed_in_log THEN 1 ELSE 0 END
		FROM job_tests WHERE job_id = ? ORDER BY line, name`, jobID)
	if err != nil {
		return nil, fmt.Errorf("failing tests of job %d: %w", jobID, err)
	}
	out, err := scanJobTests(rows)
	if err != nil {
		return nil, fmt.Errorf("failing tests of job %d: %w", jobID, err)
	}
	return out, nil
}

// scanJobTests reads rows of (runner, file, name, line, text, passed_in_log as 0/1).
func scanJobTests(rows Rows) ([]store.JobTest, error) {
	defer rows.Close()
	var out []store.JobTest
	for rows.Next() {
		var t store.JobTest
		var passed int
		if err := rows.Scan(&t.Runner, &t.File, &t.Name, &t.Line, &t.Text, &passed); err != nil {
			return nil, err
		}
		t.PassedInLog = passed == 1
		out = append(out, t)
	}
	return out, rows.Err()
}

// FailingTests implements store.TestHistory.
func (s *Store) FailingTests(ctx context.Context, repoID int64, sha, jobName string) ([]store.JobTest, error) {
	rows, err := s.read().query(ctx, `SELECT runner, file, name, MIN(line), MIN(text), MAX(CASE WHEN passed_in_log THEN 1 ELSE 0 END)
		FROM job_tests WHERE repo_id = ? AND sha = ? AND job_name = ?
		GROUP BY runner, file, name ORDER BY MIN(line), name`, repoID, sha, jobName)
	if err != nil {
		return nil, fmt.Errorf("failing tests of %s at %s: %w", jobName, sha, err)
	}
	out, err := scanJobTests(rows)
	if err != nil {
		return nil, fmt.Errorf("failing tests of %s at %s: %w", jobName, sha, err)
	}
	return out, nil
}

// testStatsColumns are a test's record over the rows of job_tests t grouped by test. A flip is a
// failure on a commit where the runner's own retry passed the test, or where another attempt of
// the same job on that commit succeeded. That attempt is looked up per row (index jobs_repo_sha)
// with a LIMIT, which Postgres cannot turn into a hash of every successful job of the database
// as it did for an EXISTS (200 ms for a window of 600 failures).
const testStatsColumns = `t.runner, t.file, t.name, COUNT(*), COUNT(DISTINCT t.sha),
	COUNT(DISTINCT CASE WHEN t.pull_request > 0 THEN t.pull_request END),
	SUM(CASE WHEN t.default_branch THEN 1 ELSE 0 END),
	COUNT(DISTINCT CASE WHEN t.passed_in_log OR (SELECT 1 FROM jobs j
		WHERE j.repo_id = t.repo_id AND j.sha = t.sha AND j.name = t.job_name AND j.conclusion = 'success' LIMIT 1) = 1
		THEN t.sha END),
	MIN(t.ran_at), MAX(t.ran_at)`

func scanTestSummary(rows Rows) (store.TestSummary, error) {
	var ts store.TestSummary
	var first, last int64
	err := rows.Scan(&ts.Runner, &ts.File, &ts.Name, &ts.Failures, &ts.Commits, &ts.PullRequests,
		&ts.DefaultBranchFailures, &ts.FlipCommits, &first, &last)
	ts.FirstSeen, ts.LastSeen = time.Unix(first, 0).UTC(), time.Unix(last, 0).UTC()
	return ts, err
}

// RepoTests implements store.TestHistory.
func (s *Store) RepoTests(ctx context.Context, repoID int64, since time.Time, limit int) ([]store.TestSummary, error) {
	out, err := s.testSummaries(ctx, `SELECT `+testStatsColumns+`
		FROM job_tests t WHERE t.repo_id = ? AND t.ran_at >= ?
		GROUP BY t.runner, t.file, t.name
		ORDER BY 8 DESC, 4 DESC, 10 DESC, t.name LIMIT ?`, repoID, since.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("tests of repository %d: %w", repoID, err)
	}
	return out, nil
}

// testSummaries runs a query selecting testStatsColumns.
func (s *Store) testSummaries(ctx context.Context, query string, args ...any) ([]store.TestSummary, error) {
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TestSummary
	for rows.Next() {
		ts, err := scanTestSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ts)
	}
	return out, rows.Err()
}

// NewTests implements store.TestHistory. Only the window's rows are grouped: a test with an
// older failure is ruled out through the (repo_id, name, ran_at) index.
func (s *Store) NewTests(ctx context.Context, repoID int64, since time.Time, limit int) ([]store.TestSummary, error) {
	out, err := s.testSummaries(ctx, `SELECT `+testStatsColumns+`
		FROM job_tests t WHERE t.repo_id = ? AND t.ran_at >= ? AND NOT EXISTS (SELECT 1 FROM job_tests o
			WHERE o.repo_id = t.repo_id AND o.name = t.name AND o.runner = t.runner AND o.file = t.file AND o.ran_at < ?)
		GROUP BY t.runner, t.file, t.name
		ORDER BY 9 DESC, t.name LIMIT ?`, repoID, since.Unix(), since.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("new failing tests of repository %d: %w", repoID, err)
	}
	return out, nil
}

// TestFailures implements store.TestHistory.
func (s *Store) TestFailures(ctx context.Context, repoID int64, key store.TestKey, limit int) ([]store.TestFailure, error) {
	rows, err := s.read().query(ctx, `SELECT job_id, sha, job_name, line, text, pull_request,
			CASE WHEN default_branch THEN 1 ELSE 0 END, CASE WHEN passed_in_log THEN 1 ELSE 0 END, ran_at
		FROM job_tests WHERE repo_id = ? AND runner = ? AND file = ? AND name = ?
		ORDER BY ran_at DESC, job_id DESC LIMIT ?`, repoID, key.Runner, key.File, key.Name, limit)
	if err != nil {
		return nil, fmt.Errorf("failures of test %q: %w", key.Name, err)
	}
	defer rows.Close()
	var out []store.TestFailure
	for rows.Next() {
		var f store.TestFailure
		var def, passed int
		var at int64
		if err := rows.Scan(&f.JobID, &f.SHA, &f.JobName, &f.Line, &f.Text, &f.PullRequest, &def, &passed, &at); err != nil {
			return nil, fmt.Errorf("failures of test %q: %w", key.Name, err)
		}
		f.DefaultBranch, f.PassedInLog, f.At = def == 1, passed == 1, time.Unix(at, 0).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// TestStats implements store.TestHistory.
func (s *Store) TestStats(ctx context.Context, repoID int64, keys []store.TestKey, since time.Time) (map[store.TestKey]store.TestStats, error) {
	want := make(map[store.TestKey]bool, len(keys))
	var names []string
	seenName := map[string]bool{}
	for _, k := range keys {
		want[k] = true
		if !seenName[k.Name] {
			seenName[k.Name] = true
			names = append(names, k.Name)
		}
	}
	out := make(map[store.TestKey]store.TestStats, len(keys))
	for len(names) > 0 {
		batch := names[:min(len(names), testNamesBatch)]
		names = names[len(batch):]
		args := []any{repoID, since.Unix()}
		for _, n := range batch {
			args = append(args, n)
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(batch)), ", ")
		rows, err := s.read().query(ctx, `SELECT `+testStatsColumns+`
			FROM job_tests t WHERE t.repo_id = ? AND t.ran_at >= ? AND t.name IN (`+marks+`)
			GROUP BY t.runner, t.file, t.name`, args...)
		if err != nil {
			return nil, fmt.Errorf("history of %d tests: %w", len(batch), err)
		}
		for rows.Next() {
			ts, err := scanTestSummary(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("history of %d tests: %w", len(batch), err)
			}
			if want[ts.TestKey] {
				out[ts.TestKey] = ts.TestStats
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("history of %d tests: %w", len(batch), err)
		}
	}
	return out, nil
}

// JobsWithoutTests implements store.TestHistory.
func (s *Store) JobsWithoutTests(ctx context.Context, afterID int64, limit int) ([]store.Job, error) {
	rows, err := s.read().query(ctx, `SELECT `+jobCols+` FROM jobs
		WHERE NOT tests_recorded AND log_state = 'stored' AND id > ? AND conclusion IN `+failedConclusions+`
		ORDER BY id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("jobs without recorded tests: %w", err)
	}
	defer rows.Close()
	var out []store.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("jobs without recorded tests: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}
