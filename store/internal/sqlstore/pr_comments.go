package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/totto-ci/totto/store"
)

var _ store.PRComments = (*Store)(nil)

// PRComment implements store.PRComments.
func (s *Store) PRComment(ctx context.Context, repoID int64, number int) (store.PRComment, error) {
	c := store.PRComment{RepoID: repoID, Number: number}
	err := s.read().row(ctx, `SELECT comment_id, body_hash FROM pr_comments WHERE repo_id = ? AND number = ?`,
		repoID, number).Scan(&c.CommentID, &c.BodyHash)
	if errors.Is(err, s.Dialect.NoRows) {
		return c, fmt.Errorf("comment on pull request #%d: %w", number, store.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("comment on pull request #%d: %w", number, err)
	}
	return c, nil
}

// PutPRComment implements store.PRComments.
func (s *Store) PutPRComment(ctx context.Context, c store.PRComment) error {
	return s.inTx(ctx, func(tx q) error {
		if _, err := tx.exec(ctx, `INSERT INTO pr_comments (repo_id, number, comment_id, body_hash) VALUES (?, ?, ?, ?)
			ON CONFLICT (repo_id, number) DO UPDATE SET comment_id = excluded.comment_id, body_hash = excluded.body_hash`,
			c.RepoID, c.Number, c.CommentID, c.BodyHash); err != nil {
			return fmt.Errorf("record comment on pull request #%d: %w", c.Number, err)
		}
		return nil
	})
}
