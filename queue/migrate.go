package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/internal/sqlitedb"
	"github.com/totto-ci/totto/store"
)

// riverMigrationLock is the advisory lock key serialising River's migrations ("totto-rv").
const riverMigrationLock int64 = 0x746f74746f2d7276

// Status is the version of the queue's tables (River's migration line).
type Status struct {
	// Current is the newest applied version (0: no tables yet); Latest is the newest this binary
	// knows.
	Current, Latest int
}

// Pending reports whether migrations are waiting.
func (s Status) Pending() bool { return s.Current < s.Latest }

func migrateConfig(ctx context.Context) *rivermigrate.Config {
	logger := zerolog.Ctx(ctx).With().Str("component", "queue").Logger()
	return &rivermigrate.Config{Logger: slog.New(zerolog.NewSlogHandler(logger))}
}

// MigrationStatus reports the queue tables' version without changing anything.
func MigrationStatus(ctx context.Context, conn store.Conn) (Status, error) {
	var (
		all, applied []rivermigrate.Migration
		err          error
	)
	switch {
	case conn.Pgx != nil:
		m, merr := rivermigrate.New(riverpgxv5.New(conn.Pgx), migrateConfig(ctx))
		if merr != nil {
			return Status{}, fmt.Errorf("queue migrator: %w", merr)
		}
		all = m.AllVersions()
		applied, err = m.ExistingVersions(ctx)
	case conn.SQL != nil:
		m, merr := rivermigrate.New(riversqlite.New(conn.SQL), migrateConfig(ctx))
		if merr != nil {
			return Status{}, fmt.Errorf("queue migrator: %w", merr)
		}
		all = m.AllVersions()
		applied, err = m.ExistingVersions(ctx)
	default:
		return Status{}, errNoPool
	}
	if err != nil {
		return Status{}, fmt.Errorf("queue tables' version: %w", err)
	}
	var st Status
	if len(all) > 0 {
		st.Latest = all[len(all)-1].Version
	}
	if len(applied) > 0 {
		st.Current = applied[len(applied)-1].Version
	}
	return st, nil
}

var errNoPool = errors.New("queue: the store has no connection pool")

// Migrate brings the queue's tables up to River's newest version; log, when not nil, is told each
// version applied. Processes starting together on a fresh database take turns (River's migrator
// takes no lock): on Postgres under an advisory lock, on SQLite under the file lock the store's
// migrations take.
func Migrate(ctx context.Context, conn store.Conn, log func(version int, name string)) error {
	var (
		res *rivermigrate.MigrateResult
		err error
	)
	switch {
	case conn.Pgx != nil:
		res, err = migratePostgres(ctx, conn.Pgx)
	case conn.SQL != nil:
		res, err = migrateSQLite(ctx, conn.SQL)
	default:
		return errNoPool
	}
	if err != nil {
		return fmt.Errorf("migrate the queue's tables: %w", err)
	}
	if log != nil {
		for _, v := range res.Versions {
			log(v.Version, v.Name)
		}
	}
	return nil
}

func migratePostgres(ctx context.Context, pool *pgxpool.Pool) (*rivermigrate.MigrateResult, error) {
	m, err := rivermigrate.New(riverpgxv5.New(pool), migrateConfig(ctx))
	if err != nil {
		return nil, err
	}
	c, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	defer c.Release()
	if _, err := c.Exec(ctx, "SELECT pg_advisory_lock($1)", riverMigrationLock); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	defer c.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", riverMigrationLock)
	return m.Migrate(ctx, rivermigrate.DirectionUp, nil)
}

func migrateSQLite(ctx context.Context, db *sql.DB) (*rivermigrate.MigrateResult, error) {
	m, err := rivermigrate.New(riversqlite.New(db), migrateConfig(ctx))
	if err != nil {
		return nil, err
	}
	var path string
	if err := db.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		return nil, fmt.Errorf("database file: %w", err)
	}
	if path != "" { // "" is an in-memory database, private to this process
		unlock, err := sqlitedb.LockFile(sqlitedb.MigrateLockPath(path))
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	return m.Migrate(ctx, rivermigrate.DirectionUp, nil)
}
