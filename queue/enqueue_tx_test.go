package queue

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/riverqueue/river"
)

// EnqueueWith on SQLite: the job and the other write commit together, or neither does.
func TestEnqueueWithCommitsBothOrNeither(t *testing.T) {
	db := sqliteDB(t)
	q := db.open(t, Options{})
	if err := Register(q, river.WorkFunc(func(context.Context, *river.Job[triageArgs]) error { return nil })); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := q.sqlite.db.ExecContext(ctx, `CREATE TABLE seen (id TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	record := func(id string) func(context.Context, *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO seen (id) VALUES (?)`, id)
			return err
		}
	}
	ok, err := q.EnqueueWith(ctx, triageArgs{Repo: "o/r", SHA: "a"}, EnqueueOpts{Unique: true}, record("d1"))
	if err != nil {
		t.Fatal(err)
	}
	// The same delivery again: the record fails on its primary key, so the second job is not kept.
	_, err = q.EnqueueWith(ctx, triageArgs{Repo: "o/r", SHA: "b"}, EnqueueOpts{}, record("d1"))
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("second EnqueueWith = %v, want the record's constraint error", err)
	}
	var jobs, seen int
	if err := q.sqlite.db.QueryRowContext(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if err := q.sqlite.db.QueryRowContext(ctx, `SELECT count(*) FROM seen`).Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if jobs != 1 || seen != 1 {
		t.Fatalf("after one good and one rolled-back EnqueueWith: %d jobs, %d records; want 1 and 1", jobs, seen)
	}
	row, err := q.Job(ctx, ok.JobID)
	if err != nil || !strings.Contains(string(row.EncodedArgs), `"sha":"a"`) {
		t.Fatalf("kept job: %+v, %v", row, err)
	}
	// Unique still applies inside the transaction.
	dup, err := q.EnqueueWith(ctx, triageArgs{Repo: "o/r", SHA: "a"}, EnqueueOpts{Unique: true}, record("d2"))
	if err != nil || !dup.Duplicate || dup.JobID != ok.JobID {
		t.Fatalf("duplicate EnqueueWith = %+v, %v; want a duplicate of job %d", dup, err, ok.JobID)
	}
}

// Postgres, and an in-memory SQLite database (not the store's), cannot share the transaction.
func TestEnqueueWithNeedsSQLiteFile(t *testing.T) {
	eachBackend(t, func(t *testing.T, db testDB) {
		if strings.HasPrefix(db.url, "sqlite:") {
			db.url = "sqlite::memory:"
		}
		q := db.open(t, Options{})
		if err := Register(q, river.WorkFunc(func(context.Context, *river.Job[triageArgs]) error { return nil })); err != nil {
			t.Fatal(err)
		}
		called := false
		_, err := q.EnqueueWith(context.Background(), triageArgs{Repo: "o/r", SHA: "a"}, EnqueueOpts{}, func(context.Context, *sql.Tx) error {
			called = true
			return nil
		})
		if !errors.Is(err, ErrNoSharedTx) || called {
			t.Fatalf("EnqueueWith on %s = %v (also called: %v), want ErrNoSharedTx", db.url, err, called)
		}
	})
}
