package queue

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/totto-ci/totto/store"
	_ "github.com/totto-ci/totto/store/postgres" // postgres:// test databases
	_ "github.com/totto-ci/totto/store/sqlite"   // sqlite: test databases
	"github.com/totto-ci/totto/store/storetest"
)

// testDB is one database a test runs its Queues against.
type testDB struct {
	url string
}

// open opens a Queue on db with short polling and retries, on a store of its own (as a process
// would), stopping both when the test ends.
func (db testDB) open(t *testing.T, opts Options) *Queue {
	t.Helper()
	q, _ := db.openWithStore(t, opts)
	return q
}

func (db testDB) openWithStore(t *testing.T, opts Options) (*Queue, store.Store) {
	t.Helper()
	if opts.PollInterval == 0 {
		opts.PollInterval = 20 * time.Millisecond
	}
	if opts.RetryPolicy == nil {
		opts.RetryPolicy = &shortRetry{}
	}
	st, err := store.Open(context.Background(), db.url)
	if err != nil {
		t.Fatalf("open store %s: %v", db.url, err)
	}
	q, err := Open(context.Background(), st.Conn(), opts)
	if err != nil {
		st.Close()
		t.Fatalf("Open(%s): %v", db.url, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return q, st
}

// sqliteDB is a fresh SQLite file in the test's temporary directory.
func sqliteDB(t *testing.T) testDB {
	return testDB{url: "sqlite:" + filepath.Join(t.TempDir(), "queue.db")}
}

// postgresDB is a fresh schema on the Postgres named by TOTTO_TEST_POSTGRES, dropped after the test.
func postgresDB(t *testing.T) testDB {
	t.Helper()
	return testDB{url: storetest.PostgresURL(t)}
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
