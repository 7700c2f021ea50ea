package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/store"
)

// UnexplainedFailures implements store.VerdictKeeper. Keyset paging on the job id keeps deep
// pages as fast as the first; the cause line comes from log_cause_lines, so no log is read.
func (s *Store) UnexplainedFailures(ctx context.Context, f store.UnexplainedFilter, page store.Page) ([]store.UnexplainedJob, store.Cursor, error) {
	after, err := afterID(page.After)
	if err != nil {
		return nil, "", fmt.Errorf("unexplained failures: %w", err)
	}
	limit := pageLimit(page)
	cond, args := f.Audience.SQL("j.repo_id")
	sql := `SELECT ` + aliasedJobCols + `, c.line FROM jobs j LEFT JOIN log_cause_lines c ON c.log_id = j.log_id
		WHERE j.conclusion = 'failure' AND j.log_state = 'stored' AND NOT ` + explainedJob + ` AND ` + cond
	if f.RepoID != 0 {
		sql += ` AND j.repo_id = ?`
		args = append(args, f.RepoID)
	}
	if after != 0 {
		sql += ` AND j.id < ?`
		args = append(args, after)
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		like := "%" + likeEscaper.Replace(strings.ToLower(q)) + "%"
		sql += ` AND (lower(coalesce(c.line, '')) LIKE ? ESCAPE '\' OR lower(j.name) LIKE ? ESCAPE '\')`
		args = append(args, like, like)
	}
	sql += ` ORDER BY j.id DESC LIMIT ` + strconv.Itoa(limit+1)
	rows, err := s.screenRead().query(ctx, sql, args...)
	if err != nil {
		return nil, "", fmt.Errorf("unexplained failures: %w", err)
	}
	defer rows.Close()
	var out []store.UnexplainedJob
	for rows.Next() {
		var u store.UnexplainedJob
		var line *string
		if err := scanJobInto(rows, &u.Job, &line); err != nil {
			return nil, "", fmt.Errorf("unexplained failures: %w", err)
		}
		if line != nil {
			u.CauseLine, u.HasCauseLine = *line, true
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("unexplained failures: %w", err)
	}
	var next store.Cursor
	if len(out) > limit {
		out = out[:limit]
		next = cursorAt(out[limit-1].ID)
	}
	return out, next, nil
}

// likeEscaper escapes LIKE's wildcards (and its escape character) in a searched text.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
