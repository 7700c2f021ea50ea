package queue

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// openSQLite opens the database file with one connection (SQLite has one writer; River's driver
// documents a single connection as the way to avoid SQLITE_BUSY), WAL so the store's readers are not
// blocked, and a busy timeout so the store's writers and ours take turns instead of failing.
func openSQLite(ctx context.Context, path string, cfg *river.Config) (*Queue, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open queue database %q: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	fail := func(err error) (*Queue, error) {
		_ = db.Close()
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		return fail(fmt.Errorf("open queue database %q: %w", path, err))
	}
	driver := riversqlite.New(db)
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: cfg.Logger})
	if err != nil {
		return fail(fmt.Errorf("queue migrator: %w", err))
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fail(fmt.Errorf("migrate queue tables in %q: %w", path, err))
	}
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		return fail(fmt.Errorf("queue client: %w", err))
	}
	return &Queue{client: c, closeDB: func() { _ = db.Close() }}, nil
}
