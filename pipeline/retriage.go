package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/totto-ci/totto/queue"
)

// retriageArgs asks for a commit's triage to be queued as soon as no triage of that commit is
// running. The triage job is unique per commit including while it runs, so an event arriving
// during a run would otherwise be folded into a run that has already read its inputs.
type retriageArgs struct {
	InstallationID int64  `json:"installation_id"`
	Repo           string `json:"repo" river:"unique"`
	SHA            string `json:"sha" river:"unique"`
}

// Kind names the job for the queue.
func (retriageArgs) Kind() string { return "retriage_commit" }

// busyWait is how long a retriage waits for a running triage to finish before trying again.
const busyWait = 500 * time.Millisecond

type retriageWorker struct {
	river.WorkerDefaults[retriageArgs]
	p *pipeline
}

// Work implements river.Worker.
func (w *retriageWorker) Work(ctx context.Context, job *river.Job[retriageArgs]) error {
	a := job.Args
	busy, err := w.p.tryEnqueueTriage(ctx, a.InstallationID, a.Repo, a.SHA)
	if err != nil {
		return jobResult(ctx, err)
	}
	if busy {
		return river.JobSnooze(busyWait)
	}
	return nil
}

// enqueueTriage queues the commit's triage, unique per (repo, SHA) and debounced; if a triage of
// the commit is running right now, a retriage job queues it again once that run is over. The
// retriage is queued due now and snoozes while the triage runs: River keeps a snooze shorter than
// its scheduler's interval (5 s) available, so the next poll picks it up, whereas a job queued
// with a delay waits for the scheduler's next pass.
func (p *pipeline) enqueueTriage(ctx context.Context, installationID int64, repo, sha string) error {
	busy, err := p.tryEnqueueTriage(ctx, installationID, repo, sha)
	if err != nil || !busy {
		return err
	}
	if _, err := p.q.Enqueue(ctx, retriageArgs{InstallationID: installationID, Repo: repo, SHA: sha},
		queue.EnqueueOpts{Unique: true}); err != nil {
		return fmt.Errorf("queueing re-triage of %s@%s: %w", repo, sha, err)
	}
	return nil
}

// tryEnqueueTriage queues the triage and reports busy when an existing one may not see what
// changed: it is running, or it finished between the enqueue that found it and the look at its
// state (a triage that read its inputs before the change; treating it as not busy lost the
// change, and the check run missed a job).
func (p *pipeline) tryEnqueueTriage(ctx context.Context, installationID int64, repo, sha string) (bool, error) {
	res, err := p.q.Enqueue(ctx, TriageCommitArgs{InstallationID: installationID, Repo: repo, SHA: sha},
		queue.EnqueueOpts{Unique: true, Delay: p.TriageDelay})
	if err != nil {
		return false, fmt.Errorf("queueing triage of %s@%s: %w", repo, sha, err)
	}
	if !res.Duplicate {
		return false, nil
	}
	row, err := p.q.Job(ctx, res.JobID)
	if err != nil {
		return false, fmt.Errorf("state of triage of %s@%s: %w", repo, sha, err)
	}
	switch row.State {
	case rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStatePending, rivertype.JobStateRetryable:
		return false, nil // it has yet to run, and will read what changed
	}
	return true, nil
}
