package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/totto-ci/totto/store"
)

var _ store.CauseLineCache = (*Store)(nil)

// causeLinesBatch bounds the ids of one lookup, well under either database's parameter limit.
const causeLinesBatch = 200

// PutCauseLine implements store.CauseLineCache.
func (s *Store) PutCauseLine(ctx context.Context, logID int64, line string) error {
	return s.inTx(ctx, func(tx q) error {
		if _, err := tx.exec(ctx, `INSERT INTO log_cause_lines (log_id, line) VALUES (?, ?)
			ON CONFLICT (log_id) DO NOTHING`, logID, line); err != nil {
			return fmt.Errorf("record cause line of log %d: %w", logID, err)
		}
		return nil
	})
}

// CauseLines implements store.CauseLineCache.
func (s *Store) CauseLines(ctx context.Context, logIDs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(logIDs))
	for len(logIDs) > 0 {
		batch := logIDs[:min(len(logIDs), causeLinesBatch)]
		logIDs = logIDs[len(batch):]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(batch)), ", ")
		rows, err := s.read().query(ctx, `SELECT log_id, line FROM log_cause_lines WHERE log_id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("cause lines of %d logs: %w", len(batch), err)
		}
		for rows.Next() {
			var id int64
			var line string
			if err := rows.Scan(&id, &line); err != nil {
				rows.Close()
				return nil, fmt.Errorf("cause lines of %d logs: %w", len(batch), err)
			}
			out[id] = line
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("cause lines of %d logs: %w", len(batch), err)
		}
	}
	return out, nil
}
