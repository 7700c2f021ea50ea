package queue

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/totto-ci/totto/internal/sqlitedb"
)

// openSQLite opens the database file through internal/sqlitedb, so the queue's writes and the
// store's take turns in one in-process queue (River's driver otherwise asks for a single connection
// to avoid SQLITE_BUSY): an enqueue then need not wait for the connection a fetch or a completion
// holds, only for the write in progress. WAL keeps readers unblocked; the busy timeout covers
// other processes on the same file (the CLI).
func openSQLite(ctx context.Context, path string, cfg *river.Config) (*Queue, error) {
	params := url.Values{"_pragma": {"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)"}, "_txlock": {"immediate"}}
	// An in-memory database lives in its one connection, and is not the store's.
	memory := path == ":memory:" || strings.Contains(path, "mode=memory")
	conns := 4
	if memory {
		conns = 1
	}
	db, err := sqlitedb.Open(path, params, conns)
	if err != nil {
		return nil, fmt.Errorf("open queue database %q: %w", path, err)
	}
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
	q := &Queue{client: c, closeDB: func() { _ = db.Close() }, countStates: sqlCounter(db)}
	if !memory {
		q.sqliteDB = db
	}
	return q, nil
}
