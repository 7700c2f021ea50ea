// Package sqlstore is the SQL both store implementations share: the queries are written once, in
// the portable subset of Postgres and SQLite, and each backend supplies a Dialect and a DB adapter
// over its own driver (pgxpool, database/sql + modernc.org/sqlite).
package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/store"
)

// Rows is the part of a result set the queries need; pgx.Rows satisfies it directly.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is a single-row result.
type Row interface {
	Scan(dest ...any) error
}

// Querier runs statements; queries use "?" placeholders and the Dialect rebinds them.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) Row
}

// Tx is a write transaction.
type Tx interface {
	Querier
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
	// Driver is the driver's transaction, for the job queue to insert into (store.Tx).
	Driver() store.DriverTx
}

// DB is a connection pool. Every write goes through Begin, so a backend that must serialise
// writers (SQLite) does so in one place.
type DB interface {
	Querier
	Begin(ctx context.Context) (Tx, error)
}

// Dialect holds what differs between the databases.
type Dialect struct {
	// Name is "postgres" or "sqlite", for error messages.
	Name string
	// Numbered placeholders ($1, $2, …) instead of "?".
	Numbered bool
	// GroupConcatIDs aggregates an integer column "p.id" into a comma-separated text.
	GroupConcatIDs string
	// LockPatterns is run at the start of a transaction that creates patterns, so that ids are
	// committed in increasing order and a watermark never skips an id committed late ("" if
	// writers are serialised anyway).
	LockPatterns string
	// NoRows is the driver's "no rows in result set" error.
	NoRows error
	// IsForeignKeyViolation and IsUniqueViolation classify driver errors.
	IsForeignKeyViolation func(error) bool
	IsUniqueViolation     func(error) bool
	// ScreenReadArgs go before the arguments of the web UI's reads (insights and screens), for
	// a driver option such as planning each execution for its arguments.
	ScreenReadArgs []any
}

// Rebind turns "?" placeholders into the dialect's form. Queries never contain "?" elsewhere.
func (d *Dialect) Rebind(q string) string {
	if !d.Numbered {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Store implements store.Store (except Close and MigrationStatus, which the backends add) over a
// DB and a Dialect.
type Store struct {
	DB      DB
	Dialect Dialect
}

// q wraps a Querier so every statement is rebound for the dialect.
type q struct {
	d      *Dialect
	qq     Querier
	prefix []any // driver options put before the arguments
}

func (x q) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	return x.qq.Exec(ctx, x.d.Rebind(sql), args...)
}
func (x q) query(ctx context.Context, sql string, args ...any) (Rows, error) {
	return x.qq.Query(ctx, x.d.Rebind(sql), x.args(args)...)
}
func (x q) row(ctx context.Context, sql string, args ...any) Row {
	return x.qq.QueryRow(ctx, x.d.Rebind(sql), x.args(args)...)
}
func (x q) args(args []any) []any {
	if len(x.prefix) == 0 {
		return args
	}
	return append(append(make([]any, 0, len(x.prefix)+len(args)), x.prefix...), args...)
}

// read returns a rebinding querier over the pool, for reads.
func (s *Store) read() q { return q{d: &s.Dialect, qq: s.DB} }

// screenRead is read for the web UI's queries, with the dialect's ScreenReadArgs.
func (s *Store) screenRead() q { return q{d: &s.Dialect, qq: s.DB, prefix: s.Dialect.ScreenReadArgs} }

// inTx runs fn in one write transaction: committed when fn returns nil, rolled back otherwise.
func (s *Store) inTx(ctx context.Context, fn func(tx q) error) error {
	return s.inDriverTx(ctx, func(tx Tx) error { return fn(q{d: &s.Dialect, qq: tx}) })
}

func (s *Store) inDriverTx(ctx context.Context, fn func(tx Tx) error) error {
	tx, err := s.DB.Begin(ctx)
	if err != nil {
		return fmt.Errorf("%s: begin transaction: %w", s.Dialect.Name, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("%s: commit: %w", s.Dialect.Name, err)
	}
	return nil
}
