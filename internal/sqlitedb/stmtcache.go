package sqlitedb

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"sync"
)

// stmtCacheSize bounds each connection's prepared statements. The App runs a fixed set of
// statements (the store's and the job queue's, a few hundred texts in all), so a bounded cache
// keeps the frequent ones; queries whose text varies (IN lists, batched VALUES) churn through the
// least recently used slots instead of growing it.
const stmtCacheSize = 128

// stmtCache keeps one connection's prepared statements by query text, so a statement run again is
// not parsed and planned again. Without it every Exec and Query prepared its text afresh: under
// the reliability suite's load SQLite's parser was a third of the process's CPU, much of it while
// holding the file's writer slot (a webhook's transaction waited behind it). Used by the
// connection's one goroutine at a time (database/sql's contract), so it needs no lock.
type stmtCache struct {
	byQuery map[string]*list.Element
	lru     *list.List // of *cachedStmt, most recently used first
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
	// busy while rows of the statement are open: running it again would reset those rows, so a
	// second use meanwhile (a query inside a loop over another's rows) prepares its own.
	busy bool
}

// get returns the cached statement of query, preparing and caching it on first use; nil (and no
// error) when it is busy.
func (sc *stmtCache) get(ctx context.Context, p driver.ConnPrepareContext, query string) (*cachedStmt, error) {
	if sc.byQuery == nil {
		sc.byQuery, sc.lru = map[string]*list.Element{}, list.New()
	}
	if e, ok := sc.byQuery[query]; ok {
		sc.lru.MoveToFront(e)
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	s, err := p.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{query: query, stmt: s}
	sc.byQuery[query] = sc.lru.PushFront(cs)
	sc.evict()
	return cs, nil
}

// evict closes the least recently used statements beyond the bound, skipping busy ones (they are
// closed once a later eviction finds them idle).
func (sc *stmtCache) evict() {
	for e := sc.lru.Back(); e != nil && sc.lru.Len() > stmtCacheSize; {
		prev := e.Prev()
		if cs := e.Value.(*cachedStmt); !cs.busy {
			sc.lru.Remove(e)
			delete(sc.byQuery, cs.query)
			_ = cs.stmt.Close()
		}
		e = prev
	}
}

// close closes every cached statement (before the connection itself).
func (sc *stmtCache) close() error {
	var errs []error
	for q, e := range sc.byQuery {
		if err := e.Value.(*cachedStmt).stmt.Close(); err != nil {
			errs = append(errs, err)
		}
		delete(sc.byQuery, q)
	}
	if sc.lru != nil {
		sc.lru.Init()
	}
	return errors.Join(errs...)
}

// exec runs query through its cached statement, or prepares it once when the cached one is busy.
func (c *conn) exec(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	p, ok := c.inner.(driver.ConnPrepareContext)
	if !ok {
		return nil, errors.New("sqlite driver cannot prepare with a context")
	}
	cs, err := c.stmts.get(ctx, p, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		e, ok := c.inner.(driver.ExecerContext)
		if !ok {
			return nil, driver.ErrSkip
		}
		return e.ExecContext(ctx, query, args)
	}
	x, ok := cs.stmt.(driver.StmtExecContext)
	if !ok {
		return nil, errors.New("sqlite statement cannot execute with a context")
	}
	return x.ExecContext(ctx, args)
}

// query runs query through its cached statement, marked busy until its rows are closed.
func (c *conn) query(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	p, ok := c.inner.(driver.ConnPrepareContext)
	if !ok {
		return nil, errors.New("sqlite driver cannot prepare with a context")
	}
	cs, err := c.stmts.get(ctx, p, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		q, ok := c.inner.(driver.QueryerContext)
		if !ok {
			return nil, driver.ErrSkip
		}
		return q.QueryContext(ctx, query, args)
	}
	x, ok := cs.stmt.(driver.StmtQueryContext)
	if !ok {
		return nil, errors.New("sqlite statement cannot query with a context")
	}
	r, err := x.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &releasingRows{Rows: r, release: func() { cs.busy = false }}, nil
}

// releasingRows runs release once when the rows are closed: the writer slot of a writing query
// (SQLite keeps the write lock until the statement is reset), a cached statement's busy mark.
type releasingRows struct {
	driver.Rows
	once    sync.Once
	release func()
}

func (r *releasingRows) Close() error {
	err := r.Rows.Close()
	r.once.Do(r.release)
	return err
}
