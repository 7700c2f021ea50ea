package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/totto-ci/totto/store"
)

var _ store.CommitLookup = (*Store)(nil)

// CommitsByPrefix implements store.CommitLookup. The prefix is read as the SHA range
// [prefix, prefix+"g"), which the (repo_id, sha) indexes answer for a lower-case hex prefix;
// HasPrefix then keeps the answer exact whatever the database's collation.
func (s *Store) CommitsByPrefix(ctx context.Context, repoID int64, prefix string, limit int) ([]string, error) {
	if prefix == "" || limit <= 0 {
		return nil, nil
	}
	hi := prefix + "g"
	rows, err := s.read().query(ctx, `SELECT sha FROM jobs WHERE repo_id = ? AND sha >= ? AND sha < ?
		UNION SELECT sha FROM branch_commits WHERE repo_id = ? AND sha >= ? AND sha < ?
		ORDER BY sha LIMIT ?`, repoID, prefix, hi, repoID, prefix, hi, limit)
	if err != nil {
		return nil, fmt.Errorf("commits starting %q in repository %d: %w", prefix, repoID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return nil, fmt.Errorf("commits starting %q in repository %d: %w", prefix, repoID, err)
		}
		if strings.HasPrefix(sha, prefix) {
			out = append(out, sha)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("commits starting %q in repository %d: %w", prefix, repoID, err)
	}
	return out, nil
}
