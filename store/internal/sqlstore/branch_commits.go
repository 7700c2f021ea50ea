package sqlstore

import (
	"context"
	"fmt"

	"github.com/totto-ci/totto/store"
)

// RecordBranchCommits implements store.BranchHistory.
func (s *Store) RecordBranchCommits(ctx context.Context, repoID int64, branch string, commits []store.BranchCommit) error {
	if len(commits) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx q) error {
		for _, c := range commits {
			at := c.PushedAt.UTC()
			if c.PushedAt.IsZero() {
				at = now()
			}
			if _, err := tx.exec(ctx, `INSERT INTO branch_commits (repo_id, branch, sha, message, author, pushed_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (repo_id, branch, sha) DO NOTHING`,
				repoID, branch, c.SHA, c.Message, c.Author, at); err != nil {
				return fmt.Errorf("record commit %s on %s of repository %d: %w", c.SHA, branch, repoID, err)
			}
		}
		return nil
	})
}

// BranchCommits implements store.BranchHistory.
func (s *Store) BranchCommits(ctx context.Context, repoID int64, branch string, limit int) ([]store.BranchCommit, error) {
	rows, err := s.read().query(ctx, `SELECT sha, message, author, pushed_at FROM branch_commits
		WHERE repo_id = ? AND branch = ? ORDER BY id DESC LIMIT ?`, repoID, branch, limit)
	if err != nil {
		return nil, fmt.Errorf("commits of %s in repository %d: %w", branch, repoID, err)
	}
	defer rows.Close()
	var out []store.BranchCommit
	for rows.Next() {
		var c store.BranchCommit
		if err := rows.Scan(&c.SHA, &c.Message, &c.Author, &c.PushedAt); err != nil {
			return nil, fmt.Errorf("commits of %s in repository %d: %w", branch, repoID, err)
		}
		c.PushedAt = c.PushedAt.UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("commits of %s in repository %d: %w", branch, repoID, err)
	}
	return out, nil
}
