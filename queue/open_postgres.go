package queue

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// openPostgres opens a pgx pool, creates the schema if asked for one, migrates River's tables and
// builds the client.
func openPostgres(ctx context.Context, url, schema string, cfg *river.Config) (*Queue, error) {
	pool, err := pgxpool.New(ctx, url)
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
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Schema: schema, Logger: cfg.Logger})
	if err != nil {
		return fail(fmt.Errorf("queue migrator: %w", err))
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fail(fmt.Errorf("migrate queue tables in schema %q: %w", schema, err))
	}
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		return fail(fmt.Errorf("queue client: %w", err))
	}
	return &Queue{client: c, closeDB: pool.Close}, nil
}
