package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/totto-ci/totto/store"
)

// PatternStats implements store.Insights. The hits are summed per pattern id in one pass (an ordered
// walk of pattern_hits_pattern_at on SQLite, a hash aggregate on Postgres) and the active
// patterns' names are read apart and merged here: joining first made both planners group every
// hit row by its pattern's name, two to three times slower. pattern_hits holds only hits in
// repositories their pattern applies to (its triggers apply the tenancy rule, migration 00201).
func (s *Store) PatternStats(ctx context.Context, now time.Time, aud store.Audience) ([]store.PatternStat, error) {
	d7, d30 := now.Add(-7*24*time.Hour).Unix(), now.Add(-30*24*time.Hour).Unix()
	cond, audArgs := aud.SQL("h.repo_id")
	rows, err := s.screenRead().query(ctx, `SELECT h.pattern_id,
			sum(CASE WHEN h.at >= ? THEN 1 ELSE 0 END), sum(CASE WHEN h.at >= ? THEN 1 ELSE 0 END),
			sum(CASE WHEN h.at >= ? THEN h.matches ELSE 0 END), sum(CASE WHEN h.at >= ? THEN h.matches ELSE 0 END),
			sum(h.matches), count(*), sum(CASE WHEN h.conclusion = 'success' THEN 1 ELSE 0 END), max(h.at)
		FROM pattern_hits h WHERE h.at < ? AND `+cond+` GROUP BY h.pattern_id`,
		append([]any{d7, d30, d7, d30, now.Unix() + 1}, audArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("pattern stats: %w", err)
	}
	byID := map[int64]store.PatternStat{}
	for rows.Next() {
		var s store.PatternStat
		var last int64
		if err := rows.Scan(&s.PatternID, &s.Jobs7d, &s.Jobs30d, &s.Matches7d, &s.Matches30d, &s.Matches, &s.Jobs, &s.SuccessJobs, &last); err != nil {
			rows.Close()
			return nil, fmt.Errorf("pattern stats: %w", err)
		}
		t := time.Unix(last, 0).UTC()
		s.LastSeen = &t
		byID[s.PatternID] = s
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("pattern stats: %w", err)
	}
	rows, err = s.screenRead().query(ctx, `SELECT id, name FROM patterns WHERE retired_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("pattern stats: active patterns: %w", err)
	}
	defer rows.Close()
	var out []store.PatternStat
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("pattern stats: active patterns: %w", err)
		}
		s := byID[id]
		s.PatternID, s.Name = id, name
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pattern stats: active patterns: %w", err)
	}
	return out, nil
}
