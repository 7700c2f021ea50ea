package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/internal/sqlstore"
)

// poolDB fits pgxpool to sqlstore.DB.
type poolDB struct{ p *pgxpool.Pool }

func (d poolDB) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	t, err := d.p.Exec(ctx, q, args...)
	return t.RowsAffected(), err
}

func (d poolDB) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	return d.p.Query(ctx, q, args...)
}

func (d poolDB) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return d.p.QueryRow(ctx, q, args...)
}

func (d poolDB) Begin(ctx context.Context) (sqlstore.Tx, error) {
	tx, err := d.p.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return txn{tx}, nil
}

type txn struct{ tx pgx.Tx }

func (t txn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	c, err := t.tx.Exec(ctx, q, args...)
	return c.RowsAffected(), err
}

func (t txn) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	return t.tx.Query(ctx, q, args...)
}

func (t txn) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return t.tx.QueryRow(ctx, q, args...)
}

func (t txn) Commit(ctx context.Context) error   { return t.tx.Commit(ctx) }
func (t txn) Rollback(ctx context.Context) error { return t.tx.Rollback(ctx) }

// advisoryLocker serialises migrations with a session-level advisory lock keyed by the current
// schema: replicas of one deployment wait for each other (blocking, no polling), while separate
// schemas in one database (tests) migrate independently.
type advisoryLocker struct{}

// lockClass is the first key of the two-key advisory lock, to stay clear of other users' locks.
const lockClass = 0x7077

func (advisoryLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, hashtext(current_schema()))`, lockClass); err != nil {
		return fmt.Errorf("take migration lock: %w", err)
	}
	return nil
}

func (advisoryLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, lockClass); err != nil {
		return fmt.Errorf("release migration lock: %w", err)
	}
	return nil
}

func (t txn) Driver() store.DriverTx { return store.DriverTx{Pgx: t.tx} }
