package queue

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
)

// TestTwoProcessesShareWork runs two Queues on one Postgres schema, as two App replicas would: both
// must take part, and no job may run twice.
func TestTwoProcessesShareWork(t *testing.T) {
	db := postgresDB(t)
	ctx := context.Background()
	const jobs = 100

	var mu sync.Mutex
	runs := map[int64]int{}
	byProcess := map[string]int{}
	bothWorking := make(chan struct{})
	worker := func(name string) river.Worker[triageArgs] {
		return river.WorkFunc(func(ctx context.Context, job *river.Job[triageArgs]) error {
			mu.Lock()
			runs[job.ID]++
			byProcess[name]++
			if len(byProcess) == 2 && byProcess[name] == 1 {
				close(bothWorking)
			}
			mu.Unlock()
			// Each process runs one job at a time; holding the first job until the other process
			// also has one proves the work is shared rather than drained by whoever starts first.
			select {
			case <-bothWorking:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}

	var queues []*Queue
	var events []<-chan *river.Event
	for _, name := range []string{"a", "b"} {
		q := db.open(t, Options{Workers: 1})
		if err := Register(q, worker(name)); err != nil {
			t.Fatal(err)
		}
		ch, cancel := q.Subscribe(river.EventKindJobCompleted)
		t.Cleanup(cancel)
		queues = append(queues, q)
		events = append(events, ch)
	}
	for i := range jobs {
		if _, err := queues[i%2].Enqueue(ctx, triageArgs{Repo: "o/r", SHA: string(rune('a'+i%26)) + string(rune('0'+i/26))}, EnqueueOpts{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range queues {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for done := 0; done < jobs; done++ {
		select {
		case <-events[0]:
		case <-events[1]:
		case <-time.After(30 * time.Second):
			t.Fatalf("only %d of %d jobs completed within 30s of each other", done, jobs)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != jobs {
		t.Fatalf("%d distinct jobs ran, want %d", len(runs), jobs)
	}
	for id, n := range runs {
		if n != 1 {
			t.Fatalf("job %d ran %d times", id, n)
		}
	}
	if byProcess["a"] == 0 || byProcess["b"] == 0 {
		t.Fatalf("work per process %v: both must take part", byProcess)
	}
}
