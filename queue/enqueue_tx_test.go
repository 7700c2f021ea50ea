package queue

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/totto-ci/totto/store"
)

// A delivery record and the job enqueued with it in one store transaction commit together or not
// at all, on both backends: the property that lets a webhook acknowledgement stand for both.
func TestEnqueueTxCommitsBothOrNeither(t *testing.T) {
	eachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		q, st := db.openWithStore(t, Options{})
		if err := Register(q, river.WorkFunc(func(context.Context, *river.Job[triageArgs]) error { return nil })); err != nil {
			t.Fatal(err)
		}
		// deliver records a delivery and enqueues a job in one transaction; fail, when set, runs
		// last inside it and its error rolls both back.
		deliver := func(id, sha string, fail func(store.Tx) error) (Enqueued, error) {
			var res Enqueued
			err := st.InTx(ctx, func(tx store.Tx) error {
				if _, err := tx.RecordDelivery(ctx, store.Delivery{ID: id, Event: "check_run"}); err != nil {
					return err
				}
				var err error
				if res, err = q.EnqueueTx(ctx, tx, triageArgs{Repo: "o/r", SHA: sha}, EnqueueOpts{Unique: true}); err != nil {
					return err
				}
				if fail != nil {
					return fail(tx)
				}
				return nil
			})
			return res, err
		}
		isNew := func(id string) bool {
			n, err := st.RecordDelivery(ctx, store.Delivery{ID: id, Event: "check_run"})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		jobExists := func(id int64) bool {
			_, err := q.Job(ctx, id)
			if err != nil && !errors.Is(err, river.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}

		kept, err := deliver("d1", "a", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !jobExists(kept.JobID) || isNew("d1") {
			t.Fatal("committed transaction: the job or the delivery is missing")
		}

		boom := errors.New("boom")
		lost, err := deliver("d2", "b", func(store.Tx) error { return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want fn's error", err)
		}
		if jobExists(lost.JobID) || !isNew("d2") {
			t.Fatal("rolled-back transaction: the job or the delivery was kept")
		}

		// A failing delivery record (redelivery of d1 is fine; an empty id is an error) keeps
		// the job out too.
		err = st.InTx(ctx, func(tx store.Tx) error {
			res, err := q.EnqueueTx(ctx, tx, triageArgs{Repo: "o/r", SHA: "c"}, EnqueueOpts{})
			if err != nil {
				return err
			}
			lost = res
			_, err = tx.RecordDelivery(ctx, store.Delivery{Event: "check_run"})
			return err
		})
		if err == nil || jobExists(lost.JobID) {
			t.Fatalf("record failed (%v) but the job enqueued before it was kept", err)
		}

		// Unique still applies inside the transaction.
		dup, err := deliver("d3", "a", nil)
		if err != nil || !dup.Duplicate || dup.JobID != kept.JobID {
			t.Fatalf("duplicate = %+v, %v; want a duplicate of job %d", dup, err, kept.JobID)
		}
	})
}

// The commit itself failing (the database connection cut at the last moment, as when Postgres
// restarts) loses both the delivery and the job, so GitHub's redelivery does the work.
func TestEnqueueTxCommitCutLosesBoth(t *testing.T) {
	db := postgresDB(t)
	ctx := context.Background()
	q, st := db.openWithStore(t, Options{})
	if err := Register(q, river.WorkFunc(func(context.Context, *river.Job[triageArgs]) error { return nil })); err != nil {
		t.Fatal(err)
	}
	killer, err := pgx.Connect(ctx, db.url)
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close(ctx)
	var job int64
	err = st.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.RecordDelivery(ctx, store.Delivery{ID: "cut", Event: "status"}); err != nil {
			return err
		}
		res, err := q.EnqueueTx(ctx, tx, triageArgs{Repo: "o/r", SHA: "cut"}, EnqueueOpts{})
		if err != nil {
			return err
		}
		job = res.JobID
		var pid int
		if err := tx.Driver().Pgx.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			return err
		}
		_, err = killer.Exec(ctx, "SELECT pg_terminate_backend($1)", pid)
		return err
	})
	if err == nil {
		t.Fatal("commit on a terminated connection succeeded")
	}
	if _, err := q.Job(ctx, job); !errors.Is(err, river.ErrNotFound) {
		t.Fatalf("job after the failed commit: %v, want not found", err)
	}
	if n, err := st.RecordDelivery(ctx, store.Delivery{ID: "cut", Event: "status"}); err != nil || !n {
		t.Fatalf("delivery after the failed commit: new=%v, %v; want it absent", n, err)
	}
}

// A transaction of another database cannot carry the queue's job.
func TestEnqueueTxOtherDatabase(t *testing.T) {
	q := sqliteDB(t).open(t, Options{})
	if err := Register(q, river.WorkFunc(func(context.Context, *river.Job[triageArgs]) error { return nil })); err != nil {
		t.Fatal(err)
	}
	_, other := postgresDB(t).openWithStore(t, Options{})
	err := other.InTx(context.Background(), func(tx store.Tx) error {
		_, err := q.EnqueueTx(context.Background(), tx, triageArgs{Repo: "o/r", SHA: "x"}, EnqueueOpts{})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "not on the queue's database") {
		t.Fatalf("EnqueueTx with a Postgres transaction on a SQLite queue = %v", err)
	}
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
