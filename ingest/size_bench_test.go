package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	_ "github.com/totto-ci/totto/store/postgres"
	_ "github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

// corpusLogs reads the corpus's text logs (binary and empty files left out).
func corpusLogs(b *testing.B) [][]byte {
	root := testcorpus.Path(b, "logs")
	var out [][]byte
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 || bytes.IndexByte(data[:min(len(data), 8<<10)], 0) >= 0 {
			return nil
		}
		out = append(out, data)
		return nil
	})
	if len(out) == 0 {
		b.Skip("no corpus logs")
	}
	return out
}

// BenchmarkStoreSize stores 1,000 failed jobs with real CI logs (the corpus's, cycled, each made
// distinct with its job number, as timestamps make real logs) scanned with the built-in packs, and
// reports the database's and the log store's size per 1,000 failed jobs, beside the raw bytes.
func BenchmarkStoreSize(b *testing.B) {
	logs := corpusLogs(b)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			for b.Loop() {
				var url string
				dir := b.TempDir()
				if backend == "sqlite" {
					url = "sqlite:" + filepath.Join(dir, "totto.db")
				} else {
					url = storetest.PostgresURL(b)
				}
				raw, dbBytes, logBytes := fill(b, url, filepath.Join(dir, "logs"), logs)
				b.ReportMetric(float64(raw), "raw-bytes/1000jobs")
				b.ReportMetric(float64(dbBytes), "db-bytes/1000jobs")
				b.ReportMetric(float64(logBytes), "logstore-bytes/1000jobs")
			}
		})
	}
}

func fill(b *testing.B, url, logDir string, logs [][]byte) (raw, dbBytes, logBytes int64) {
	ctx := b.Context()
	st, err := store.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	blobs, err := blob.OpenDir(logDir)
	if err != nil {
		b.Fatal(err)
	}
	if err := ingest.SyncBuiltins(ctx, st, "bench"); err != nil {
		b.Fatal(err)
	}
	repo, err := store.RecordRepository(ctx, st, "o/r", true)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for i := range 1000 {
		content := append(fmt.Appendf(nil, "job %d\n", i), logs[i%len(logs)]...)
		raw += int64(len(content))
		l, err := ingest.StoreLog(ctx, st, blobs, bytes.NewReader(content), 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.UpsertJob(ctx, store.Job{Provider: "ingest", ExternalID: fmt.Sprint(i), Attempt: 1, RepoID: repo.ID,
			SHA: fmt.Sprintf("%040x", i/10), Name: fmt.Sprintf("job-%d", i%10), Conclusion: "failure", CompletedAt: &now,
			LogID: &l.ID, LogState: store.LogStored}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := scan.Rescan(ctx, st, blobs, scan.RescanOptions{}); err != nil {
		b.Fatal(err)
	}
	st.Close()
	filepath.WalkDir(logDir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				logBytes += info.Size()
			}
		}
		return nil
	})
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		for _, suffix := range []string{"", "-wal"} {
			if info, err := os.Stat(path + suffix); err == nil {
				dbBytes += info.Size()
			}
		}
		return raw, dbBytes, logBytes
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(context.Background())
	// Only totto's tables (the queue's are empty here), in the test's schema.
	if err := conn.QueryRow(context.Background(), `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname = current_schema()`).Scan(&dbBytes); err != nil {
		b.Fatal(err)
	}
	return raw, dbBytes, logBytes
}
