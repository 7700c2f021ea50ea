package sqlite_test

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/store/sqlite"
	"github.com/totto-ci/totto/store/storetest"
)

// pruneGen is the prune benchmark's history: 1 M matches over about 100 k logs (a quarter of
// 370 k jobs fail and keep their log), over 180 days.
var pruneGen = storetest.GenConfig{Seed: 1, Repos: 10, Patterns: 200, Jobs: 370_000, Matches: 1_000_000, Days: 180}

// BenchmarkPrune times store.Prune at 1 M matches / 100 k logs: jobs older than 90 days go (with
// the logs and matches only they use), and logs of jobs 30 to 90 days old lose their contents.
// Its peer is the same deletion as bare SQL in one transaction, the floor for the work itself;
// prune/peer is what batching (short transactions the App keeps serving through) costs.
func BenchmarkPrune(b *testing.B) {
	src := storetest.GenSQLite(b, pruneGen, func(u string) error {
		s, err := sqlite.Open(context.Background(), u)
		if err != nil {
			return err
		}
		return s.Close()
	})
	policy := store.Retention{Jobs: 90 * 24 * time.Hour, Logs: 30 * 24 * time.Hour}
	var pruneTime, peerTime time.Duration
	var rep store.PruneReport
	for b.Loop() {
		b.StopTimer()
		url := copyDB(b, src)
		st, err := sqlite.Open(b.Context(), url)
		if err != nil {
			b.Fatal(err)
		}
		blobs, err := blob.OpenDir(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if rep, err = store.Prune(b.Context(), st, blobs, policy, storetest.GenEnd, false); err != nil {
			b.Fatal(err)
		}
		pruneTime += time.Since(start)
		b.StopTimer()
		st.Close()

		peerURL := copyDB(b, src)
		start = time.Now()
		barePrune(b, peerURL, storetest.GenEnd, policy)
		peerTime += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(rep.Jobs), "jobs")
	b.ReportMetric(float64(rep.Matches), "matches")
	b.ReportMetric(float64(rep.DeletedLogs+rep.ExpiredLogs), "logs")
	b.ReportMetric(pruneTime.Seconds()/peerTime.Seconds(), "prune/peer")
	b.ReportMetric(peerTime.Seconds()/float64(b.N), "peer-s/op")
}

// barePrune deletes what Prune does with one statement per table in one transaction.
func barePrune(b *testing.B, url string, now time.Time, p store.Retention) {
	path := strings.TrimPrefix(url, "sqlite:")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)&_time_format=sqlite&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	jobs, logs := now.Add(-p.Jobs).UTC(), now.Add(-p.Logs).UTC()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	const old = `coalesce(completed_at, created_at) < ?1`
	for _, q := range []string{
		`CREATE TEMP TABLE gone AS SELECT l.id FROM logs l WHERE EXISTS (SELECT 1 FROM jobs j WHERE j.log_id = l.id AND coalesce(j.completed_at, j.created_at) < ?1)
			AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.log_id = l.id AND coalesce(j.completed_at, j.created_at) >= ?1)`,
		`DELETE FROM matches WHERE log_id IN (SELECT id FROM gone)`,
		`DELETE FROM pattern_hits WHERE job_id IN (SELECT id FROM jobs WHERE ` + old + `)`,
		`DELETE FROM jobs WHERE ` + old,
		`DELETE FROM logs WHERE id IN (SELECT id FROM gone)`,
	} {
		if _, err := tx.Exec(q, jobs); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := tx.Exec(`UPDATE logs SET expired_at = ?1 WHERE expired_at IS NULL AND created_at < ?2
		AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.log_id = logs.id AND coalesce(j.completed_at, j.created_at) >= ?2)`, now.UTC(), logs); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// copyDB copies the cached generated database to a fresh file.
func copyDB(b *testing.B, url string) string {
	b.Helper()
	in, err := os.Open(strings.TrimPrefix(url, "sqlite:"))
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	dst := filepath.Join(b.TempDir(), "prune.db")
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	return "sqlite:" + dst
}
