package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
	"github.com/totto-ci/totto/verdicts"
)

// triageWorker classifies a commit's failures and writes its one check run.
type triageWorker struct {
	river.WorkerDefaults[TriageCommitArgs]
	p *pipeline
}

// Work implements river.Worker.
func (w *triageWorker) Work(ctx context.Context, job *river.Job[TriageCommitArgs]) error {
	a := job.Args
	l := zerolog.Ctx(ctx).With().Str("repo", a.Repo).Str("sha", a.SHA).Logger()
	ctx = l.WithContext(ctx)
	return jobResult(ctx, w.p.triageCommit(ctx, a))
}

func (p *pipeline) triageCommit(ctx context.Context, a TriageCommitArgs) error {
	repo, err := p.Store.Repository(ctx, a.Repo)
	if errors.Is(err, store.ErrNotFound) {
		zerolog.Ctx(ctx).Info().Msg("repository unknown; nothing to triage")
		return nil
	}
	if err != nil {
		return fmt.Errorf("looking up repository %s: %w", a.Repo, err)
	}
	gh, err := p.GitHub.NewInstallationClient(a.InstallationID)
	if err != nil {
		return fmt.Errorf("GitHub client for installation %d: %w", a.InstallationID, err)
	}
	cfg, err := p.config(ctx, gh, repo.ID, a.Repo)
	if err != nil {
		return err
	}
	decidedAt := time.Now() // the wall clock, as the store's stale marks (not the pinnable Clock)
	jobs, err := p.Store.CommitJobs(ctx, repo.ID, a.SHA)
	if err != nil {
		return err
	}
	in, err := p.input(ctx, gh, repo, a.SHA, cfg, jobs)
	if err != nil {
		return err
	}
	report := triage.Triage(in)
	// Kept before the check run is written, so the pages never trail the check run.
	if err := verdicts.Record(ctx, p.Store, report, jobs, decidedAt); err != nil {
		return err
	}
	// This commit's reruns and hits are part of the precision just read: a pattern they demoted or
	// restored, always one this commit's jobs matched, has other verdicts of the account to decide
	// again. Changes that reach other patterns (history imported by backfill or `totto ingest`)
	// are the rescan job's to find (scan.WatchAllDemotions).
	if changed, err := verdicts.WatchDemotions(ctx, p.Store, repo, matchedPatterns(in), in.Precision); err != nil {
		return err
	} else if len(changed) > 0 {
		zerolog.Ctx(ctx).Info().Ints64("patterns", changed).Msg("demotion changed: their verdicts are decided again")
		if p.Rescans != nil {
			if err := p.Rescans.QueueRescan(ctx); err != nil {
				return err
			}
		}
	}
	reruns, err := p.autoRerun(ctx, gh, repo, report, cfg, jobs)
	if err != nil {
		return err
	}
	return p.publish(ctx, gh, repo, a.SHA, report, cfg, reruns)
}
