package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/totto-ci/totto/store"
)

var _ store.VerdictKeeper = (*Store)(nil)

// verdictBatch bounds the rows of one statement, well under either database's parameter limit.
const verdictBatch = 100

// RecordVerdicts implements store.VerdictKeeper.
func (s *Store) RecordVerdicts(ctx context.Context, vs []store.JobVerdict) error {
	if len(vs) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx q) error {
		for len(vs) > 0 {
			batch := vs[:min(len(vs), verdictBatch)]
			vs = vs[len(batch):]
			var sb strings.Builder
			sb.WriteString(`INSERT INTO job_verdicts (job_id, repo_id, sha, verdict, explained, decided_at, stale_at) VALUES `)
			args := make([]any, 0, len(batch)*6)
			for i, v := range batch {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("(?, ?, ?, ?, ?, ?, NULL)")
				args = append(args, v.JobID, v.RepoID, v.SHA, v.Verdict, v.Explained, v.DecidedAt.UnixNano())
			}
			// A change seen after the inputs were read keeps the verdict stale.
			sb.WriteString(` ON CONFLICT (job_id) DO UPDATE SET verdict = excluded.verdict, explained = excluded.explained,
				repo_id = excluded.repo_id, sha = excluded.sha, decided_at = excluded.decided_at,
				stale_at = CASE WHEN job_verdicts.stale_at > excluded.decided_at THEN job_verdicts.stale_at ELSE NULL END`)
			if _, err := tx.exec(ctx, sb.String(), args...); err != nil {
				return fmt.Errorf("record %d job verdicts: %w", len(batch), err)
			}
		}
		return nil
	})
}

// JobVerdicts implements store.VerdictKeeper.
func (s *Store) JobVerdicts(ctx context.Context, jobIDs []int64) (map[int64]store.JobVerdict, error) {
	out := make(map[int64]store.JobVerdict, len(jobIDs))
	for len(jobIDs) > 0 {
		batch := jobIDs[:min(len(jobIDs), verdictBatch)]
		jobIDs = jobIDs[len(batch):]
		in, args := idList(batch)
		rows, err := s.screenRead().query(ctx, `SELECT job_id, repo_id, sha, verdict, explained, decided_at, stale_at
			FROM job_verdicts WHERE job_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("verdicts of %d jobs: %w", len(batch), err)
		}
		for rows.Next() {
			var v store.JobVerdict
			var decided int64
			var stale *int64
			if err := rows.Scan(&v.JobID, &v.RepoID, &v.SHA, &v.Verdict, &v.Explained, &decided, &stale); err != nil {
				rows.Close()
				return nil, fmt.Errorf("verdicts of %d jobs: %w", len(batch), err)
			}
			v.DecidedAt, v.Stale = time.Unix(0, decided).UTC(), stale != nil
			out[v.JobID] = v
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("verdicts of %d jobs: %w", len(batch), err)
		}
	}
	return out, nil
}

// VerdictsToDecide implements store.VerdictKeeper.
func (s *Store) VerdictsToDecide(ctx context.Context, failed []string, limit int) ([]store.CommitRef, error) {
	if len(failed) == 0 || limit <= 0 {
		return nil, nil
	}
	args := make([]any, 0, len(failed)*2+1)
	for _, c := range failed {
		args = append(args, c)
	}
	for _, c := range failed {
		args = append(args, c)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(failed)), ", ")
	rows, err := s.read().query(ctx, `SELECT todo.repo_id, r.full_name, todo.sha FROM (
			SELECT v.repo_id, v.sha FROM job_verdicts v JOIN jobs j ON j.id = v.job_id
				WHERE v.stale_at IS NOT NULL AND j.conclusion IN (`+marks+`)
			UNION
			SELECT j.repo_id, j.sha FROM jobs j
				WHERE j.conclusion IN (`+marks+`) AND NOT EXISTS (SELECT 1 FROM job_verdicts v WHERE v.job_id = j.id)
		) todo JOIN repositories r ON r.id = todo.repo_id ORDER BY todo.repo_id, todo.sha LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("commits with verdicts to decide: %w", err)
	}
	defer rows.Close()
	var out []store.CommitRef
	for rows.Next() {
		var c store.CommitRef
		if err := rows.Scan(&c.RepoID, &c.Repo, &c.SHA); err != nil {
			return nil, fmt.Errorf("commits with verdicts to decide: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("commits with verdicts to decide: %w", err)
	}
	return out, nil
}

// staleVerdictsOfRepo marks stale every verdict of a repository's jobs: a known-broken range of
// it opened or closed. Which jobs the range covers is decided with the verdict (job globs, commit
// places), so all are decided again.
func staleVerdictsOfRepo(ctx context.Context, tx q, repoID int64) error {
	if _, err := tx.exec(ctx, `UPDATE job_verdicts SET stale_at = ? WHERE repo_id = ?`, now().UnixNano(), repoID); err != nil {
		return fmt.Errorf("mark verdicts of repository %d stale: %w", repoID, err)
	}
	return nil
}

// staleVerdictsOfPattern marks stale the verdicts of jobs whose log pattern id matched: editing
// or retiring the pattern may change them.
func staleVerdictsOfPattern(ctx context.Context, tx q, id int64) error {
	if _, err := tx.exec(ctx, `UPDATE job_verdicts SET stale_at = ?
		WHERE job_id IN (SELECT job_id FROM pattern_hits WHERE pattern_id = ?)`, now().UnixNano(), id); err != nil {
		return fmt.Errorf("mark verdicts matched by pattern %d stale: %w", id, err)
	}
	return nil
}

// staleVerdictsOfLog marks stale the verdicts of the jobs of a log that gained matches.
func staleVerdictsOfLog(ctx context.Context, tx q, logID int64) error {
	if _, err := tx.exec(ctx, `UPDATE job_verdicts SET stale_at = ?
		WHERE job_id IN (SELECT id FROM jobs WHERE log_id = ?)`, now().UnixNano(), logID); err != nil {
		return fmt.Errorf("mark verdicts of log %d stale: %w", logID, err)
	}
	return nil
}
