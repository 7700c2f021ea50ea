package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/totto-ci/totto/store"
)

const annotationCols = `id, repo_id, job_glob, from_sha, to_sha, reason, created_by, created_at, closed_by, closed_at`

func scanAnnotation(r Row) (store.Annotation, error) {
	var a store.Annotation
	err := r.Scan(&a.ID, &a.RepoID, &a.JobGlob, &a.FromSHA, &a.ToSHA, &a.Reason, &a.CreatedBy, &a.CreatedAt, &a.ClosedBy, &a.ClosedAt)
	return a, err
}

// OpenAnnotation implements store.Store.
func (s *Store) OpenAnnotation(ctx context.Context, a store.Annotation) (store.Annotation, error) {
	if a.JobGlob == "" || a.FromSHA == "" {
		return a, fmt.Errorf("open annotation: job glob and from-commit are required (got %q, %q)", a.JobGlob, a.FromSHA)
	}
	var out store.Annotation
	err := s.inTx(ctx, func(tx q) error {
		var err error
		out, err = scanAnnotation(tx.row(ctx, `INSERT INTO annotations (repo_id, job_glob, from_sha, to_sha, reason, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+annotationCols,
			a.RepoID, a.JobGlob, a.FromSHA, a.ToSHA, a.Reason, a.CreatedBy, now()))
		if err != nil {
			return fmt.Errorf("open annotation on %q in repository %d: %w", a.JobGlob, a.RepoID, err)
		}
		if err := staleVerdictsOfRepo(ctx, tx, a.RepoID); err != nil {
			return err
		}
		return audit(ctx, tx, a.CreatedBy, "annotation.open", out.ID, a.Reason)
	})
	return out, err
}

// CloseAnnotation implements store.Store.
func (s *Store) CloseAnnotation(ctx context.Context, repoID int64, jobGlob, toSHA, actor string) (int, error) {
	closed := 0
	err := s.inTx(ctx, func(tx q) error {
		rows, err := tx.query(ctx, `SELECT id FROM annotations WHERE repo_id = ? AND job_glob = ? AND to_sha IS NULL`, repoID, jobGlob)
		if err != nil {
			return fmt.Errorf("close annotations on %q: %w", jobGlob, err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("close annotations on %q: %w", jobGlob, err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("close annotations on %q: %w", jobGlob, err)
		}
		for _, id := range ids {
			if _, err := tx.exec(ctx, `UPDATE annotations SET to_sha = ?, closed_by = ?, closed_at = ? WHERE id = ?`,
				toSHA, actor, now(), id); err != nil {
				return fmt.Errorf("close annotation %d: %w", id, err)
			}
			if err := audit(ctx, tx, actor, "annotation.close", id, "fixed at "+toSHA); err != nil {
				return err
			}
		}
		closed = len(ids)
		if closed == 0 {
			return nil
		}
		return staleVerdictsOfRepo(ctx, tx, repoID)
	})
	return closed, err
}

// Annotations implements store.Store.
func (s *Store) Annotations(ctx context.Context, repoID int64, openOnly bool) ([]store.Annotation, error) {
	sql := `SELECT ` + annotationCols + ` FROM annotations WHERE repo_id = ?`
	if openOnly {
		sql += ` AND to_sha IS NULL`
	}
	rows, err := s.read().query(ctx, sql+` ORDER BY created_at DESC, id DESC`, repoID)
	if err != nil {
		return nil, fmt.Errorf("annotations of repository %d: %w", repoID, err)
	}
	defer rows.Close()
	var out []store.Annotation
	for rows.Next() {
		a, err := scanAnnotation(rows)
		if err != nil {
			return nil, fmt.Errorf("annotations of repository %d: %w", repoID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CheckRun implements store.Store.
func (s *Store) CheckRun(ctx context.Context, repoID int64, sha string) (store.CheckRun, error) {
	var c store.CheckRun
	err := s.read().row(ctx, `SELECT repo_id, sha, check_run_id, output_hash, updated_at FROM check_runs
		WHERE repo_id = ? AND sha = ?`, repoID, sha).Scan(&c.RepoID, &c.SHA, &c.CheckRunID, &c.OutputHash, &c.UpdatedAt)
	return c, s.notFound(err, fmt.Sprintf("check run of %s in repository %d", sha, repoID))
}

// PutCheckRun implements store.Store.
func (s *Store) PutCheckRun(ctx context.Context, c store.CheckRun) error {
	return s.inTx(ctx, func(tx q) error {
		_, err := tx.exec(ctx, `INSERT INTO check_runs (repo_id, sha, check_run_id, output_hash, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (repo_id, sha) DO UPDATE SET check_run_id = excluded.check_run_id,
				output_hash = excluded.output_hash, updated_at = excluded.updated_at`,
			c.RepoID, c.SHA, c.CheckRunID, c.OutputHash, now())
		if err != nil {
			return fmt.Errorf("put check run %d of %s: %w", c.CheckRunID, c.SHA, err)
		}
		return nil
	})
}

// RecordDelivery implements store.Store.
func (s *Store) RecordDelivery(ctx context.Context, d store.Delivery) (bool, error) {
	// One statement, committed on its own: an explicit transaction would add BEGIN and COMMIT
	// round trips to every webhook acknowledgement.
	return recordDelivery(ctx, s.read(), d)
}

func recordDelivery(ctx context.Context, x q, d store.Delivery) (bool, error) {
	if d.ID == "" {
		return false, fmt.Errorf("record delivery of event %q: empty delivery id", d.Event)
	}
	at := d.ReceivedAt.UTC()
	if d.ReceivedAt.IsZero() {
		at = now()
	}
	n, err := x.exec(ctx, `INSERT INTO deliveries (id, event, received_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		d.ID, d.Event, at)
	if err != nil {
		return false, fmt.Errorf("record delivery %s: %w", d.ID, err)
	}
	return n == 1, nil
}

// AuditTrail implements store.Store.
func (s *Store) AuditTrail(ctx context.Context, subject string, limit int) ([]store.AuditEvent, error) {
	sql := `SELECT id, actor, action, subject, detail, at FROM audit_events`
	var args []any
	if subject != "" {
		sql += ` WHERE subject = ?`
		args = append(args, subject)
	}
	sql += ` ORDER BY at DESC, id DESC`
	if limit > 0 {
		sql += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := s.read().query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("audit trail of %q: %w", subject, err)
	}
	defer rows.Close()
	var out []store.AuditEvent
	for rows.Next() {
		var e store.AuditEvent
		if err := rows.Scan(&e.ID, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.At); err != nil {
			return nil, fmt.Errorf("audit trail: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
