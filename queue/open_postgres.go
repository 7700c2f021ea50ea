package queue

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// riverMigrationLock is the advisory lock key serialising River's migrations ("totto-rv").
const riverMigrationLock int64 = 0x746f74746f2d7276

// openPostgres opens a pgx pool, creates the schema if asked for one, migrates River's tables and
// builds the client.
func openPostgres(ctx context.Context, url, schema string, cfg *river.Config) (*Queue, error) {
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("queue database URL: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		pcfg.MaxConns = 16 // as the store's pool: pgx's default starves enqueues under load
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("open queue database: %w", err)
	}
	fail := func(err error) (*Queue, error) {
		pool.Close()
		return nil, err
	}
	if schema != "" {
		if _, err := pool.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize()); err != nil {
			return fail(fmt.Errorf("create queue schema %q: %w", schema, err))
		}
	}
	driver := riverpgxv5.New(pool)
	if err := migratePostgres(ctx, pool, driver, schema, cfg); err != nil {
		return fail(err)
	}
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		return fail(fmt.Errorf("queue client: %w", err))
	}
	return &Queue{client: c, closeDB: pool.Close, countStates: pgCounter(pool, schema)}, nil
}

// migratePostgres applies River's migrations. River's migrator takes no lock of its own, so
// replicas starting together on a fresh database would race to create its tables; they take turns
// under an advisory lock held on a dedicated connection.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool, driver *riverpgxv5.Driver, schema string, cfg *river.Config) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("queue migration lock: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", riverMigrationLock); err != nil {
		return fmt.Errorf("queue migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", riverMigrationLock)
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Schema: schema, Logger: cfg.Logger})
	if err != nil {
		return fmt.Errorf("queue migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate queue tables in schema %q: %w", schema, err)
	}
	return nil
}
