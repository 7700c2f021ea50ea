package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
)

var _ store.BackfillState = (*Store)(nil)

// milli stores a mark's bound as Unix milliseconds (0: none), comparable on both databases.
func milli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// BackfillMark implements store.BackfillState.
func (s *Store) BackfillMark(ctx context.Context, repoID int64, branch string, provider ident.Provider) (store.BackfillMark, error) {
	m := store.BackfillMark{RepoID: repoID, Branch: branch, Provider: provider}
	var from, to int64
	var done string
	err := s.read().row(ctx, `SELECT covered_from, covered_to, done_runs FROM backfill_marks
		WHERE repo_id = ? AND branch = ? AND provider = ?`, repoID, branch, provider).Scan(&from, &to, &done)
	if err != nil {
		if errors.Is(err, s.Dialect.NoRows) {
			return m, nil
		}
		return m, fmt.Errorf("backfill mark of repository %d %s (%s): %w", repoID, branch, provider, err)
	}
	m.From, m.To = fromMilli(from), fromMilli(to)
	if err := json.Unmarshal([]byte(done), &m.Done); err != nil {
		return m, fmt.Errorf("backfill mark of repository %d %s (%s): done runs: %w", repoID, branch, provider, err)
	}
	return m, nil
}

// PutBackfillMark implements store.BackfillState.
func (s *Store) PutBackfillMark(ctx context.Context, m store.BackfillMark) error {
	done, err := json.Marshal(m.Done)
	if err != nil {
		return fmt.Errorf("backfill mark: %w", err)
	}
	if m.Done == nil {
		done = []byte("[]")
	}
	err = s.inTx(ctx, func(tx q) error {
		_, err := tx.exec(ctx, `INSERT INTO backfill_marks (repo_id, branch, provider, covered_from, covered_to, done_runs, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (repo_id, branch, provider) DO UPDATE SET covered_from = excluded.covered_from,
				covered_to = excluded.covered_to, done_runs = excluded.done_runs, updated_at = excluded.updated_at`,
			m.RepoID, m.Branch, m.Provider, milli(m.From), milli(m.To), string(done), time.Now().UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("put backfill mark of repository %d %s (%s): %w", m.RepoID, m.Branch, m.Provider, err)
	}
	return nil
}

// SuccessSample implements store.BackfillState.
func (s *Store) SuccessSample(ctx context.Context, repoID int64, branch string, provider ident.Provider, perName int) ([]store.Job, error) {
	if perName <= 0 {
		return nil, nil
	}
	rows, err := s.read().query(ctx, `SELECT `+jobCols+` FROM (
			SELECT jobs.*, ROW_NUMBER() OVER (PARTITION BY name ORDER BY completed_at DESC, id DESC) AS nth
			FROM jobs WHERE repo_id = ? AND branch = ? AND provider = ? AND conclusion = 'success'
		) ranked WHERE nth <= ? ORDER BY name, nth`, repoID, branch, provider, perName)
	if err != nil {
		return nil, fmt.Errorf("success sample of repository %d %s: %w", repoID, branch, err)
	}
	defer rows.Close()
	var out []store.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("success sample of repository %d %s: %w", repoID, branch, err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("success sample of repository %d %s: %w", repoID, branch, err)
	}
	return out, nil
}
