package sqlitedb

import (
	"context"
	"database/sql/driver"
	"errors"
)

// connector wraps modernc's connector so that every connection it makes takes the file's writer
// slot around each write: a read-write transaction from BEGIN to COMMIT or ROLLBACK, and a
// statement outside a transaction unless it only reads.
type connector struct {
	inner driver.Connector
	lock  *writeLock
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	inner, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{inner: inner, lock: c.lock}, nil
}

func (c *connector) Driver() driver.Driver { return c.inner.Driver() }

// conn is used by one goroutine at a time (database/sql's contract), so inTx needs no lock.
type conn struct {
	inner driver.Conn
	lock  *writeLock
	inTx  bool
	stmts stmtCache
}

var (
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	p, ok := c.inner.(driver.ConnPrepareContext)
	if !ok {
		return nil, errors.New("sqlite driver cannot prepare with a context")
	}
	s, err := p.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &stmt{inner: s, c: c, readOnly: readOnly(query)}, nil
}

func (c *conn) Close() error {
	if c.inTx {
		// Closing the connection ends its transaction.
		c.inTx = false
		c.lock.release()
	}
	return errors.Join(c.stmts.close(), c.inner.Close())
}

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	b, ok := c.inner.(driver.ConnBeginTx)
	if !ok {
		return nil, errors.New("sqlite driver cannot begin with a context")
	}
	if opts.ReadOnly {
		// A read-only transaction begins DEFERRED and never writes.
		return b.BeginTx(ctx, opts)
	}
	if err := c.lock.acquire(ctx); err != nil {
		return nil, err
	}
	t, err := b.BeginTx(ctx, opts)
	if err != nil {
		c.lock.release()
		return nil, err
	}
	c.inTx = true
	return &tx{inner: t, c: c}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if c.inTx {
		return c.exec(ctx, query, args)
	}
	if err := c.lock.acquire(ctx); err != nil {
		return nil, err
	}
	defer c.lock.release()
	return c.exec(ctx, query, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if c.inTx || readOnly(query) {
		return c.query(ctx, query, args)
	}
	return c.lockedQuery(ctx, func() (driver.Rows, error) { return c.query(ctx, query, args) })
}

// lockedQuery runs a writing query (INSERT … RETURNING) outside a transaction, holding the slot
// until its rows are closed: SQLite keeps the write lock until the statement is reset.
func (c *conn) lockedQuery(ctx context.Context, run func() (driver.Rows, error)) (driver.Rows, error) {
	if err := c.lock.acquire(ctx); err != nil {
		return nil, err
	}
	r, err := run()
	if err != nil {
		c.lock.release()
		return nil, err
	}
	return &releasingRows{Rows: r, release: c.lock.release}, nil
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.inner.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.inner.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if v, ok := c.inner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

type tx struct {
	inner driver.Tx
	c     *conn
}

func (t *tx) Commit() error {
	defer t.end()
	return t.inner.Commit()
}

func (t *tx) Rollback() error {
	defer t.end()
	return t.inner.Rollback()
}

func (t *tx) end() {
	if t.c.inTx {
		t.c.inTx = false
		t.c.lock.release()
	}
}

type stmt struct {
	inner    driver.Stmt
	c        *conn
	readOnly bool
}

func (s *stmt) Close() error  { return s.inner.Close() }
func (s *stmt) NumInput() int { return s.inner.NumInput() }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	e, ok := s.inner.(driver.StmtExecContext)
	if !ok {
		return nil, errors.New("sqlite statement cannot execute with a context")
	}
	if s.c.inTx {
		return e.ExecContext(ctx, args)
	}
	if err := s.c.lock.acquire(ctx); err != nil {
		return nil, err
	}
	defer s.c.lock.release()
	return e.ExecContext(ctx, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := s.inner.(driver.StmtQueryContext)
	if !ok {
		return nil, errors.New("sqlite statement cannot query with a context")
	}
	if s.c.inTx || s.readOnly {
		return q.QueryContext(ctx, args)
	}
	return s.c.lockedQuery(ctx, func() (driver.Rows, error) { return q.QueryContext(ctx, args) })
}
