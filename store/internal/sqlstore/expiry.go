package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/totto-ci/totto/store"
)

var _ store.AnnotationExpirer = (*Store)(nil)

// expiryHistoryLimit bounds how many job attempts one annotation's expiry reads: the newest ones
// decide, and a streak of a few commits needs only a few hundred rows even for wide job globs.
const expiryHistoryLimit = 2000

// ExpireKnownBroken implements store.AnnotationExpirer.
func (s *Store) ExpireKnownBroken(ctx context.Context, repoID int64, branch string, passes int, actor string) ([]store.Annotation, error) {
	open, err := s.Annotations(ctx, repoID, true)
	if err != nil {
		return nil, fmt.Errorf("expire known-broken annotations: %w", err)
	}
	var closed []store.Annotation
	for _, a := range open {
		hist, err := s.branchHistory(ctx, repoID, branch, a.CreatedAt)
		if err != nil {
			return closed, fmt.Errorf("expire annotation %d on %q: %w", a.ID, a.JobGlob, err)
		}
		at, ok := store.KnownBrokenExpiry(a.JobGlob, hist, passes)
		if !ok {
			continue
		}
		err = s.inTx(ctx, func(tx q) error {
			n, err := tx.exec(ctx, `UPDATE annotations SET to_sha = ?, closed_by = ?, closed_at = ? WHERE id = ? AND to_sha IS NULL`,
				at, actor, now(), a.ID)
			if err != nil || n == 0 {
				return err
			}
			if err := staleVerdictsOfRepo(ctx, tx, repoID); err != nil {
				return err
			}
			return audit(ctx, tx, actor, "annotation.close", a.ID, fmt.Sprintf("expired: passed on %s %d times in a row from %s", branch, max(passes, 1), at))
		})
		if err != nil {
			return closed, fmt.Errorf("close expired annotation %d: %w", a.ID, err)
		}
		a.ToSHA, a.ClosedBy = &at, actor
		closed = append(closed, a)
	}
	return closed, nil
}

// branchHistory reads the newest job attempts on a branch completed since a time.
func (s *Store) branchHistory(ctx context.Context, repoID int64, branch string, since time.Time) ([]store.BranchJobRun, error) {
	rows, err := s.read().query(ctx, `SELECT sha, name, attempt, conclusion, started_at, completed_at, created_at
		FROM jobs WHERE repo_id = ? AND branch = ? AND conclusion <> ''
		ORDER BY id DESC LIMIT ?`, repoID, branch, expiryHistoryLimit)
	if err != nil {
		return nil, fmt.Errorf("history of branch %q: %w", branch, err)
	}
	defer rows.Close()
	var out []store.BranchJobRun
	for rows.Next() {
		var r store.BranchJobRun
		var started, completed *time.Time
		var created time.Time
		if err := rows.Scan(&r.SHA, &r.Name, &r.Attempt, &r.Conclusion, &started, &completed, &created); err != nil {
			return nil, fmt.Errorf("history of branch %q: %w", branch, err)
		}
		finished := created
		r.At = created
		if completed != nil {
			finished = *completed
		}
		if started != nil {
			r.At = *started
		} else if completed != nil {
			r.At = *completed
		}
		if finished.Before(since) {
			continue
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
