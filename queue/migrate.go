package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/rs/zerolog"

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

// migrator runs River's migrations on one of the store's drivers.
type migrator interface {
	Migrate(ctx context.Context, direction rivermigrate.Direction, opts *rivermigrate.MigrateOpts) (*rivermigrate.MigrateResult, error)
	ExistingVersions(ctx context.Context) ([]rivermigrate.Migration, error)
	AllVersions() []rivermigrate.Migration
}

func newMigrator(ctx context.Context, conn store.Conn) (migrator, error) {
	logger := zerolog.Ctx(ctx).With().Str("component", "queue").Logger()
	cfg := &rivermigrate.Config{Logger: slog.New(zerolog.NewSlogHandler(logger))}
	switch {
	case conn.Pgx != nil:
		m, err := rivermigrate.New(riverpgxv5.New(conn.Pgx), cfg)
		if err != nil {
			return nil, fmt.Errorf("queue migrator: %w", err)
		}
		return m, nil
	case conn.SQL != nil:
		m, err := rivermigrate.New(riversqlite.New(conn.SQL), cfg)
		if err != nil {
			return nil, fmt.Errorf("queue migrator: %w", err)
		}
		return m, nil
	}
	return nil, errors.New("queue: the store has no connection pool")
}

// MigrationStatus reports the queue tables' version without changing anything.
func MigrationStatus(ctx context.Context, conn store.Conn) (Status, error) {
	m, err := newMigrator(ctx, conn)
	if err != nil {
		return Status{}, err
	}
	var st Status
	if all := m.AllVersions(); len(all) > 0 {
		st.Latest = all[len(all)-1].Version
	}
	applied, err := m.ExistingVersions(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("queue tables' version: %w", err)
	}
	if len(applied) > 0 {
		st.Current = applied[len(applied)-1].Version
	}
	return st, nil
}

// Migrate brings the queue's tables up to River's newest version. Replicas starting together on a
// fresh Postgres database take turns under an advisory lock (River's migrator takes none); on
// SQLite, writers already take turns on the file. log, when not nil, is told each version applied.
func Migrate(ctx context.Context, conn store.Conn, log func(version int, name string)) error {
	m, err := newMigrator(ctx, conn)
	if err != nil {
		return err
	}
	if conn.Pgx != nil {
		c, err := conn.Pgx.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("queue migration lock: %w", err)
		}
		defer c.Release()
		if _, err := c.Exec(ctx, "SELECT pg_advisory_lock($1)", riverMigrationLock); err != nil {
			return fmt.Errorf("queue migration lock: %w", err)
		}
		defer c.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", riverMigrationLock)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
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
