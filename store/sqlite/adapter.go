package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/totto-ci/totto/store/internal/sqlstore"
)

// adapter fits database/sql to sqlstore.DB and serialises this process's write transactions
// (SQLite has one writer at a time; queueing here keeps waits short and in order, and
// busy_timeout covers other processes).
type adapter struct {
	db     *sql.DB
	writer chan struct{}
}

func newAdapter(db *sql.DB) *adapter { return &adapter{db: db, writer: make(chan struct{}, 1)} }

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
	if err := a.lock(ctx); err != nil {
		return 0, err
	}
	defer a.unlock()
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

func (a *adapter) lock(ctx context.Context) error {
	select {
	case a.writer <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for the sqlite writer: %w", ctx.Err())
	}
}

func (a *adapter) unlock() { <-a.writer }

func (a *adapter) Begin(ctx context.Context) (sqlstore.Tx, error) {
	if err := a.lock(ctx); err != nil {
		return nil, err
	}
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		a.unlock()
		return nil, err
	}
	return &txn{tx: tx, a: a}, nil
}

type txn struct {
	tx   *sql.Tx
	a    *adapter
	done bool
}

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

func (t *txn) finish() {
	if !t.done {
		t.done = true
		t.a.unlock()
	}
}

func (t *txn) Commit(context.Context) error {
	defer t.finish()
	return t.tx.Commit()
}

func (t *txn) Rollback(context.Context) error {
	defer t.finish()
	return t.tx.Rollback()
}
