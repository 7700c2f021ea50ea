package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/totto-ci/totto/store"
)

// BranchGrid implements store.Insights. Commits are ordered by the latest completion of their jobs on
// the branch, read backwards from the (repo_id, branch, completed_at) index until enough distinct
// commits are seen, so the cost follows the grid's size, not the branch's history.
func (s *Store) BranchGrid(ctx context.Context, repoID int64, branch string, commits int, since time.Time) (store.BranchGrid, error) {
	if commits <= 0 {
		commits = 50
	}
	grid, index, err := s.lastCommits(ctx, repoID, branch, commits, since)
	if err != nil {
		return store.BranchGrid{}, fmt.Errorf("branch grid of %q in repository %d: %w", branch, repoID, err)
	}
	if len(grid.Commits) == 0 {
		return grid, nil
	}
	args := []any{repoID, branch}
	for _, c := range grid.Commits {
		args = append(args, c.SHA)
	}
	rows, err := s.screenRead().query(ctx, `SELECT id, sha, name, attempt, conclusion FROM jobs
		WHERE repo_id = ? AND branch = ? AND sha IN (`+placeholders(len(grid.Commits))+`)`, args...)
	if err != nil {
		return store.BranchGrid{}, fmt.Errorf("branch grid jobs of %q in repository %d: %w", branch, repoID, err)
	}
	defer rows.Close()
	names := map[string]bool{}
	for rows.Next() {
		var id int64
		var sha, name, concl string
		var attempt int
		if err := rows.Scan(&id, &sha, &name, &attempt, &concl); err != nil {
			return store.BranchGrid{}, fmt.Errorf("branch grid jobs of %q in repository %d: %w", branch, repoID, err)
		}
		cells := grid.Commits[index[sha]].Cells
		cell, ok := cells[name]
		if !ok || attempt > cell.Attempts || (attempt == cell.Attempts && id > cell.JobID) {
			cells[name] = store.GridCell{JobID: id, Conclusion: concl, Attempts: max(attempt, cell.Attempts)}
		}
		names[name] = true
	}
	if err := rows.Err(); err != nil {
		return store.BranchGrid{}, fmt.Errorf("branch grid jobs of %q in repository %d: %w", branch, repoID, err)
	}
	for n := range names {
		grid.Jobs = append(grid.Jobs, n)
	}
	slices.Sort(grid.Jobs)
	return grid, nil
}

// lastCommits reads a branch's jobs newest first in small batches (drivers like pgx drain an
// abandoned result set, so one large LIMIT would cost its full size) until it has seen n commits.
// A batch restarts at the previous batch's oldest time with <=, so ties across a batch boundary
// are re-read rather than skipped; re-read commits are already known.
func (s *Store) lastCommits(ctx context.Context, repoID int64, branch string, n int, since time.Time) (store.BranchGrid, map[string]int, error) {
	var grid store.BranchGrid
	index := map[string]int{}
	batch := max(4*n, 100)
	var until *time.Time
	strict := false
	for len(grid.Commits) < n {
		// A bound on completed_at implies it is set; saying so as well made SQLite skip-scan the
		// index and sort every job of the branch since then (hundreds of milliseconds).
		sql := `SELECT sha, completed_at FROM jobs WHERE repo_id = ? AND branch = ?`
		args := []any{repoID, branch}
		if !since.IsZero() {
			sql += ` AND completed_at >= ?`
			args = append(args, since.UTC())
		} else if until == nil {
			sql += ` AND completed_at IS NOT NULL`
		}
		if until != nil {
			op := " <= ?"
			if strict {
				op = " < ?"
			}
			sql += ` AND completed_at` + op
			args = append(args, *until)
		}
		rows, err := s.screenRead().query(ctx, sql+` ORDER BY completed_at DESC LIMIT `+strconv.Itoa(batch), args...)
		if err != nil {
			return grid, nil, err
		}
		read := 0
		var oldest time.Time
		for rows.Next() && len(grid.Commits) < n {
			var sha string
			if err := rows.Scan(&sha, &oldest); err != nil {
				rows.Close()
				return grid, nil, err
			}
			read++
			if _, seen := index[sha]; !seen {
				index[sha] = len(grid.Commits)
				grid.Commits = append(grid.Commits, store.GridCommit{SHA: sha, At: oldest.UTC(), Cells: map[string]store.GridCell{}})
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return grid, nil, err
		}
		if read < batch {
			break // the branch has no older jobs
		}
		// A batch that ends where it began is all one instant: step past it.
		strict = until != nil && oldest.Equal(*until)
		until = &oldest
	}
	return grid, index, nil
}

// AnnotationsCovering implements store.Insights.
func (s *Store) AnnotationsCovering(ctx context.Context, repoID int64, jobName, sha string) ([]store.Annotation, error) {
	rows, err := s.screenRead().query(ctx, `SELECT id, repo_id, job_glob, from_sha, to_sha, reason, created_by,
		created_at, closed_by, closed_at FROM annotations WHERE repo_id = ? ORDER BY id`, repoID)
	if err != nil {
		return nil, fmt.Errorf("annotations covering %s in repository %d: %w", sha, repoID, err)
	}
	var candidates []store.Annotation
	for rows.Next() {
		var a store.Annotation
		if err := rows.Scan(&a.ID, &a.RepoID, &a.JobGlob, &a.FromSHA, &a.ToSHA, &a.Reason, &a.CreatedBy,
			&a.CreatedAt, &a.ClosedBy, &a.ClosedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("annotations covering %s in repository %d: %w", sha, repoID, err)
		}
		if store.AnnotationGlobMatch(a.JobGlob, jobName) {
			a.CreatedAt, a.ClosedAt = a.CreatedAt.UTC(), utcPtr(a.ClosedAt)
			candidates = append(candidates, a)
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("annotations covering %s in repository %d: %w", sha, repoID, err)
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	shas := map[string]bool{sha: true}
	for _, a := range candidates {
		shas[a.FromSHA] = true
		if a.ToSHA != nil {
			shas[*a.ToSHA] = true
		}
	}
	seen, err := s.firstSeen(ctx, repoID, shas)
	if err != nil {
		return nil, fmt.Errorf("annotations covering %s in repository %d: %w", sha, repoID, err)
	}
	var out []store.Annotation
	for _, a := range candidates {
		if covers(a, sha, seen) {
			out = append(out, a)
		}
	}
	return out, nil
}

// covers applies the commit order documented on store.Insights.AnnotationsCovering.
func covers(a store.Annotation, sha string, seen map[string]time.Time) bool {
	if a.ToSHA != nil && *a.ToSHA == sha {
		return false
	}
	if a.FromSHA == sha {
		return true
	}
	at, ok := seen[sha]
	if !ok {
		return false
	}
	from, ok := seen[a.FromSHA]
	if !ok {
		from = a.CreatedAt
	}
	if at.Before(from) {
		return false
	}
	if a.ToSHA == nil {
		return true
	}
	to, ok := seen[*a.ToSHA]
	if !ok {
		// The fix was never built here; fall back to when the annotation was closed.
		if a.ClosedAt == nil {
			return true
		}
		to = *a.ClosedAt
	}
	return at.Before(to)
}

// firstSeen returns, per commit with jobs in the repository, the earliest time CI touched it.
func (s *Store) firstSeen(ctx context.Context, repoID int64, shas map[string]bool) (map[string]time.Time, error) {
	args := []any{repoID}
	for s := range shas {
		args = append(args, s)
	}
	rows, err := s.screenRead().query(ctx, `SELECT sha, started_at, completed_at, created_at FROM jobs
		WHERE repo_id = ? AND sha IN (`+placeholders(len(shas))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]time.Time{}
	for rows.Next() {
		var s string
		var started, completed *time.Time
		var created time.Time
		if err := rows.Scan(&s, &started, &completed, &created); err != nil {
			return nil, err
		}
		t := created
		switch {
		case started != nil:
			t = *started
		case completed != nil:
			t = *completed
		}
		if old, ok := seen[s]; !ok || t.Before(old) {
			seen[s] = t.UTC()
		}
	}
	return seen, rows.Err()
}
