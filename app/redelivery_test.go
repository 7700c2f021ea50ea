package app

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/totto-ci/totto/internal/sqlitedb"
	"github.com/totto-ci/totto/internal/testdb"
)

// breakQueue makes every enqueue fail (the job table is renamed away) until restore is called,
// while the delivery table stays writable: the store and the queue share the database, so only
// the transaction binding them keeps a delivery from being remembered without its job.
func breakQueue(t *testing.T, a *App) (restore func()) {
	t.Helper()
	exec := func(q string) {
		t.Helper()
		var err error
		if c := a.Store.Conn(); c.SQL != nil {
			_, err = c.SQL.ExecContext(context.Background(), q)
		} else {
			_, err = c.Pgx.Exec(context.Background(), q)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	exec(`ALTER TABLE river_job RENAME TO river_job_away`)
	return func() { exec(`ALTER TABLE river_job_away RENAME TO river_job`) }
}

// A job event whose enqueue fails is answered 500 and not remembered, so GitHub's redelivery of
// the same delivery id is processed instead of being ignored as already seen (found by the
// reliability suite's pg_terminate_backend run, where such jobs were lost).
func TestJobEventRedeliveredAfterEnqueueFailure(t *testing.T) {
	db := testdb.SQLiteURL(t)
	body := corpusDelivery(t, "real", "gitauto", "check_run", "completed.json")

	a := newTestApp(t, db, false)
	restore := breakQueue(t, a)
	wantCode(t, post(t, a, "check_run", "d-1", body, true), http.StatusInternalServerError)
	restore()
	wantCode(t, post(t, a, "check_run", "d-1", body, true), http.StatusOK)
	if got := processJobs(t, a); len(got) != 1 || got[0].JobID != 31710113401 {
		t.Fatalf("after the redelivery the queue holds %+v, want the one process_job", got)
	}
}

// The same for a slash command (the reliability suite's Postgres restart lost one): the failed
// delivery is not remembered, and its redelivery queues the command once. A redelivery after
// that, and the same comment under a new delivery id (a replay), queue nothing more: the command
// is unique per comment even after it ran.
func TestCommandRedeliveredAfterEnqueueFailure(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := b.url(t)
		body := edit(t, corpusDelivery(t, "real", "pytorch-torchci", "issue_comment.json"), func(m map[string]any) {
			m["comment"].(map[string]any)["body"] = "/totto known-broken lint flaky runner"
		})

		a := newTestApp(t, db, false)
		restore := breakQueue(t, a)
		wantCode(t, post(t, a, "issue_comment", "c-1", body, true), http.StatusInternalServerError)
		restore()
		wantCode(t, post(t, a, "issue_comment", "c-1", body, true), http.StatusOK)
		if got := commandJobs(t, a); len(got) != 1 || got[0].CommentID != 1057427273 {
			t.Fatalf("after the redelivery the queue holds %+v, want the one command", got)
		}
		wantCode(t, post(t, a, "issue_comment", "c-1", body, true), http.StatusOK)
		wantCode(t, post(t, a, "issue_comment", "c-2", body, true), http.StatusOK)
		if got := commandJobs(t, a); len(got) != 1 {
			t.Fatalf("a redelivery and a replay queued more: %+v", got)
		}
	})
}

// A delivery that cannot reach the database in time is answered 500 before GitHub's 10 s
// timeout, not left hanging: here SQLite's writer slot is held by another writer of the process
// for longer than the (shortened) deadline.
func TestWebhookAnsweredWithinDeadlineWhenDatabaseIsStuck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "totto.db")
	a := newTestApp(t, "sqlite:"+path, false)
	saved := webhookDeadline
	webhookDeadline = 200 * time.Millisecond
	t.Cleanup(func() { webhookDeadline = saved })

	other, err := sqlitedb.Open(path, url.Values{"_txlock": {"immediate"}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(context.Background(), nil) // holds the slot
	if err != nil {
		t.Fatal(err)
	}
	body := corpusDelivery(t, "real", "gitauto", "check_run", "completed.json")
	wantCode(t, post(t, a, "check_run", "d-stuck", body, true), http.StatusInternalServerError)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	webhookDeadline = saved // the redelivery meets no stuck writer; under -race it may take longer
	// Nothing half-done: the redelivery is new and queues the job once.
	wantCode(t, post(t, a, "check_run", "d-stuck", body, true), http.StatusOK)
	if got := processJobs(t, a); len(got) != 1 {
		t.Fatalf("after the redelivery the queue holds %+v, want one process_job", got)
	}
}
