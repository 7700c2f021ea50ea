package scan_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/store/postgres"
	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

// benchLogs is the history size the "nothing new" rescan target is stated for.
const benchLogs = 100_000

// countingStore is the real store, counting the calls a rescan makes: all of them, and those
// whose cost grows with the database (Stats) or that a cached matcher saves (Patterns).
type countingStore struct {
	store.Store
	calls, stats, loads atomic.Int64
}

func (c *countingStore) PendingScans(ctx context.Context, after int64, limit int) ([]store.PendingScan, error) {
	c.calls.Add(1)
	return c.Store.PendingScans(ctx, after, limit)
}

func (c *countingStore) Patterns(ctx context.Context, f store.PatternFilter) ([]store.Pattern, error) {
	c.calls.Add(1)
	c.loads.Add(1)
	return c.Store.Patterns(ctx, f)
}

func (c *countingStore) Stats(ctx context.Context) (store.Stats, error) {
	c.calls.Add(1)
	c.stats.Add(1)
	return c.Store.Stats(ctx)
}

// seedScanned adds 100 patterns through the store, then bulk-loads n logs already scanned with
// all of them (a minimal generator: only what the rescan query reads).
func seedScanned(b *testing.B, st store.Store, bulk func(rows [][]any) error) {
	b.Helper()
	var ps []store.Pattern
	for i := range 100 {
		ps = append(ps, lit(fmt.Sprintf("p%d", i), fmt.Sprintf("error %d", i)))
	}
	ch, err := st.AddPatterns(b.Context(), ps, "bench")
	if err != nil {
		b.Fatal(err)
	}
	top := ch[len(ch)-1].ID
	rows := make([][]any, 0, benchLogs)
	for i := range benchLogs {
		key := fmt.Sprintf("%064x", uint64(i)*0x9e3779b97f4a7c15)
		rows = append(rows, []any{key, int64(20_000), int64(500), false, blob.KeyFor(key), top})
	}
	if err := bulk(rows); err != nil {
		b.Fatal(err)
	}
}

func benchNothingNew(b *testing.B, st store.Store) {
	blobs, err := blob.OpenDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if s, err := st.Stats(b.Context()); err != nil || s.Logs != benchLogs || s.UnscannedPairs != 0 {
		b.Fatalf("seeded stats %+v, %v", s, err)
	}
	cs := &countingStore{Store: st}
	b.ResetTimer()
	for b.Loop() {
		res, err := scan.Rescan(b.Context(), cs, blobs, scan.RescanOptions{})
		if err != nil || res.Done != 0 {
			b.Fatalf("rescan: %+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(cs.calls.Load())/float64(b.N), "queries/op")
}

// BenchmarkRescanNothingNew: a rescan when no pattern is new must cost one query, whatever the
// number of stored logs.
func BenchmarkRescanNothingNew(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "bench.db")
		st, err := sqlite.Open(b.Context(), "sqlite:"+path)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		seedScanned(b, st, func(rows [][]any) error {
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
			if err != nil {
				return err
			}
			defer db.Close()
			tx, err := db.Begin()
			if err != nil {
				return err
			}
			stmt, err := tx.Prepare(`INSERT INTO logs (sha256, raw_size, lines, truncated, storage_key, scanned_through) VALUES (?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if _, err := stmt.Exec(r...); err != nil {
					return err
				}
			}
			return tx.Commit()
		})
		benchNothingNew(b, st)
	})
	b.Run("postgres", func(b *testing.B) {
		url := storetest.PostgresURL(b)
		st, err := postgres.Open(b.Context(), url)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		seedScanned(b, st, func(rows [][]any) error {
			conn, err := pgx.Connect(b.Context(), url)
			if err != nil {
				return err
			}
			defer conn.Close(b.Context())
			if _, err := conn.CopyFrom(b.Context(), pgx.Identifier{"logs"},
				[]string{"sha256", "raw_size", "lines", "truncated", "storage_key", "scanned_through"}, pgx.CopyFromRows(rows)); err != nil {
				return err
			}
			_, err = conn.Exec(b.Context(), "ANALYZE logs")
			return err
		})
		benchNothingNew(b, st)
	})
}

// BenchmarkRescanNewPattern: one new pattern over 200 stored ~125 KB logs: read, decompress,
// normalise, match and one transaction per log.
func BenchmarkRescanNewPattern(b *testing.B) {
	st, err := sqlite.Open(b.Context(), "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	blobs, err := blob.OpenDir(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	r, err := st.UpsertRepository(b.Context(), store.Repository{FullName: "o/r", Active: true})
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for i := range 200 {
		var sb strings.Builder
		for line := range 2000 {
			fmt.Fprintf(&sb, "2026-01-01T00:00:%02dZ [%d] compiling module %d of job %d ... ok\n", line%60, line, line*i, i)
		}
		l, err := ingest.StoreLog(b.Context(), st, blobs, strings.NewReader(sb.String()), 0)
		if err != nil {
			b.Fatal(err)
		}
		total += l.RawSize
		if _, err := st.UpsertJob(b.Context(), store.Job{Provider: "p", ExternalID: fmt.Sprint(i), RepoID: r.ID, SHA: "s", Name: "j", LogID: &l.ID}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(total)
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++
		if _, err := st.AddPatterns(b.Context(), []store.Pattern{lit(fmt.Sprint("p", n), fmt.Sprintf("module %d of", n))}, "bench"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := scan.Rescan(b.Context(), st, blobs, scan.RescanOptions{})
		if err != nil || res.Done != 200 {
			b.Fatalf("rescan: %+v, %v", res, err)
		}
	}
}
