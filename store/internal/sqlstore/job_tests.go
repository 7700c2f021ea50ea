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
		return nil
	})
}

// FailingTests implements store.TestHistory.
func (s *Store) FailingTests(ctx context.Context, repoID int64, sha, jobName string) ([]store.JobTest, error) {
	rows, err := s.read().query(ctx, `SELECT runner, file, name, MIN(line), MIN(text), MAX(CASE WHEN passed_in_log THEN 1 ELSE 0 END)
		FROM job_tests WHERE repo_id = ? AND sha = ? AND job_name = ?
		GROUP BY runner, file, name ORDER BY MIN(line), name`, repoID, sha, jobName)
	if err != nil {
		return nil, fmt.Errorf("failing tests of %s at %s: %w", jobName, sha, err)
	}
	defer rows.Close()
	var out []store.JobTest
	for rows.Next() {
		var t store.JobTest
		var passed int
		if err := rows.Scan(&t.Runner, &t.File, &t.Name, &t.Line, &t.Text, &passed); err != nil {
			return nil, fmt.Errorf("failing tests of %s at %s: %w", jobName, sha, err)
		}
		t.PassedInLog = passed == 1
		out = append(out, t)
	}
	return out, rows.Err()
}

// TestStats implements store.TestHistory. A flip is a failure on a commit where the runner's own
// retry passed the test, or where another attempt of the same job on that commit succeeded.
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
		rows, err := s.read().query(ctx, `SELECT t.runner, t.file, t.name, COUNT(*), COUNT(DISTINCT t.sha),
				COUNT(DISTINCT CASE WHEN t.pull_request > 0 THEN t.pull_request END),
				SUM(CASE WHEN t.default_branch THEN 1 ELSE 0 END),
				COUNT(DISTINCT CASE WHEN t.passed_in_log OR EXISTS (SELECT 1 FROM jobs j
					WHERE j.repo_id = t.repo_id AND j.sha = t.sha AND j.name = t.job_name AND j.conclusion = 'success')
					THEN t.sha END),
				MIN(t.ran_at), MAX(t.ran_at)
			FROM job_tests t WHERE t.repo_id = ? AND t.ran_at >= ? AND t.name IN (`+marks+`)
			GROUP BY t.runner, t.file, t.name`, args...)
		if err != nil {
			return nil, fmt.Errorf("history of %d tests: %w", len(batch), err)
		}
		for rows.Next() {
			var k store.TestKey
			var st store.TestStats
			var first, last int64
			if err := rows.Scan(&k.Runner, &k.File, &k.Name, &st.Failures, &st.Commits, &st.PullRequests,
				&st.DefaultBranchFailures, &st.FlipCommits, &first, &last); err != nil {
				rows.Close()
				return nil, fmt.Errorf("history of %d tests: %w", len(batch), err)
			}
			if want[k] {
				st.FirstSeen, st.LastSeen = time.Unix(first, 0).UTC(), time.Unix(last, 0).UTC()
				out[k] = st
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
