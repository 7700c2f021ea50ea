package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/totto-ci/totto/store"
)

func now() time.Time { return time.Now().UTC() }

// notFound maps the driver's "no rows" to store.ErrNotFound.
func (s *Store) notFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if s.isNoRows(err) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (s *Store) isNoRows(err error) bool { return errors.Is(err, s.Dialect.NoRows) }

// UpsertInstallation implements store.Store.
func (s *Store) UpsertInstallation(ctx context.Context, in store.Installation) error {
	return s.inTx(ctx, func(tx q) error {
		t := now()
		_, err := tx.exec(ctx, `INSERT INTO installations (id, account, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET account = excluded.account, active = excluded.active, updated_at = excluded.updated_at`,
			in.ID, in.Account, in.Active, t, t)
		if err != nil {
			return fmt.Errorf("upsert installation %d: %w", in.ID, err)
		}
		return nil
	})
}

// DeactivateInstallation implements store.Store.
func (s *Store) DeactivateInstallation(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx q) error {
		n, err := tx.exec(ctx, `UPDATE installations SET active = ?, updated_at = ? WHERE id = ?`, false, now(), id)
		if err != nil {
			return fmt.Errorf("deactivate installation %d: %w", id, err)
		}
		if n == 0 {
			return fmt.Errorf("deactivate installation %d: %w", id, store.ErrNotFound)
		}
		if _, err := tx.exec(ctx, `UPDATE repositories SET active = ? WHERE installation_id = ?`, false, id); err != nil {
			return fmt.Errorf("deactivate repositories of installation %d: %w", id, err)
		}
		return nil
	})
}

const repoCols = `id, installation_id, full_name, active, private, created_at`

func scanRepo(r Row) (store.Repository, error) {
	var x store.Repository
	err := r.Scan(&x.ID, &x.InstallationID, &x.FullName, &x.Active, &x.Private, &x.CreatedAt)
	return x, err
}

// UpsertRepository implements store.Store.
func (s *Store) UpsertRepository(ctx context.Context, r store.Repository) (store.Repository, error) {
	if r.FullName == "" {
		return r, errors.New("upsert repository: empty full name")
	}
	var out store.Repository
	err := s.inTx(ctx, func(tx q) error {
		var err error
		out, err = scanRepo(tx.row(ctx, `INSERT INTO repositories (installation_id, full_name, active, private, created_at, owner)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (full_name) DO UPDATE SET
				installation_id = COALESCE(excluded.installation_id, repositories.installation_id),
				active = excluded.active,
				private = excluded.private
			RETURNING `+repoCols, r.InstallationID, r.FullName, r.Active, r.Private, now(), r.Owner()))
		if err != nil {
			return fmt.Errorf("upsert repository %s: %w", r.FullName, err)
		}
		return nil
	})
	return out, err
}

// SetRepositoryActive implements store.Store.
func (s *Store) SetRepositoryActive(ctx context.Context, fullName string, active bool) error {
	return s.inTx(ctx, func(tx q) error {
		n, err := tx.exec(ctx, `UPDATE repositories SET active = ? WHERE full_name = ?`, active, fullName)
		if err != nil {
			return fmt.Errorf("set repository %s active=%t: %w", fullName, active, err)
		}
		if n == 0 {
			return fmt.Errorf("set repository %s active: %w", fullName, store.ErrNotFound)
		}
		return nil
	})
}

// Repository implements store.Store.
func (s *Store) Repository(ctx context.Context, fullName string) (store.Repository, error) {
	r, err := scanRepo(s.read().row(ctx, `SELECT `+repoCols+` FROM repositories WHERE full_name = ?`, fullName))
	return r, s.notFound(err, "repository "+fullName)
}

const jobCols = `id, provider, external_id, attempt, repo_id, sha, branch, name, step, conclusion,
	started_at, completed_at, url, log_id, log_state, log_reason, created_at, updated_at, tests_recorded`

func scanJob(r Row) (store.Job, error) {
	var j store.Job
	err := scanJobInto(r, &j)
	return j, err
}

// scanJobInto scans jobCols into j, then any further columns into extra.
func scanJobInto(r Row, j *store.Job, extra ...any) error {
	var state string
	err := r.Scan(append([]any{&j.ID, &j.Provider, &j.ExternalID, &j.Attempt, &j.RepoID, &j.SHA, &j.Branch, &j.Name,
		&j.Step, &j.Conclusion, &j.StartedAt, &j.CompletedAt, &j.URL, &j.LogID, &state, &j.LogReason,
		&j.CreatedAt, &j.UpdatedAt, &j.TestsRecorded}, extra...)...)
	j.LogState = store.LogState(state)
	j.StartedAt, j.CompletedAt = utcPtr(j.StartedAt), utcPtr(j.CompletedAt)
	j.CreatedAt, j.UpdatedAt = j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	return err
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// UpsertJob implements store.Store.
func (s *Store) UpsertJob(ctx context.Context, j store.Job) (store.Job, error) {
	if j.Provider == "" || j.ExternalID == "" {
		return j, fmt.Errorf("upsert job %q: provider and external id are required", j.Name)
	}
	if j.Attempt == 0 {
		j.Attempt = 1
	}
	if j.LogState == "" {
		j.LogState = store.LogPending
		if j.LogID != nil {
			j.LogState = store.LogStored
		}
	}
	var out store.Job
	err := s.inTx(ctx, func(tx q) error {
		t := now()
		var err error
		out, err = scanJob(tx.row(ctx, `INSERT INTO jobs (provider, external_id, attempt, repo_id, sha, branch, name, step,
				conclusion, started_at, completed_at, url, log_id, log_state, log_reason, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (provider, external_id, attempt) DO UPDATE SET
				repo_id = excluded.repo_id, sha = excluded.sha, branch = excluded.branch, name = excluded.name,
				step = excluded.step, conclusion = excluded.conclusion,
				started_at = COALESCE(excluded.started_at, jobs.started_at),
				completed_at = COALESCE(excluded.completed_at, jobs.completed_at),
				url = excluded.url,
				log_id = COALESCE(excluded.log_id, jobs.log_id),
				log_state = CASE WHEN excluded.log_id IS NULL AND jobs.log_id IS NOT NULL THEN jobs.log_state ELSE excluded.log_state END,
				log_reason = CASE WHEN excluded.log_id IS NULL AND jobs.log_id IS NOT NULL THEN jobs.log_reason ELSE excluded.log_reason END,
				updated_at = excluded.updated_at
			RETURNING `+jobCols,
			j.Provider, j.ExternalID, j.Attempt, j.RepoID, j.SHA, j.Branch, j.Name, j.Step, j.Conclusion,
			utcPtr(j.StartedAt), utcPtr(j.CompletedAt), j.URL, j.LogID, string(j.LogState), j.LogReason, t, t))
		if err != nil {
			return s.classify(fmt.Errorf("upsert job %s/%s#%d: %w", j.Provider, j.ExternalID, j.Attempt, err), j.LogID)
		}
		return nil
	})
	return out, err
}

// classify adds store.ErrUnknownLog to a foreign-key failure on a job's log.
func (s *Store) classify(err error, logID *int64) error {
	if s.Dialect.IsForeignKeyViolation(err) && logID != nil {
		return fmt.Errorf("%w (log %d or the repository does not exist): %w", store.ErrUnknownLog, *logID, err)
	}
	return err
}

// Job implements store.Store.
func (s *Store) Job(ctx context.Context, id int64) (store.Job, error) {
	j, err := scanJob(s.read().row(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	return j, s.notFound(err, fmt.Sprintf("job %d", id))
}

// SetJobLog implements store.Store.
func (s *Store) SetJobLog(ctx context.Context, jobID int64, logID *int64, state store.LogState, reason string) error {
	switch state {
	case store.LogPending, store.LogStored, store.LogUnavailable:
	default:
		return fmt.Errorf("set log of job %d: invalid log state %q", jobID, state)
	}
	if state == store.LogStored && logID == nil {
		return fmt.Errorf("set log of job %d: state stored needs a log id", jobID)
	}
	return s.inTx(ctx, func(tx q) error {
		n, err := tx.exec(ctx, `UPDATE jobs SET log_id = ?, log_state = ?, log_reason = ?, updated_at = ? WHERE id = ?`,
			logID, string(state), reason, now(), jobID)
		if err != nil {
			return s.classify(fmt.Errorf("set log of job %d: %w", jobID, err), logID)
		}
		if n == 0 {
			return fmt.Errorf("set log of job %d: %w", jobID, store.ErrNotFound)
		}
		return nil
	})
}

const logCols = `id, sha256, raw_size, lines, truncated, storage_key, scanned_through, created_at, expired_at`

func scanLog(r Row) (store.Log, error) {
	var l store.Log
	err := r.Scan(&l.ID, &l.SHA256, &l.RawSize, &l.Lines, &l.Truncated, &l.StorageKey, &l.ScannedThrough, &l.CreatedAt, &l.ExpiredAt)
	l.ExpiredAt = utcPtr(l.ExpiredAt)
	return l, err
}

// PutLog implements store.Store.
func (s *Store) PutLog(ctx context.Context, l store.Log) (store.Log, error) {
	if len(l.SHA256) != 64 {
		return l, fmt.Errorf("put log: sha256 %q is not 64 hex digits", l.SHA256)
	}
	var out store.Log
	err := s.inTx(ctx, func(tx q) error {
		var id int64
		err := tx.row(ctx, `INSERT INTO logs (sha256, raw_size, lines, truncated, storage_key, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING RETURNING id`,
			l.SHA256, l.RawSize, l.Lines, l.Truncated, l.StorageKey, now()).Scan(&id)
		created := err == nil
		if err != nil && !s.isNoRows(err) {
			return fmt.Errorf("put log %s: %w", l.SHA256, err)
		}
		// Content stored again after retention expired it: the log is readable again. The
		// caller stores the content once more (Revived): a prune may have deleted it after the
		// caller first wrote it (see DeleteExpiredContents).
		revived, err := tx.exec(ctx, `UPDATE logs SET expired_at = NULL WHERE sha256 = ? AND expired_at IS NOT NULL`, l.SHA256)
		if err != nil {
			return fmt.Errorf("put log %s: %w", l.SHA256, err)
		}
		out, err = scanLog(tx.row(ctx, `SELECT `+logCols+` FROM logs WHERE sha256 = ?`, l.SHA256))
		if err != nil {
			return fmt.Errorf("put log %s: read back: %w", l.SHA256, err)
		}
		out.Created, out.Revived = created, revived > 0
		return nil
	})
	return out, err
}

// Log implements store.Store.
func (s *Store) Log(ctx context.Context, id int64) (store.Log, error) {
	l, err := scanLog(s.read().row(ctx, `SELECT `+logCols+` FROM logs WHERE id = ?`, id))
	return l, s.notFound(err, fmt.Sprintf("log %d", id))
}

// LogBySHA256 implements store.Store.
func (s *Store) LogBySHA256(ctx context.Context, sha string) (store.Log, error) {
	l, err := scanLog(s.read().row(ctx, `SELECT `+logCols+` FROM logs WHERE sha256 = ?`, sha))
	return l, s.notFound(err, "log "+sha)
}
