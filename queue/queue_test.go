package queue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/riverqueue/river"
)

// triageArgs is shaped like the App's triage job: its args are exactly its unique key.
type triageArgs struct {
	Repo string `json:"repo"`
	SHA  string `json:"sha"`
}

func (triageArgs) Kind() string { return "test_triage" }

func TestJobSurvivesRestart(t *testing.T) {
	eachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		first := db.open(t, Options{})
		if err := Register(first, river.WorkFunc(func(context.Context, *river.Job[triageArgs]) error {
			t.Error("the first process must not work the job: it was never started")
			return nil
		})); err != nil {
			t.Fatal(err)
		}
		enq, err := first.Enqueue(ctx, triageArgs{Repo: "o/r", SHA: "abc"}, EnqueueOpts{})
		if err != nil {
			t.Fatal(err)
		}
		if err := first.Stop(ctx); err != nil {
			t.Fatal(err)
		}

		second := db.open(t, Options{})
		got := make(chan triageArgs, 1)
		if err := Register(second, river.WorkFunc(func(_ context.Context, job *river.Job[triageArgs]) error {
			got <- job.Args
			return nil
		})); err != nil {
			t.Fatal(err)
		}
		events, cancel := second.Subscribe(river.EventKindJobCompleted)
		defer cancel()
		if err := second.Start(ctx); err != nil {
			t.Fatal(err)
		}
		ev := waitEvent(t, events)
		if ev.Job.ID != enq.JobID {
			t.Fatalf("completed job %d, want the one enqueued before the restart, %d", ev.Job.ID, enq.JobID)
		}
		if args := <-got; args != (triageArgs{Repo: "o/r", SHA: "abc"}) {
			t.Fatalf("worker got args %+v", args)
		}
	})
}

func TestFailingJobRetriedWithBackoff(t *testing.T) {
	eachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		policy := &shortRetry{calls: make(chan int, 10)}
		q := db.open(t, Options{RetryPolicy: policy})
		var mu sync.Mutex
		var attempts []int
		if err := Register(q, river.WorkFunc(func(_ context.Context, job *river.Job[triageArgs]) error {
			mu.Lock()
			attempts = append(attempts, job.Attempt)
			mu.Unlock()
			if job.Attempt < 3 {
				return fmt.Errorf("log download failed on attempt %d", job.Attempt)
			}
			return nil
		})); err != nil {
			t.Fatal(err)
		}
		events, cancel := q.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
		defer cancel()
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Enqueue(ctx, triageArgs{Repo: "o/r", SHA: "retry"}, EnqueueOpts{MaxAttempts: 5}); err != nil {
			t.Fatal(err)
		}
		for i, want := range []river.EventKind{river.EventKindJobFailed, river.EventKindJobFailed, river.EventKindJobCompleted} {
			if ev := waitEvent(t, events); ev.Kind != want {
				t.Fatalf("event %d is %s, want %s", i, ev.Kind, want)
			}
		}
		for _, want := range []int{1, 2} {
			if got := <-policy.calls; got != want {
				t.Fatalf("retry policy asked about attempt %d, want %d", got, want)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if fmt.Sprint(attempts) != "[1 2 3]" {
			t.Fatalf("worker attempts %v, want [1 2 3]", attempts)
		}
	})
}

func TestJobDiscardedAfterMaxAttempts(t *testing.T) {
	eachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		q := db.open(t, Options{MaxAttempts: 2})
		if err := Register(q, river.WorkFunc(func(context.Context, *river.Job[triageArgs]) error {
			return errors.New("always fails")
		})); err != nil {
			t.Fatal(err)
		}
		events, cancel := q.Subscribe(river.EventKindJobFailed)
		defer cancel()
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		enq, err := q.Enqueue(ctx, triageArgs{Repo: "o/r", SHA: "doomed"}, EnqueueOpts{})
		if err != nil {
			t.Fatal(err)
		}
		waitEvent(t, events)
		ev := waitEvent(t, events)
		if ev.Job.ID != enq.JobID || ev.Job.State != "discarded" || ev.Job.Attempt != 2 {
			t.Fatalf("after max attempts: job %d state %s attempt %d; want job %d discarded at attempt 2",
				ev.Job.ID, ev.Job.State, ev.Job.Attempt, enq.JobID)
		}
	})
}

func TestBurstOfUniqueEnqueuesRunsOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		q := db.open(t, Options{})
		var mu sync.Mutex
		runs := map[int64]int{}
		if err := Register(q, river.WorkFunc(func(_ context.Context, job *river.Job[triageArgs]) error {
			mu.Lock()
			runs[job.ID]++
			mu.Unlock()
			return nil
		})); err != nil {
			t.Fatal(err)
		}
		events, cancel := q.Subscribe(river.EventKindJobCompleted)
		defer cancel()
		// The burst goes in before the workers start, so no enqueue can race the job's completion
		// (a finished job no longer holds its unique key) however slow the machine is.
		key := triageArgs{Repo: "o/r", SHA: "burst"}
		results := make([]Enqueued, 50)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() {
				res, err := q.Enqueue(ctx, key, EnqueueOpts{Unique: true})
				if err != nil {
					t.Errorf("enqueue %d: %v", i, err)
				}
				results[i] = res
			})
		}
		wg.Wait()
		dups := 0
		for i, r := range results {
			if r.JobID != results[0].JobID {
				t.Fatalf("enqueue %d gave job %d, want every enqueue to name job %d", i, r.JobID, results[0].JobID)
			}
			if r.Duplicate {
				dups++
			}
		}
		if dups != 49 {
			t.Fatalf("%d of 50 enqueues were duplicates, want 49", dups)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if ev := waitEvent(t, events); ev.Job.ID != results[0].JobID {
			t.Fatalf("completed job %d, want %d", ev.Job.ID, results[0].JobID)
		}
		mu.Lock()
		if len(runs) != 1 || runs[results[0].JobID] != 1 {
			t.Fatalf("executions by job %v, want job %d once", runs, results[0].JobID)
		}
		mu.Unlock()

		// Once the job finished, the same key queues fresh work (a later push must be triaged).
		again, err := q.Enqueue(ctx, key, EnqueueOpts{Unique: true})
		if err != nil {
			t.Fatal(err)
		}
		if again.Duplicate || again.JobID == results[0].JobID {
			t.Fatalf("enqueue after completion = %+v, want a new job", again)
		}
		waitEvent(t, events)
	})
}

func TestPanickingWorkerIsRetried(t *testing.T) {
	eachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		q := db.open(t, Options{})
		if err := Register(q, river.WorkFunc(func(_ context.Context, job *river.Job[triageArgs]) error {
			if job.Attempt == 1 {
				panic("nil map in triage")
			}
			return nil
		})); err != nil {
			t.Fatal(err)
		}
		events, cancel := q.Subscribe(river.EventKindJobCompleted)
		defer cancel()
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Enqueue(ctx, triageArgs{Repo: "o/r", SHA: "panic"}, EnqueueOpts{}); err != nil {
			t.Fatal(err)
		}
		ev := waitEvent(t, events)
		if ev.Job.Attempt != 2 || len(ev.Job.Errors) != 1 || !strings.Contains(ev.Job.Errors[0].Error, "nil map in triage") {
			t.Fatalf("completed at attempt %d with errors %+v; want attempt 2 after one recorded panic", ev.Job.Attempt, ev.Job.Errors)
		}
	})
}
