package sqlitedb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// cachedOn reports how many statements the connection behind c keeps, and the statement of query.
func cachedOn(t *testing.T, c *sql.Conn, query string) (n int, stmt any) {
	t.Helper()
	if err := c.Raw(func(dc any) error {
		sc := &dc.(*conn).stmts
		n = len(sc.byQuery)
		if e, ok := sc.byQuery[query]; ok {
			stmt = e.Value.(*cachedStmt).stmt
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n, stmt
}

// A statement run again on a connection is the one prepared the first time, inside and outside
// transactions, for writes and reads.
func TestStatementPreparedOncePerConnection(t *testing.T) {
	_, db, _ := openPair(t)
	ctx := testCtx(t)
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const insert, count = `INSERT INTO rows (who) VALUES (?)`, `SELECT count(*) FROM rows WHERE who = ?`
	var first any
	kept := 0
	for i := range 20 {
		if _, err := c.ExecContext(ctx, insert, "a"); err != nil {
			t.Fatal(err)
		}
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, insert, "b"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, count, "b").Scan(&n); err != nil || n != i+1 {
			t.Fatalf("count in tx = %d, %v; want %d", n, err, i+1)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		n, s := cachedOn(t, c, insert)
		if s == nil {
			t.Fatal("the insert was not kept")
		}
		if first == nil {
			first, kept = s, n
		} else if s != first || n != kept {
			t.Fatalf("run %d prepared again: %d statements kept, %d after the first run", i, n, kept)
		}
	}
}

// Running a statement again while its rows are still being read must not disturb those rows.
func TestStatementRunAgainWhileItsRowsAreOpen(t *testing.T) {
	_, db, _ := openPair(t)
	ctx := testCtx(t)
	for _, who := range []string{"x", "y", "z"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO rows (who) VALUES (?)`, who); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const list = `SELECT who FROM rows WHERE id >= ? ORDER BY id`
	rows, err := tx.QueryContext(ctx, list, 1)
	if err != nil {
		t.Fatal(err)
	}
	var outer, inner []string
	for rows.Next() {
		var who string
		if err := rows.Scan(&who); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, who)
		// The same text as the open rows: it must get a statement of its own.
		sub, err := tx.QueryContext(ctx, list, 3)
		if err != nil {
			t.Fatal(err)
		}
		for sub.Next() {
			var w string
			if err := sub.Scan(&w); err != nil {
				t.Fatal(err)
			}
			inner = append(inner, w)
		}
		if err := sub.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(outer) != "[x y z]" || fmt.Sprint(inner) != "[z z z]" {
		t.Fatalf("outer %v inner %v, want [x y z] and [z z z]", outer, inner)
	}
}

// Queries whose text varies do not grow the cache past its bound.
func TestStatementCacheBounded(t *testing.T) {
	_, db, _ := openPair(t)
	ctx := testCtx(t)
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 3 * stmtCacheSize {
		var n int
		if err := c.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) + %d FROM rows`, i)).Scan(&n); err != nil || n != i {
			t.Fatalf("query %d = %d, %v", i, n, err)
		}
	}
	if n, _ := cachedOn(t, c, ""); n != stmtCacheSize {
		t.Fatalf("%d statements kept, want the bound %d", n, stmtCacheSize)
	}
}

// BenchmarkStatement runs a statement of the job queue's size (a multi-line UPDATE … RETURNING
// with subqueries) through this package's connections and through modernc's own, measured in the
// same run; it reports the ratio of their times.
func BenchmarkStatement(b *testing.B) {
	dir := b.TempDir()
	const schema = `CREATE TABLE jobs (id INTEGER PRIMARY KEY, state TEXT NOT NULL, queue TEXT NOT NULL,
		priority INTEGER NOT NULL, scheduled_at INTEGER NOT NULL, attempt INTEGER NOT NULL DEFAULT 0, attempted_by TEXT)`
	const fetch = `UPDATE jobs SET attempt = jobs.attempt + 1, attempted_by = ?1, state = 'running'
		WHERE jobs.id IN (
			SELECT id FROM jobs
			WHERE state = 'available' AND queue = ?2 AND scheduled_at <= ?3
			  AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.state = 'running' AND r.queue = ?2 AND r.attempted_by = ?1 AND r.priority < jobs.priority)
			ORDER BY priority ASC, scheduled_at ASC, id ASC
			LIMIT ?4)
		RETURNING id, state, queue, priority, scheduled_at, attempt, attempted_by`
	open := map[string]func(string) (*sql.DB, error){
		"cached": func(path string) (*sql.DB, error) { return Open(path, noWait, 1) },
		"uncached": func(path string) (*sql.DB, error) {
			return sql.Open("sqlite", "file:"+path+"?"+noWait.Encode())
		},
	}
	per := map[string]float64{}
	for _, name := range []string{"uncached", "cached"} {
		b.Run(name, func(b *testing.B) {
			db, err := open[name](filepath.Join(dir, name+".db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, schema); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				rows, err := db.QueryContext(ctx, fetch, "w", "default", 1, 10)
				if err != nil {
					b.Fatal(err)
				}
				rows.Close()
			}
			per[name] = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
	}
	if per["cached"] > 0 && per["uncached"] > 0 {
		b.Logf("uncached / cached time per statement: %.1f× (%.0f µs vs %.0f µs)",
			per["uncached"]/per["cached"], per["uncached"]/1e3, per["cached"]/1e3)
	}
}
