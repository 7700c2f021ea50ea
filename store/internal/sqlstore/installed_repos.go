package sqlstore

import (
	"context"
	"fmt"

	"github.com/totto-ci/totto/store"
)

// InstalledRepositories implements store.InstalledRepositoryLister.
func (s *Store) InstalledRepositories(ctx context.Context) ([]store.Repository, error) {
	rows, err := s.read().query(ctx, `SELECT r.id, r.installation_id, r.full_name, r.active, r.private, r.created_at
		FROM repositories r JOIN installations i ON i.id = r.installation_id
		WHERE r.active = ? AND i.active = ? ORDER BY r.full_name`, true, true)
	if err != nil {
		return nil, fmt.Errorf("installed repositories: %w", err)
	}
	defer rows.Close()
	var out []store.Repository
	for rows.Next() {
		r, err := scanRepo(rows)
		if err != nil {
			return nil, fmt.Errorf("installed repositories: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("installed repositories: %w", err)
	}
	return out, nil
}
