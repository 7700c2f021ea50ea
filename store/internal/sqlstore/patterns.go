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

const patternCols = `id, name, kind, expression, description, tags, jobs, steps, priority, last_lines, source,
	repo_id, author, created_at, updated_at, retired_at, retired_by, replaced_by, scope, owner, then_expr, retire_reason`

func scanPattern(r Row) (store.Pattern, error) {
	var p store.Pattern
	var kind, tags, jobs, steps, scope, then string
	err := r.Scan(&p.ID, &p.Name, &kind, &p.Expr, &p.Description, &tags, &jobs, &steps, &p.Priority,
		&p.LastLines, &p.Source, &p.RepoID, &p.Author, &p.CreatedAt, &p.UpdatedAt, &p.RetiredAt,
		&p.RetiredBy, &p.ReplacedBy, &scope, &p.Owner, &then, &p.RetireReason)
	if err != nil {
		return p, err
	}
	if then != "" {
		p.Then = &patterns.Then{}
		if err := json.Unmarshal([]byte(then), p.Then); err != nil {
			return p, fmt.Errorf("pattern %d: column then_expr: %w", p.ID, err)
		}
	}
	p.Kind, p.Scope = patterns.Kind(kind), store.PatternScope(scope)
	for _, f := range []struct {
		col string
		raw string
		dst *[]string
	}{{"tags", tags, &p.Tags}, {"jobs", jobs, &p.Jobs}, {"steps", steps, &p.Steps}} {
		if err := json.Unmarshal([]byte(f.raw), f.dst); err != nil {
			return p, fmt.Errorf("pattern %d: column %s: %w", p.ID, f.col, err)
		}
	}
	return p, nil
}

func jsonList(xs []string) string {
	if xs == nil {
		xs = []string{}
	}
	b, _ := json.Marshal(xs) // a []string always marshals
	return string(b)
}

// scanAffecting reports whether two versions of a pattern would find different matches, which
// needs a new id (and so a rescan) rather than an in-place update.
func scanAffecting(a, b *store.Pattern) bool {
	return a.Kind != b.Kind || a.Expr != b.Expr || a.LastLines != b.LastLines ||
		!slices.Equal(a.Jobs, b.Jobs) || !slices.Equal(a.Steps, b.Steps) || !eqPtr(a.RepoID, b.RepoID) ||
		thenJSON(a.Then) != thenJSON(b.Then)
}

// thenJSON is a multi-line pattern's second expression as stored ("" for a single-line one).
func thenJSON(t *patterns.Then) string {
	if t == nil {
		return ""
	}
	b, _ := json.Marshal(t) // a Then always marshals
	return string(b)
}

func eqPtr(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func sameMetadata(a, b *store.Pattern) bool {
	return a.Description == b.Description && a.Priority == b.Priority && slices.Equal(a.Tags, b.Tags) && a.Author == b.Author
}

// AddPatterns implements store.Store. A pattern is identified by (source, name), and a source
// belongs to one tenant: merging a pattern whose scope differs from the active one of the same
// (source, name) is refused, so no caller can replace another tenant's pattern. A (source, name)
// the operator retired outright stays retired (PatternKeptRetired). A pattern whose
// matching behaviour is unchanged keeps its id (metadata such as tags, description and priority
// is updated in place); one whose expression, kind, job or step scope, last-lines window or
// repository scope changed is retired and replaced by a new pattern with a new id, so stored
// matches and scan watermarks stay truthful.
func (s *Store) AddPatterns(ctx context.Context, ps []store.Pattern, actor string) ([]store.PatternChange, error) {
	for i := range ps {
		p := &ps[i]
		if p.Name == "" || p.Expr == "" || (p.Kind != patterns.Regex && p.Kind != patterns.Literal) {
			return nil, fmt.Errorf("add pattern #%d %q: name, expression and kind regex|literal are required", i+1, p.Name)
		}
		if err := p.NormaliseScope(); err != nil {
			return nil, fmt.Errorf("add pattern #%d: %w", i+1, err)
		}
	}
	var out []store.PatternChange
	err := s.inTx(ctx, func(tx q) error {
		out = out[:0]
		if s.Dialect.LockPatterns != "" {
			if _, err := tx.exec(ctx, s.Dialect.LockPatterns); err != nil {
				return fmt.Errorf("lock patterns: %w", err)
			}
		}
		for i := range ps {
			c, err := s.addPattern(ctx, tx, &ps[i], actor)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) addPattern(ctx context.Context, tx q, p *store.Pattern, actor string) (store.PatternChange, error) {
	c := store.PatternChange{Name: p.Name}
	if p.Scope == store.ScopeRepository {
		if err := tx.row(ctx, `SELECT owner FROM repositories WHERE id = ?`, *p.RepoID).Scan(&p.Owner); err != nil {
			return c, s.notFound(err, fmt.Sprintf("add pattern %q: repository %d", p.Name, *p.RepoID))
		}
	}
	old, err := scanPattern(tx.row(ctx, `SELECT `+patternCols+` FROM patterns
		WHERE source = ? AND name = ? AND retired_at IS NULL`, p.Source, p.Name))
	if err == nil && !store.SameScope(&old, p) {
		return c, fmt.Errorf("add pattern %q from %q: pattern %d of that name belongs to another scope (%s %s)",
			p.Name, p.Source, old.ID, old.Scope, old.Owner)
	}
	switch {
	case s.isNoRows(err):
		var kept int64
		err := tx.row(ctx, `SELECT id FROM patterns WHERE source = ? AND name = ? AND replaced_by IS NULL
			AND retired_by LIKE '`+store.OperatorActorPrefix+`%' AND id = (SELECT MAX(id) FROM patterns WHERE source = ? AND name = ?)`,
			p.Source, p.Name, p.Source, p.Name).Scan(&kept)
		if err == nil {
			c.Action, c.ID = store.PatternKeptRetired, kept
			return c, nil
		} else if !s.isNoRows(err) {
			return c, fmt.Errorf("add pattern %q from %q: retired by the operator?: %w", p.Name, p.Source, err)
		}
		id, err := s.insertPattern(ctx, tx, p, actor)
		if err != nil {
			return c, err
		}
		c.Action, c.ID = store.PatternCreated, id
		return c, audit(ctx, tx, actor, "pattern.create", id, p.Source)
	case err != nil:
		return c, fmt.Errorf("add pattern %q from %q: look up: %w", p.Name, p.Source, err)
	}
	if p.Author == "" {
		p.Author = old.Author
	}
	if !scanAffecting(&old, p) {
		c.ID = old.ID
		if sameMetadata(&old, p) {
			c.Action = store.PatternUnchanged
			return c, nil
		}
		c.Action = store.PatternUpdated
		if _, err := tx.exec(ctx, `UPDATE patterns SET description = ?, tags = ?, priority = ?, author = ?, updated_at = ?
			WHERE id = ?`, p.Description, jsonList(p.Tags), p.Priority, p.Author, now(), old.ID); err != nil {
			return c, fmt.Errorf("update pattern %d %q: %w", old.ID, p.Name, err)
		}
		if err := writeTags(ctx, tx, old.ID, p.Tags); err != nil {
			return c, err
		}
		return c, audit(ctx, tx, actor, "pattern.update", old.ID, p.Source)
	}
	// Retire first: at most one active pattern per (source, name).
	t := now()
	if _, err := tx.exec(ctx, `UPDATE patterns SET retired_at = ?, retired_by = ?, updated_at = ? WHERE id = ?`,
		t, actor, t, old.ID); err != nil {
		return c, fmt.Errorf("retire pattern %d %q: %w", old.ID, p.Name, err)
	}
	id, err := s.insertPattern(ctx, tx, p, actor)
	if err != nil {
		return c, err
	}
	if _, err := tx.exec(ctx, `UPDATE patterns SET replaced_by = ? WHERE id = ?`, id, old.ID); err != nil {
		return c, fmt.Errorf("link pattern %d to its replacement %d: %w", old.ID, id, err)
	}
	c.Action, c.ID, c.OldID = store.PatternReplaced, id, old.ID
	if err := audit(ctx, tx, actor, "pattern.retire", old.ID, "replaced by "+strconv.FormatInt(id, 10)); err != nil {
		return c, err
	}
	return c, audit(ctx, tx, actor, "pattern.create", id, "replaces "+strconv.FormatInt(old.ID, 10))
}

func (s *Store) insertPattern(ctx context.Context, tx q, p *store.Pattern, actor string) (int64, error) {
	author := p.Author
	if author == "" {
		author = actor
	}
	t := now()
	var id int64
	err := tx.row(ctx, `INSERT INTO patterns (name, kind, expression, description, tags, jobs, steps, priority,
			last_lines, source, repo_id, author, created_at, updated_at, scope, owner, then_expr)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Name, string(p.Kind), p.Expr, p.Description, jsonList(p.Tags), jsonList(p.Jobs), jsonList(p.Steps),
		p.Priority, p.LastLines, p.Source, p.RepoID, author, t, t, string(p.Scope), p.Owner, thenJSON(p.Then)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert pattern %q from %q: %w", p.Name, p.Source, err)
	}
	return id, writeTags(ctx, tx, id, p.Tags)
}

func writeTags(ctx context.Context, tx q, id int64, tags []string) error {
	if _, err := tx.exec(ctx, `DELETE FROM pattern_tags WHERE pattern_id = ?`, id); err != nil {
		return fmt.Errorf("tags of pattern %d: %w", id, err)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if seen[t] {
			continue
		}
		seen[t] = true
		if _, err := tx.exec(ctx, `INSERT INTO pattern_tags (pattern_id, tag) VALUES (?, ?)`, id, t); err != nil {
			return fmt.Errorf("tag %q of pattern %d: %w", t, id, err)
		}
	}
	return nil
}

func audit(ctx context.Context, tx q, actor, action string, id int64, detail string) error {
	subject := strings.SplitN(action, ".", 2)[0] + ":" + strconv.FormatInt(id, 10)
	if _, err := tx.exec(ctx, `INSERT INTO audit_events (actor, action, subject, detail, at) VALUES (?, ?, ?, ?, ?)`,
		actor, action, subject, detail, now()); err != nil {
		return fmt.Errorf("audit %s %s: %w", action, subject, err)
	}
	return nil
}

// RetirePattern implements store.Store.
func (s *Store) RetirePattern(ctx context.Context, id int64, actor string) error {
	return s.RetirePatternWithReason(ctx, id, actor, "")
}

// RetirePatternWithReason implements store.Store.
func (s *Store) RetirePatternWithReason(ctx context.Context, id int64, actor, reason string) error {
	return s.inTx(ctx, func(tx q) error {
		t := now()
		n, err := tx.exec(ctx, `UPDATE patterns SET retired_at = ?, retired_by = ?, retire_reason = ?, updated_at = ?
			WHERE id = ? AND retired_at IS NULL`, t, actor, reason, t, id)
		if err != nil {
			return fmt.Errorf("retire pattern %d: %w", id, err)
		}
		if n == 0 {
			return fmt.Errorf("retire pattern %d (unknown or already retired): %w", id, store.ErrNotFound)
		}
		return audit(ctx, tx, actor, "pattern.retire", id, reason)
	})
}

// Patterns implements store.Store.
func (s *Store) Patterns(ctx context.Context, f store.PatternFilter) ([]store.Pattern, error) {
	sql := `SELECT ` + patternCols + ` FROM patterns WHERE 1 = 1`
	var args []any
	if !f.IncludeRetired {
		sql += ` AND retired_at IS NULL`
	}
	if f.Source != "" {
		sql += ` AND source = ?`
		args = append(args, f.Source)
	}
	if f.ForRepo != 0 {
		sql += ` AND ` + store.PatternAppliesSQL("patterns", "?")
		args = append(args, f.ForRepo, f.ForRepo)
	}
	rows, err := s.read().query(ctx, sql+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list patterns: %w", err)
	}
	defer rows.Close()
	var out []store.Pattern
	for rows.Next() {
		p, err := scanPattern(rows)
		if err != nil {
			return nil, fmt.Errorf("list patterns: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list patterns: %w", err)
	}
	return out, nil
}

// Pattern implements store.Store.
func (s *Store) Pattern(ctx context.Context, id int64) (store.Pattern, error) {
	p, err := scanPattern(s.read().row(ctx, `SELECT `+patternCols+` FROM patterns WHERE id = ?`, id))
	return p, s.notFound(err, fmt.Sprintf("pattern %d", id))
}
