package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// testDB is one database a test runs its Queues against.
type testDB struct {
	url    string
	schema string
}

// open opens a Queue on db with short polling and retries, stopping it when the test ends.
func (db testDB) open(t *testing.T, opts Options) *Queue {
	t.Helper()
	opts.Schema = db.schema
	if opts.PollInterval == 0 {
		opts.PollInterval = 20 * time.Millisecond
	}
	if opts.RetryPolicy == nil {
		opts.RetryPolicy = &shortRetry{}
	}
	q, err := Open(context.Background(), db.url, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", db.url, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return q
}

// sqliteDB is a fresh SQLite file in the test's temporary directory.
func sqliteDB(t *testing.T) testDB {
	return testDB{url: "sqlite:" + filepath.Join(t.TempDir(), "queue.db")}
}

// postgresDB is a fresh schema on the Postgres named by TOTTO_TEST_POSTGRES, dropped after the test.
func postgresDB(t *testing.T) testDB {
	t.Helper()
	url := os.Getenv("TOTTO_TEST_POSTGRES")
	if url == "" {
		if os.Getenv("TOTTO_REQUIRE_POSTGRES") == "1" {
			t.Fatal("TOTTO_REQUIRE_POSTGRES=1 but TOTTO_TEST_POSTGRES is not set")
		}
		t.Skip("TOTTO_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable); skipping Postgres queue test")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "queue_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer func() { _ = conn.Close(ctx) }()
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return testDB{url: url, schema: schema}
}

// eachBackend runs a test on SQLite and on Postgres.
func eachBackend(t *testing.T, test func(t *testing.T, db testDB)) {
	t.Run("sqlite", func(t *testing.T) { test(t, sqliteDB(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, postgresDB(t)) })
}

// shortRetry backs off exponentially from 5 ms so retry tests stay fast, and counts its calls so a
// test can tell that failures went through the policy.
type shortRetry struct {
	calls chan int
}

func (p *shortRetry) NextRetry(job *rivertype.JobRow) time.Time {
	if p.calls != nil {
		p.calls <- job.Attempt
	}
	return time.Now().Add(5 * time.Millisecond << job.Attempt)
}

// waitEvent returns the next event on ch, failing the test if none arrives in time.
func waitEvent(t *testing.T, ch <-chan *river.Event) *river.Event {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(30 * time.Second):
		t.Fatal("no queue event within 30s")
		return nil
	}
}
