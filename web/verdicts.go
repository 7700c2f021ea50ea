package web

import (
	"context"
	"fmt"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
	"github.com/totto-ci/totto/verdicts"
)

// commitReport triages a commit on what the store holds, for the evidence the commit and job
// pages show, and states each job's kept verdict (the check run's, or the store's later
// decision) rather than the one worked out here, so every page tells the same truth.
func (s *server) commitReport(ctx context.Context, repo store.Repository, sha string) (triage.Report, []store.Job, error) {
	rep, jobs, err := verdicts.FromStore(ctx, s.st, repo, sha, s.deps.Now())
	if err != nil {
		return triage.Report{}, nil, err
	}
	if err := verdicts.Apply(ctx, s.st, &rep, jobs); err != nil {
		return triage.Report{}, nil, err
	}
	return rep, jobs, nil
}

// decideAgain queues the rescan job, which decides again the kept verdicts the change made stale
// (the store marked them when it recorded the change).
func (s *server) decideAgain(ctx context.Context, change string) error {
	if err := s.deps.Rescans.QueueRescan(ctx); err != nil {
		return fmt.Errorf("%s, but deciding the verdicts again: %w; repeating the change queues it", change, err)
	}
	return nil
}

// gridVerdicts reads the kept verdicts of a health grid's failed cells (each the job's latest
// attempt) in one lookup.
func (s *server) gridVerdicts(ctx context.Context, g store.BranchGrid) (map[int64]store.JobVerdict, error) {
	var ids []int64
	for _, c := range g.Commits {
		for _, cell := range c.Cells {
			if triage.Conclusion(cell.Conclusion).Failed() {
				ids = append(ids, cell.JobID)
			}
		}
	}
	return s.st.JobVerdicts(ctx, ids)
}
