package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/totto-ci/totto/store"
)

var _ store.DemotionWatch = (*Store)(nil)

// RecordDemotions implements store.DemotionWatch. The stored set is read first outside any
// transaction, so the usual call (nothing changed) costs one indexed read and no write.
func (s *Store) RecordDemotions(ctx context.Context, owner string, considered, demoted []int64) ([]int64, error) {
	if considered != nil && len(considered) == 0 {
		return nil, nil
	}
	if changed, err := demotionChanges(ctx, s.read(), owner, considered, demoted); err != nil || len(changed) == 0 {
		return nil, err
	}
	var changed []int64
	err := s.inTx(ctx, func(tx q) error {
		var err error
		if changed, err = demotionChanges(ctx, tx, owner, considered, demoted); err != nil {
			return err
		}
		at := now().UnixNano()
		for _, id := range changed {
			if slices.Contains(demoted, id) {
				_, err = tx.exec(ctx, `INSERT INTO pattern_demotions (owner, pattern_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, owner, id)
			} else {
				_, err = tx.exec(ctx, `DELETE FROM pattern_demotions WHERE owner = ? AND pattern_id = ?`, owner, id)
			}
			if err != nil {
				return fmt.Errorf("record demotion of pattern %d for %s: %w", id, owner, err)
			}
			if _, err := tx.exec(ctx, `UPDATE job_verdicts SET stale_at = ?
				WHERE job_id IN (SELECT h.job_id FROM pattern_hits h WHERE h.pattern_id = ?)
				AND repo_id IN (SELECT r.id FROM repositories r WHERE r.owner = ?)`, at, id, owner); err != nil {
				return fmt.Errorf("mark verdicts matched by pattern %d in %s stale: %w", id, owner, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return changed, nil
}

// demotionChanges is the symmetric difference of the stored demoted set of owner and demoted,
// within considered (nil: everything), ascending.
func demotionChanges(ctx context.Context, tx q, owner string, considered, demoted []int64) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT pattern_id FROM pattern_demotions WHERE owner = ?`, owner)
	if err != nil {
		return nil, fmt.Errorf("demoted patterns of %s: %w", owner, err)
	}
	defer rows.Close()
	stored := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("demoted patterns of %s: %w", owner, err)
		}
		if considered == nil || slices.Contains(considered, id) {
			stored[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("demoted patterns of %s: %w", owner, err)
	}
	var changed []int64
	for _, id := range demoted {
		if considered != nil && !slices.Contains(considered, id) {
			continue // not considered: its record stays as it is
		}
		if !stored[id] {
			changed = append(changed, id)
		}
		delete(stored, id)
	}
	for id := range stored {
		changed = append(changed, id)
	}
	slices.Sort(changed)
	return slices.Compact(changed), nil
}
