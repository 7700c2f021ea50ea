package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// applicable is the condition "pattern p applies to log l": active, newer than the log's
// watermark, and an operator pattern or one whose tenant owns a job of the log (the tenancy
// rule, store.PatternAppliesSQL).
var applicable = `p.retired_at IS NULL AND p.id > l.scanned_through AND p.scope <> 'legacy'
	AND (p.scope = 'operator' OR EXISTS (SELECT 1 FROM jobs rj WHERE rj.log_id = l.id AND ` + store.PatternAppliesSQL("p", "rj.repo_id") + `))`

// maxActive is the newest active pattern id: the watermark a fully scanned log has.
const maxActive = `(SELECT COALESCE(MAX(id), 0) FROM patterns WHERE retired_at IS NULL)`

// PendingScans implements store.Store in one query. Because pattern ids only grow and a pattern
// never changes what it matches, "scanned with every pattern up to id W" is one number per log;
// the index on logs.scanned_through makes the common case (nothing new) an empty index range.
// "l.id + 0" (in the keyset condition and the order) keeps the planners from walking the primary
// key instead, which would read every log to find that none is pending.
func (s *Store) PendingScans(ctx context.Context, after int64, limit int) ([]store.PendingScan, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.read().query(ctx, `SELECT l.id, l.storage_key, l.raw_size, l.scanned_through, `+maxActive+`,
			COALESCE((SELECT MIN(j.name) FROM jobs j WHERE j.log_id = l.id), ''),
			COALESCE((SELECT `+s.Dialect.GroupConcatIDs+` FROM patterns p WHERE `+applicable+`), '')
		FROM logs l
		WHERE l.scanned_through < `+maxActive+` AND l.expired_at IS NULL AND l.id + 0 > ?
		ORDER BY l.id + 0 LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("pending scans after log %d: %w", after, err)
	}
	defer rows.Close()
	var out []store.PendingScan
	for rows.Next() {
		var p store.PendingScan
		var ids string
		if err := rows.Scan(&p.LogID, &p.StorageKey, &p.RawSize, &p.From, &p.To, &p.JobName, &ids); err != nil {
			return nil, fmt.Errorf("pending scans: %w", err)
		}
		for _, f := range strings.Split(ids, ",") {
			if f == "" {
				continue
			}
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("pending scans: log %d: pattern id %q: %w", p.LogID, f, err)
			}
			p.PatternIDs = append(p.PatternIDs, id)
		}
		slices.Sort(p.PatternIDs)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending scans: %w", err)
	}
	return out, nil
}

// matchBatch is how many matches go into one INSERT statement.
const matchBatch = 100

// RecordScan implements store.Store. The watermark update comes first: it locks the log's row,
// so two scanners racing on one log serialise and the loser writes nothing.
func (s *Store) RecordScan(ctx context.Context, p store.PendingScan, ms []patterns.Match) (bool, error) {
	recorded := false
	var fkBatch []patterns.Match
	err := s.inTx(ctx, func(tx q) error {
		n, err := tx.exec(ctx, `UPDATE logs SET scanned_through = ? WHERE id = ? AND scanned_through = ?`, p.To, p.LogID, p.From)
		if err != nil {
			return fmt.Errorf("advance watermark of log %d to %d: %w", p.LogID, p.To, err)
		}
		if n == 0 {
			return nil
		}
		t := now()
		for start := 0; start < len(ms); start += matchBatch {
			batch := ms[start:min(start+matchBatch, len(ms))]
			var sb strings.Builder
			sb.WriteString(`INSERT INTO matches (pattern_id, log_id, line, start_col, end_col, captures, line_text, truncated, created_at) VALUES `)
			args := make([]any, 0, len(batch)*9)
			for i, m := range batch {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
				caps := make([]string, len(m.Captures))
				for j, c := range m.Captures {
					caps[j] = store.CleanText(c)
				}
				capJSON, _ := json.Marshal(caps) // []string always marshals
				args = append(args, m.PatternID, p.LogID, m.Line, m.Start, m.End, string(capJSON), store.CleanText(m.Text), m.Truncated, t)
			}
			sb.WriteString(` ON CONFLICT (log_id, pattern_id, line, start_col) DO NOTHING`)
			if _, err := tx.exec(ctx, sb.String(), args...); err != nil {
				if s.Dialect.IsForeignKeyViolation(err) {
					fkBatch = batch
				}
				return fmt.Errorf("store %d matches of log %d: %w", len(batch), p.LogID, err)
			}
		}
		if len(ms) > 0 {
			if err := staleVerdictsOfLog(ctx, tx, p.LogID); err != nil {
				return err
			}
		}
		recorded = true
		return nil
	})
	if fkBatch != nil {
		// Looked up after the rollback: the failed transaction may hold the only connection.
		return false, s.unknownPattern(ctx, p.LogID, fkBatch, err)
	}
	return recorded, err
}

// unknownPattern names the pattern ids of a failed batch that do not exist.
func (s *Store) unknownPattern(ctx context.Context, logID int64, batch []patterns.Match, cause error) error {
	var missing []string
	seen := map[int64]bool{}
	for _, m := range batch {
		if seen[m.PatternID] {
			continue
		}
		seen[m.PatternID] = true
		var one int
		err := s.read().row(ctx, `SELECT 1 FROM patterns WHERE id = ?`, m.PatternID).Scan(&one)
		if s.isNoRows(err) {
			missing = append(missing, strconv.FormatInt(m.PatternID, 10))
		}
	}
	if len(missing) == 0 {
		return fmt.Errorf("store matches of log %d: %w (log %d missing?): %w", logID, store.ErrUnknownLog, logID, cause)
	}
	return fmt.Errorf("store matches of log %d: %w %s: %w", logID, store.ErrUnknownPattern, strings.Join(missing, ", "), cause)
}

const matchCols = `m.id, m.log_id, m.pattern_id, p.name, p.tags, p.priority, m.line, m.start_col, m.end_col,
	m.captures, m.line_text, m.truncated, m.created_at`

// Matches implements store.Store.
func (s *Store) Matches(ctx context.Context, f store.MatchFilter) ([]store.Match, error) {
	sql := `SELECT ` + matchCols + ` FROM matches m JOIN patterns p ON p.id = m.pattern_id WHERE 1 = 1`
	var args []any
	if f.PatternID != 0 {
		sql += ` AND m.pattern_id = ?`
		args = append(args, f.PatternID)
	}
	if f.LogID != 0 {
		sql += ` AND m.log_id = ?`
		args = append(args, f.LogID)
	}
	if f.ForRepo != 0 {
		sql += ` AND ` + store.PatternAppliesSQL("p", "?")
		args = append(args, f.ForRepo, f.ForRepo)
	}
	if f.Active {
		sql += ` AND p.retired_at IS NULL`
	}
	sql += ` ORDER BY m.created_at DESC, m.id DESC`
	if f.Limit > 0 {
		sql += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := s.read().query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list matches: %w", err)
	}
	defer rows.Close()
	var out []store.Match
	for rows.Next() {
		var m store.Match
		var tags, caps string
		if err := rows.Scan(&m.ID, &m.LogID, &m.PatternID, &m.Pattern, &tags, &m.Priority, &m.Line, &m.Start,
			&m.End, &caps, &m.Text, &m.Truncated, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("list matches: %w", err)
		}
		if err := json.Unmarshal([]byte(tags), &m.Tags); err != nil {
			return nil, fmt.Errorf("match %d: tags of pattern %d: %w", m.ID, m.PatternID, err)
		}
		if err := json.Unmarshal([]byte(caps), &m.Captures); err != nil {
			return nil, fmt.Errorf("match %d: captures: %w", m.ID, err)
		}
		if len(m.Captures) == 0 {
			m.Captures = nil
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list matches: %w", err)
	}
	return out, nil
}

// unscannedLogs counts the unexpired logs some applicable pattern has not scanned. The first
// condition is implied by applicable (a pattern newer than the log's watermark exists); it lets
// the index on logs.scanned_through skip every fully scanned log.
var unscannedLogs = `SELECT COUNT(*) FROM logs l WHERE l.expired_at IS NULL AND l.scanned_through < ` + maxActive + `
	AND EXISTS (SELECT 1 FROM patterns p WHERE ` + applicable + `)`

// Stats implements store.Store.
func (s *Store) Stats(ctx context.Context) (store.Stats, error) {
	var st store.Stats
	err := s.read().row(ctx, `SELECT
			(SELECT COUNT(*) FROM jobs),
			(SELECT COUNT(*) FROM logs),
			(SELECT COUNT(*) FROM patterns WHERE retired_at IS NULL),
			(SELECT COUNT(*) FROM matches),
			(SELECT COUNT(*) FROM logs l JOIN patterns p ON `+applicable+` WHERE l.expired_at IS NULL),
			(`+unscannedLogs+`)`).
		Scan(&st.Jobs, &st.Logs, &st.Patterns, &st.Matches, &st.UnscannedPairs, &st.UnscannedLogs)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}

// ScanBacklog implements store.Store.
func (s *Store) ScanBacklog(ctx context.Context) (store.ScanBacklog, error) {
	var b store.ScanBacklog
	if err := s.read().row(ctx, `SELECT (SELECT COUNT(*) FROM logs), (`+unscannedLogs+`)`).Scan(&b.Logs, &b.UnscannedLogs); err != nil {
		return b, fmt.Errorf("scan backlog: %w", err)
	}
	return b, nil
}
