package sqlstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/totto-ci/totto/store"
)

// The insights queries are the web UI's charts and tables (store.Insights): read-only, shaped by
// screens, held to a latency budget (benchmarked at a million matches). pattern_hits is kept by
// triggers in the backends' migrations.

var _ store.Insights = (*Store)(nil)

const (
	defaultPageLimit = 50
	maxPageLimit     = 500
	daySeconds       = 86400
	weekSeconds      = 7 * daySeconds
	// mondayOffset shifts the epoch (a Thursday) to a Monday so weeks start on Monday.
	mondayOffset = 4 * daySeconds
)

func pageLimit(p store.Page) int {
	switch {
	case p.Limit <= 0:
		return defaultPageLimit
	case p.Limit > maxPageLimit:
		return maxPageLimit
	}
	return p.Limit
}

// afterID decodes a cursor: the last id of the previous page (0: first page).
func afterID(c store.Cursor) (int64, error) {
	if c == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(string(c), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("page cursor %q: %w", string(c), store.ErrBadCursor)
	}
	return id, nil
}

func cursorAt(id int64) store.Cursor { return store.Cursor(strconv.FormatInt(id, 10)) }

// Page limits are written into the SQL (they are validated integers) rather than bound, so a
// planner never has to guess how many rows a page takes.

// PatternFrequency implements store.Insights.
func (s *Store) PatternFrequency(ctx context.Context, f store.FrequencyFilter) ([]store.FrequencyBucket, error) {
	if f.From.IsZero() || f.To.IsZero() || !f.From.Before(f.To) {
		return nil, fmt.Errorf("pattern frequency: time range [%s, %s) is empty or unset", f.From, f.To)
	}
	bucket := fmt.Sprintf(`h.at - (h.at %% %d)`, daySeconds)
	switch f.Interval {
	case store.Day, "":
	case store.Week:
		bucket = fmt.Sprintf(`h.at - ((h.at - %d) %% %d)`, mondayOffset, weekSeconds)
	default:
		return nil, fmt.Errorf("pattern frequency: interval %q: want day or week", f.Interval)
	}
	aud, args := f.Audience.SQL("h.repo_id")
	sql := `SELECT h.pattern_id, ` + bucket + ` AS b, count(*), sum(h.matches) FROM pattern_hits h
		WHERE ` + aud + ` AND h.at >= ? AND h.at < ?`
	args = append(args, f.From.Unix(), f.To.Unix())
	if len(f.PatternIDs) > 0 {
		sql += ` AND h.pattern_id IN (` + placeholders(len(f.PatternIDs)) + `)`
		for _, id := range f.PatternIDs {
			args = append(args, id)
		}
	}
	if f.RepoID != 0 {
		sql += ` AND h.repo_id = ?`
		args = append(args, f.RepoID)
	}
	if f.JobName != "" {
		sql += ` AND h.job_name = ?`
		args = append(args, f.JobName)
	}
	if f.Tag != "" {
		sql += ` AND h.pattern_id IN (SELECT pattern_id FROM pattern_tags WHERE tag = ?)`
		args = append(args, f.Tag)
	}
	// Ordered here rather than in SQL: the result is small (patterns × buckets), and without
	// ORDER BY Postgres aggregates with a hash instead of sorting every hit first.
	sql += ` GROUP BY h.pattern_id, b`
	rows, err := s.screenRead().query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("pattern frequency: %w", err)
	}
	defer rows.Close()
	var out []store.FrequencyBucket
	for rows.Next() {
		var b store.FrequencyBucket
		var start int64
		if err := rows.Scan(&b.PatternID, &start, &b.Jobs, &b.Matches); err != nil {
			return nil, fmt.Errorf("pattern frequency: %w", err)
		}
		b.Start = time.Unix(start, 0).UTC()
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pattern frequency: %w", err)
	}
	slices.SortFunc(out, func(a, b store.FrequencyBucket) int {
		return cmp.Or(cmp.Compare(a.PatternID, b.PatternID), a.Start.Compare(b.Start))
	})
	return out, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// PatternMatches implements store.Insights.
func (s *Store) PatternMatches(ctx context.Context, patternID int64, aud store.Audience, page store.Page) ([]store.PatternMatch, store.Cursor, error) {
	after, err := afterID(page.After)
	if err != nil {
		return nil, "", fmt.Errorf("matches of pattern %d: %w", patternID, err)
	}
	limit := pageLimit(page)
	// seen: a job the reader may see and the pattern applies to, for the page's matches (vj) and
	// the jobs listed with them (j).
	seen := func(j string) (string, []any) {
		cond, args := aud.SQL(j + ".repo_id")
		return cond + ` AND ` + store.PatternAppliesSQL("sp", j+".repo_id"), args
	}
	innerSeen, args := seen("vj")
	args = append([]any{patternID}, args...)
	before := ""
	if after != 0 {
		// A separate condition rather than "? = 0 OR id < ?", which would hide the range from
		// the index.
		before = ` AND mm.id < ?`
		args = append(args, after)
	}
	outerSeen, outerArgs := seen("j")
	args = append(args, outerArgs...)
	// The page of matches is chosen first (index matches_pattern_id), then joined to its jobs, so
	// a match shared by several jobs never straddles two pages.
	sql := `SELECT m.id, m.log_id, m.pattern_id, p.name, p.tags, p.priority, m.line, m.start_col, m.end_col,
			m.captures, m.line_text, m.truncated, m.created_at,
			j.id, j.repo_id, r.full_name, j.name, j.sha, j.branch, j.conclusion, j.url, j.completed_at
		FROM (SELECT mm.* FROM matches mm JOIN patterns sp ON sp.id = mm.pattern_id WHERE mm.pattern_id = ?
				AND EXISTS (SELECT 1 FROM jobs vj WHERE vj.log_id = mm.log_id AND ` + innerSeen + `)` + before + `
				ORDER BY mm.id DESC LIMIT ` + strconv.Itoa(limit+1) + `) m
		JOIN patterns p ON p.id = m.pattern_id
		JOIN patterns sp ON sp.id = m.pattern_id
		JOIN jobs j ON j.log_id = m.log_id AND ` + outerSeen + `
		LEFT JOIN repositories r ON r.id = j.repo_id
		ORDER BY m.id DESC, j.id DESC`
	rows, err := s.screenRead().query(ctx, sql, args...)
	if err != nil {
		return nil, "", fmt.Errorf("matches of pattern %d: %w", patternID, err)
	}
	defer rows.Close()
	var out []store.PatternMatch
	for rows.Next() {
		var m store.Match
		var tags, caps string
		var jobID, repoID *int64
		var repo, name, sha, branch, concl, url *string
		var completed *time.Time
		if err := rows.Scan(&m.ID, &m.LogID, &m.PatternID, &m.Pattern, &tags, &m.Priority, &m.Line, &m.Start,
			&m.End, &caps, &m.Text, &m.Truncated, &m.CreatedAt,
			&jobID, &repoID, &repo, &name, &sha, &branch, &concl, &url, &completed); err != nil {
			return nil, "", fmt.Errorf("matches of pattern %d: %w", patternID, err)
		}
		if len(out) == 0 || out[len(out)-1].ID != m.ID {
			if err := json.Unmarshal([]byte(tags), &m.Tags); err != nil {
				return nil, "", fmt.Errorf("match %d: tags of pattern %d: %w", m.ID, m.PatternID, err)
			}
			if err := json.Unmarshal([]byte(caps), &m.Captures); err != nil {
				return nil, "", fmt.Errorf("match %d: captures: %w", m.ID, err)
			}
			if len(m.Captures) == 0 {
				m.Captures = nil
			}
			out = append(out, store.PatternMatch{Match: m})
		}
		if jobID != nil {
			last := &out[len(out)-1]
			last.Jobs = append(last.Jobs, store.MatchJob{JobID: *jobID, RepoID: *repoID, Repo: deref(repo), Name: deref(name),
				SHA: deref(sha), Branch: deref(branch), Conclusion: deref(concl), URL: deref(url), CompletedAt: utcPtr(completed)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("matches of pattern %d: %w", patternID, err)
	}
	var next store.Cursor
	if len(out) > limit {
		out = out[:limit]
		next = cursorAt(out[limit-1].ID)
	}
	return out, next, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// aliasedJobCols are jobCols with the table alias j.
const aliasedJobCols = `j.id, j.provider, j.external_id, j.attempt, j.repo_id, j.sha, j.branch, j.name, j.step, j.conclusion,
	j.started_at, j.completed_at, j.url, j.log_id, j.log_state, j.log_reason, j.created_at, j.updated_at, j.tests_recorded`

// UnmatchedFailures implements store.Insights. Only failures whose log is stored count: a job whose log
// could not be fetched is a no-log verdict, not an unexplained failure. Newest is highest id.
func (s *Store) UnmatchedFailures(ctx context.Context, repoID int64, page store.Page) ([]store.Job, store.Cursor, error) {
	after, err := afterID(page.After)
	if err != nil {
		return nil, "", fmt.Errorf("unmatched failures: %w", err)
	}
	limit := pageLimit(page)
	sql := `SELECT ` + aliasedJobCols + ` FROM jobs j
		WHERE j.conclusion = 'failure' AND j.log_state = 'stored'`
	var args []any
	if repoID != 0 {
		sql += ` AND j.repo_id = ?`
		args = append(args, repoID)
	}
	if after != 0 {
		sql += ` AND j.id < ?`
		args = append(args, after)
	}
	sql += ` AND NOT EXISTS (SELECT 1 FROM matches m JOIN patterns p ON p.id = m.pattern_id
			WHERE m.log_id = j.log_id AND ` + store.PatternAppliesSQL("p", "j.repo_id") + `)
		ORDER BY j.id DESC LIMIT ` + strconv.Itoa(limit+1)
	rows, err := s.screenRead().query(ctx, sql, args...)
	if err != nil {
		return nil, "", fmt.Errorf("unmatched failures of repository %d: %w", repoID, err)
	}
	defer rows.Close()
	var out []store.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, "", fmt.Errorf("unmatched failures of repository %d: %w", repoID, err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("unmatched failures of repository %d: %w", repoID, err)
	}
	var next store.Cursor
	if len(out) > limit {
		out = out[:limit]
		next = cursorAt(out[limit-1].ID)
	}
	return out, next, nil
}
