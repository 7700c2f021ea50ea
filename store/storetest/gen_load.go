package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// GenSQLite returns the URL of a SQLite database holding Generate(c), building it on first use
// and caching it in the temporary directory under the generator's key, so repeated benchmark runs
// do not pay for generation. migrate must create the schema at a URL (open and close the store);
// the caller imports store/sqlite, which registers the "sqlite" database/sql driver used to load.
func GenSQLite(tb testing.TB, c GenConfig, migrate func(url string) error) string {
	tb.Helper()
	path := filepath.Join(os.TempDir(), "totto-bench-"+c.Key()+".db")
	if _, err := os.Stat(path); err == nil {
		return "sqlite:" + path
	}
	tmp := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(tmp + suffix)
	}
	if err := migrate("sqlite:" + tmp); err != nil {
		tb.Fatalf("migrate %s: %v", tmp, err)
	}
	begin := time.Now()
	if err := loadSQLite(tb.Context(), tmp, Generate(c)); err != nil {
		tb.Fatalf("load generated data into %s: %v", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatalf("cache %s: %v", path, err)
	}
	_ = os.Remove(tmp + ".migrate-lock")
	tb.Logf("generated %s in %s", path, time.Since(begin).Round(time.Second))
	return "sqlite:" + path
}

func loadSQLite(ctx context.Context, path string, g *Generated) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)&_pragma=synchronous(OFF)&_pragma=journal_mode(DELETE)&_time_format=sqlite")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, t := range g.Tables {
		if err := insertSQLite(ctx, db, t); err != nil {
			return err
		}
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// insertSQLite loads a table with one prepared INSERT, committing every 50 000 rows.
func insertSQLite(ctx context.Context, db *sql.DB, t Table) error {
	stmt := "INSERT INTO " + t.Name + " (" + strings.Join(t.Columns, ", ") + ") VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(t.Columns)), ", ") + ")"
	var tx *sql.Tx
	var ins *sql.Stmt
	n := 0
	flush := func() error {
		if tx == nil {
			return nil
		}
		err := tx.Commit()
		tx, ins = nil, nil
		return err
	}
	for row := range t.Rows {
		if tx == nil {
			var err error
			if tx, err = db.BeginTx(ctx, nil); err != nil {
				return fmt.Errorf("load %s: %w", t.Name, err)
			}
			if ins, err = tx.PrepareContext(ctx, stmt); err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("load %s: %w", t.Name, err)
			}
		}
		if _, err := ins.ExecContext(ctx, row...); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("load %s row %v: %w", t.Name, row, err)
		}
		if n++; n%50_000 == 0 {
			if err := flush(); err != nil {
				return fmt.Errorf("load %s: %w", t.Name, err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("load %s: %w", t.Name, err)
	}
	return nil
}

// GenPostgres returns the URL of a schema in the TOTTO_TEST_POSTGRES database holding
// Generate(c), building it with COPY on first use and keeping it (named by the generator's key)
// for later runs. It skips like PostgresURL when no database is configured.
func GenPostgres(tb testing.TB, c GenConfig, migrate func(url string) error) string {
	tb.Helper()
	base := os.Getenv("TOTTO_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("TOTTO_REQUIRE_POSTGRES") == "1" {
			tb.Fatal("TOTTO_REQUIRE_POSTGRES=1 but TOTTO_TEST_POSTGRES is empty")
		}
		tb.Skip("Postgres benchmarks skipped: set TOTTO_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	schema := "totto_bench_" + c.Key()
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("TOTTO_TEST_POSTGRES: %v", err)
	}
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	ctx := tb.Context()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		tb.Fatalf("connect to TOTTO_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	var done bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.tables
		WHERE table_schema = $1 AND table_name = 'gen_complete')`, schema).Scan(&done); err != nil {
		tb.Fatalf("look for cached schema %s: %v", schema, err)
	}
	if done {
		return u.String()
	}
	begin := time.Now()
	if err := buildPostgres(ctx, conn, schema, u.String(), c, migrate); err != nil {
		tb.Fatalf("generate schema %s: %v", schema, err)
	}
	tb.Logf("generated schema %s in %s", schema, time.Since(begin).Round(time.Second))
	return u.String()
}

func buildPostgres(ctx context.Context, conn *pgx.Conn, schema, url string, c GenConfig, migrate func(string) error) error {
	id := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+id+" CASCADE; CREATE SCHEMA "+id); err != nil {
		return err
	}
	if err := migrate(url); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, t := range Generate(c).Tables {
		next, stop := iterPull(t)
		var row []any
		src := pgx.CopyFromFunc(func() ([]any, error) {
			r, ok := next()
			if !ok {
				return nil, nil
			}
			row = r
			return r, nil
		})
		_, err := conn.CopyFrom(ctx, pgx.Identifier{t.Name}, t.Columns, src)
		stop()
		if err != nil {
			return fmt.Errorf("copy %s (last row %v): %w", t.Name, row, err)
		}
		if _, err := conn.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), max(%s)) FROM %s`,
			t.Name, t.Columns[0], t.Columns[0], t.Name)); err != nil && t.Columns[0] == "id" {
			return fmt.Errorf("reset id sequence of %s: %w", t.Name, err)
		}
	}
	// Vacuumed as autovacuum leaves a table that has settled, so index-only scans need no heap.
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return fmt.Errorf("vacuum analyze: %w", err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE gen_complete ()"); err != nil {
		return errors.Join(errors.New("mark schema complete"), err)
	}
	return nil
}

// iterPull turns a table's rows into a pull iterator for COPY.
func iterPull(t Table) (func() ([]any, bool), func()) {
	return iter.Pull(t.Rows)
}
