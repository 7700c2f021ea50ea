package app

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
)

// A job event whose enqueue fails is answered 500 and not remembered, so GitHub's redelivery of
// the same delivery id is processed instead of being ignored as already seen (found by the
// reliability suite's pg_terminate_backend run, where such jobs were lost).
func TestJobEventRedeliveredAfterEnqueueFailure(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "totto.db")
	body := corpusDelivery(t, "real", "gitauto", "check_run", "completed.json")

	broken := newTestApp(t, db, false)
	if err := broken.Queue.Stop(context.Background()); err != nil { // closes the queue's database
		t.Fatal(err)
	}
	broken.Queue = nil // stopped: Close must not stop it again
	wantCode(t, post(t, broken, "check_run", "d-1", body, true), http.StatusInternalServerError)

	a := newTestApp(t, db, false)
	wantCode(t, post(t, a, "check_run", "d-1", body, true), http.StatusOK)
	if got := processJobs(t, a); len(got) != 1 || got[0].JobID != 31710113401 {
		t.Fatalf("after the redelivery the queue holds %+v, want the one process_job", got)
	}
}
