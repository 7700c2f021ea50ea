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
	if _, err := q.sqliteDB.ExecContext(ctx, `CREATE TABLE seen (id TEXT PRIMARY KEY)`); err != nil {
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
	if err := q.sqliteDB.QueryRowContext(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if err := q.sqliteDB.QueryRowContext(ctx, `SELECT count(*) FROM seen`).Scan(&seen); err != nil {
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

// Unique jobs collapse only while unfinished, unless UniqueAfterFinish: then a finished job still
// blocks its duplicate (a redelivered slash command must not run twice).
func TestUniqueAfterFinish(t *testing.T) {
	eachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		q := db.open(t, Options{})
		if err := Register(q, river.WorkFunc(func(context.Context, *river.Job[triageArgs]) error { return nil })); err != nil {
			t.Fatal(err)
		}
		events, cancel := q.Subscribe(river.EventKindJobCompleted)
		defer cancel()
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		event := triageArgs{Repo: "o/r", SHA: "job-event"}
		command := triageArgs{Repo: "o/r", SHA: "command"}
		first, err := q.Enqueue(ctx, event, EnqueueOpts{Unique: true})
		if err != nil {
			t.Fatal(err)
		}
		cmd, err := q.Enqueue(ctx, command, EnqueueOpts{Unique: true, UniqueAfterFinish: true})
		if err != nil {
			t.Fatal(err)
		}
		done := map[int64]bool{}
		for len(done) < 2 {
			done[waitEvent(t, events).Job.ID] = true
		}
		if !done[first.JobID] || !done[cmd.JobID] {
			t.Fatalf("completed %v, want jobs %d and %d", done, first.JobID, cmd.JobID)
		}
		again, err := q.Enqueue(ctx, event, EnqueueOpts{Unique: true})
		if err != nil || again.Duplicate {
			t.Fatalf("job event after its job finished: %+v, %v; want new work", again, err)
		}
		cmdAgain, err := q.Enqueue(ctx, command, EnqueueOpts{Unique: true, UniqueAfterFinish: true})
		if err != nil || !cmdAgain.Duplicate || cmdAgain.JobID != cmd.JobID {
			t.Fatalf("command after its job finished: %+v, %v; want a duplicate of %d", cmdAgain, err, cmd.JobID)
		}
	})
}
