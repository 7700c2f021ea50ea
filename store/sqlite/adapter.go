package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/internal/sqlstore"
)

// adapter fits database/sql to sqlstore.DB. Writers take turns in the driver (internal/sqlitedb),
// in one queue with the job queue's writes to the same file.
type adapter struct{ db *sql.DB }

func newAdapter(db *sql.DB) *adapter { return &adapter{db: db} }

type rows struct{ *sql.Rows }

func (r rows) Close() { _ = r.Rows.Close() }

func exec(ctx context.Context, e interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, q string, args ...any) (int64, error) {
	res, err := e.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("rows affected: %w", err)
	}
	return n, nil
}

func (a *adapter) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return exec(ctx, a.db, q, args...)
}

func (a *adapter) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	r, err := a.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

func (a *adapter) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return a.db.QueryRowContext(ctx, q, args...)
}

func (a *adapter) Begin(ctx context.Context) (sqlstore.Tx, error) {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &txn{tx: tx}, nil
}

type txn struct{ tx *sql.Tx }

func (t *txn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return exec(ctx, t.tx, q, args...)
}

func (t *txn) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	r, err := t.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows{r}, nil
}

func (t *txn) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return t.tx.QueryRowContext(ctx, q, args...)
}

func (t *txn) Commit(context.Context) error { return t.tx.Commit() }

func (t *txn) Rollback(context.Context) error { return t.tx.Rollback() }

func (t *txn) Driver() store.DriverTx { return store.DriverTx{SQL: t.tx} }
