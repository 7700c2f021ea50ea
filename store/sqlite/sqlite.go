// Package sqlite is the embedded store: one file, no server, pure Go (modernc.org/sqlite), for
// single-binary deployments and the CLI. Import it for its side effect of registering the
// "sqlite:" URL scheme with store.Open.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/pressly/goose/v3"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/totto-ci/totto/internal/sqlitedb"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/internal/migrate"
	"github.com/totto-ci/totto/store/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the SQLite schema migrations, for tools that inspect the schema.
var Migrations, _ = fs.Sub(migrationFiles, "migrations")

func init() {
	store.RegisterBackend(func(ctx context.Context, u string, o store.OpenOptions) (store.Store, error) {
		return OpenWith(ctx, u, o)
	}, "sqlite")
}

// Store is the SQLite store.
type Store struct {
	*sqlstore.Store
	db    *sql.DB
	goose *goose.Provider
}

var memSeq atomic.Int64

// Path extracts the file path from "sqlite:PATH", "sqlite://PATH" or "sqlite:///abs/PATH";
// ":memory:" names a private in-memory database.
func Path(u string) (string, error) {
	rest, ok := strings.CutPrefix(u, "sqlite:")
	if !ok {
		return "", fmt.Errorf("sqlite url %q: want sqlite:PATH", u)
	}
	rest = strings.TrimPrefix(rest, "//")
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" {
		return "", fmt.Errorf("sqlite url %q: empty path", u)
	}
	return rest, nil
}

// Open opens (creating if needed) the database a "sqlite:PATH" URL names and migrates it.
func Open(ctx context.Context, u string) (*Store, error) {
	return OpenWith(ctx, u, store.OpenOptions{})
}

// OpenWith is Open migrating as o says.
func OpenWith(ctx context.Context, u string, o store.OpenOptions) (*Store, error) {
	path, err := Path(u)
	if err != nil {
		return nil, err
	}
	memory := path == ":memory:"
	params := url.Values{}
	for _, p := range []string{"busy_timeout(30000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		params.Add("_pragma", p)
	}
	if !memory {
		params.Add("_pragma", "journal_mode(WAL)")
	}
	// Write transactions take the write lock at BEGIN, so two writers queue on busy_timeout
	// instead of failing with SQLITE_BUSY when a read lock cannot be upgraded.
	params.Set("_txlock", "immediate")
	params.Set("_time_format", "sqlite")
	var db *sql.DB
	if memory {
		dsn := fmt.Sprintf("file:totto-mem-%d?mode=memory&cache=shared&%s", memSeq.Add(1), params.Encode())
		if db, err = sql.Open("sqlite", dsn); err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		db.SetMaxOpenConns(1) // one connection keeps the shared-cache database alive and unlocked
	} else if db, err = sqlitedb.Open(path, params, 8); err != nil {
		return nil, err
	}
	gp, err := migrate.Provider(goose.DialectSQLite3, db, Migrations, nil)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, goose: gp}
	if err := s.migrate(ctx, path, memory, o); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	s.Store = &sqlstore.Store{DB: newAdapter(db), Dialect: Dialect}
	return s, nil
}

// migrate makes the first connection and applies migrations under a file lock next to the
// database, so several processes opening one fresh file at once race neither on CREATE TABLE nor
// on the switch to WAL (which SQLite may refuse with SQLITE_BUSY without waiting).
func (s *Store) migrate(ctx context.Context, path string, memory bool, o store.OpenOptions) error {
	if !memory {
		unlock, err := sqlitedb.LockFile(sqlitedb.MigrateLockPath(path))
		if err != nil {
			return err
		}
		defer unlock()
	}
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("open: %w", err)
	}
	return migrate.Apply(ctx, s.goose, o)
}

// MigrationStatus implements store.Store.
func (s *Store) MigrationStatus(ctx context.Context) (store.MigrationStatus, error) {
	return migrate.Status(ctx, s.goose)
}

// Conn implements store.Store.
func (s *Store) Conn() store.Conn { return store.Conn{SQL: s.db} }

// Close implements store.Store.
func (s *Store) Close() error { return s.db.Close() }

// Dialect is SQLite's flavour of the shared queries.
var Dialect = sqlstore.Dialect{
	Name:                  "sqlite",
	GroupConcatIDs:        "group_concat(p.id, ',')",
	NoRows:                sql.ErrNoRows,
	IsForeignKeyViolation: func(err error) bool { return hasCode(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) },
	IsUniqueViolation: func(err error) bool {
		return hasCode(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE) || hasCode(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
}

func hasCode(err error, code int) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == code
}
