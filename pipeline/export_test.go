package pipeline

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/totto-ci/totto/queue"
)

// stalledTriage stands for a process that dies while triaging: it signals that it started and
// then holds the job until the queue is stopped.
type stalledTriage struct {
	river.WorkerDefaults[TriageCommitArgs]
	started chan<- struct{}
}

func (w *stalledTriage) Work(ctx context.Context, _ *river.Job[TriageCommitArgs]) error {
	select {
	case w.started <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return ctx.Err()
}

// RegisterStalledTriage registers the pipeline's workers with a triage worker that never
// finishes, for tests that stop the queue between processing jobs and triaging the commit.
func RegisterStalledTriage(q *queue.Queue, deps Deps, started chan<- struct{}) error {
	p, err := newPipeline(q, deps)
	if err != nil {
		return err
	}
	if err := queue.Register(q, river.Worker[ProcessJobArgs](&processWorker{p: p})); err != nil {
		return err
	}
	if err := queue.Register(q, river.Worker[retriageArgs](&retriageWorker{p: p})); err != nil {
		return err
	}
	return queue.Register(q, river.Worker[TriageCommitArgs](&stalledTriage{started: started}))
}
