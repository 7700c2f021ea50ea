package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// CircleCI has no attempt numbers: a re-run is a new workflow whose jobs get new build numbers.
// A CircleCI job's attempts on a commit are therefore its builds on that commit (what triage
// groups as one job), the first counting as one; its attempt number is its build's place among
// them by build number.

// noCircleToken is the note on a flaky CircleCI job when no token is configured.
const noCircleToken = "not re-run: no CircleCI token is configured (circleci.token, a personal API token that may trigger the project)"

// circleCI is the CircleCI client of the operator's configuration.
func (p *pipeline) circleCI() *ciprovider.CircleCI {
	return &ciprovider.CircleCI{BaseURL: p.CircleCI.BaseURL, Token: p.CircleCI.Token, API: p.CircleCI.API, Logs: p.logs, Hosts: p.LogHosts}
}

// circleRerun is one CircleCI re-run decision: the triage report and stored jobs of the commit.
type circleRerun struct {
	p       *pipeline
	c       *ciprovider.CircleCI
	repo    store.Repository
	r       triage.Report
	cfg     RepoConfig
	jobs    []store.Job
	notes   map[triage.JobKey]string // why a flaky job was not re-run this time (not stored)
	seen    map[string]bool          // workflows decided
	claimed map[string]bool          // builds whose re-run was claimed before
}

// rerunCircle re-runs, through CircleCI's "rerun from failed", the workflow of each flaky
// CircleCI job under max_attempts. That re-runs EVERY failed job of the workflow, so it is only
// asked when each of them is flaky and under max_attempts too: a new failure beside a flaky one
// is never re-run. It returns the notes of jobs that were not re-run and why, for this triage
// only (a later triage decides again).
func (p *pipeline) rerunCircle(ctx context.Context, repo store.Repository, r triage.Report, cfg RepoConfig, jobs []store.Job, flaky []triage.JobVerdict) (map[triage.JobKey]string, error) {
	if len(flaky) == 0 {
		return nil, nil
	}
	cr := &circleRerun{p: p, c: p.circleCI(), repo: repo, r: r, cfg: cfg, jobs: jobs, notes: map[triage.JobKey]string{},
		seen: map[string]bool{}, claimed: map[string]bool{}}
	done, err := p.Store.CommitReruns(ctx, repo.ID, r.Commit.SHA)
	if err != nil {
		return nil, err
	}
	for _, d := range done {
		if d.Provider == ident.ProviderCircleCI {
			cr.claimed[d.JobExternalID] = true
		}
	}
	for _, jv := range flaky {
		if err := cr.decide(ctx, jv); err != nil {
			return nil, err
		}
	}
	return cr.notes, nil
}

// decide handles one flaky CircleCI job: finds its workflow and re-runs it when allowed.
func (cr *circleRerun) decide(ctx context.Context, jv triage.JobVerdict) error {
	if cr.c.Token == "" {
		cr.notes[jv.Run.Key()] = noCircleToken
		return nil
	}
	j, t, ok := latestCircleBuild(cr.jobs, jv.Run.Name)
	if !ok || cr.claimed[j.ExternalID] {
		return nil // recorded from the event alone (no build to re-run), or decided before
	}
	b, err := cr.c.Build(ctx, t)
	if ciprovider.IsUnavailable(err) {
		zerolog.Ctx(ctx).Info().Err(err).Str("job", j.Name).Msg("flaky CircleCI build not re-run: the build is gone")
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading CircleCI build %s to re-run it: %w", j.ExternalID, err)
	}
	if gr, perr := ident.ParseRepo(cr.repo.FullName); perr != nil || b.CheckBuild(gr, j.SHA) != nil {
		return nil // CircleCI now names another project or commit: nothing of ours to re-run
	}
	wf := b.WorkflowID()
	if wf == "" {
		cr.notes[jv.Run.Key()] = "not re-run: the CircleCI build ran outside a workflow"
		return nil
	}
	if cr.seen[wf] {
		return nil
	}
	cr.seen[wf] = true
	return cr.rerunWorkflow(ctx, t, wf)
}

// rerunWorkflow checks the finished workflow's failed jobs and, when every one may be re-run,
// claims the re-run (on its lowest-numbered failed build) and asks CircleCI for it.
func (cr *circleRerun) rerunWorkflow(ctx context.Context, t ciprovider.CircleTarget, wf string) error {
	w, err := cr.c.Workflow(ctx, wf)
	if err != nil {
		return cr.refusedOrErr(ctx, err, t)
	}
	if w.Status != "failed" {
		return nil // still running (a later job's report triages again), or not a failure
	}
	listed, err := cr.c.WorkflowJobs(ctx, wf)
	if err != nil {
		return cr.refusedOrErr(ctx, err, t)
	}
	var failed []store.Job
	for _, fj := range listed {
		if !fj.Failed() {
			continue
		}
		sj, ok := storedBuild(cr.jobs, ciprovider.CircleTarget{VCS: t.VCS, Project: t.Project, BuildNum: fj.Number})
		if !ok {
			return nil // not reported yet: its status will triage the commit again
		}
		failed = append(failed, sj)
	}
	if len(failed) == 0 {
		return nil
	}
	for _, sj := range failed {
		if why := cr.blocker(sj); why != "" {
			for _, o := range failed { // said where a re-run was due: under the flaky jobs
				if jv, ok := verdictOf(cr.r, ident.ProviderCircleCI, o.Name); ok && jv.Verdict == triage.Flaky {
					cr.notes[jv.Run.Key()] = fmt.Sprintf("not re-run: CircleCI re-runs every failed job of workflow %q, and %s", w.Name, why)
				}
			}
			return nil
		}
	}
	sort.Slice(failed, func(a, b int) bool { return buildNum(failed[a]) < buildNum(failed[b]) })
	gate := failed[0]
	claimed, err := cr.p.Store.ClaimRerun(ctx, cr.claim(gate))
	if err != nil || !claimed {
		return err // claimed before: this attempt was re-run (or refused) already
	}
	outcome := store.RerunRequested
	if _, err := cr.c.RerunFromFailed(ctx, wf); err != nil {
		if !circleFinal(err) {
			if rerr := cr.p.Store.ReleaseRerun(ctx, cr.repo.ID, gate.Provider, gate.ExternalID); rerr != nil {
				return errors.Join(err, rerr)
			}
			return err
		}
		outcome = refusedNote(err)
		zerolog.Ctx(ctx).Warn().Err(err).Str("workflow", wf).Msg("automatic CircleCI re-run refused")
	} else {
		zerolog.Ctx(ctx).Info().Str("workflow", wf).Int("failed_jobs", len(failed)).Msg("flaky CircleCI workflow re-run from failed")
	}
	for i, sj := range failed {
		if i > 0 {
			if _, err := cr.p.Store.ClaimRerun(ctx, cr.claim(sj)); err != nil {
				return err
			}
		}
		if err := cr.p.Store.SetRerunOutcome(ctx, cr.repo.ID, sj.Provider, sj.ExternalID, outcome); err != nil {
			return err
		}
	}
	return nil
}

// blocker says why a failed job of the workflow may not be re-run ("" when it may).
func (cr *circleRerun) blocker(sj store.Job) string {
	jv, ok := verdictOf(cr.r, ident.ProviderCircleCI, sj.Name)
	switch {
	case !ok || jv.Verdict != triage.Flaky:
		return fmt.Sprintf("job %q failed and is not flaky", sj.Name)
	case jv.Attempts >= cr.cfg.Rerun.MaxAttempts:
		return fmt.Sprintf("job %q already had max_attempts (%d) attempts", sj.Name, cr.cfg.Rerun.MaxAttempts)
	}
	return ""
}

// claim is the store's claim on re-running one failed build, with its attempt number.
func (cr *circleRerun) claim(sj store.Job) store.Rerun {
	return store.Rerun{RepoID: cr.repo.ID, SHA: sj.SHA, Provider: sj.Provider, JobExternalID: sj.ExternalID, JobName: sj.Name,
		Attempt: circleAttempt(cr.jobs, sj), At: cr.p.Clock()}
}

// refusedOrErr turns CircleCI refusing to show the workflow into a note on the flaky job (the
// token cannot re-run what it cannot see) and passes other errors up to be retried.
func (cr *circleRerun) refusedOrErr(ctx context.Context, err error, t ciprovider.CircleTarget) error {
	if !circleFinal(err) {
		return err
	}
	zerolog.Ctx(ctx).Warn().Err(err).Msg("flaky CircleCI job not re-run")
	if sj, ok := storedBuild(cr.jobs, t); ok {
		cr.notes[triage.JobKey{Provider: ident.ProviderCircleCI, Name: sj.Name}] = refusedNote(err)
	}
	return nil
}

// circleFinal says whether a CircleCI answer will not change by asking again with the same
// configuration: a refused token, no API v2 root, a redirect to another host.
func circleFinal(err error) bool {
	return ciprovider.IsRerunRefused(err) || errors.Is(err, ciprovider.ErrNoV2Root) || errors.Is(err, ciprovider.ErrCrossHostRedirect)
}

// refusedNote is the check run's line for a refused or impossible CircleCI re-run.
func refusedNote(err error) string {
	var re *ciprovider.RerunRefusedError
	if errors.As(err, &re) {
		why := fmt.Sprintf("HTTP %d", re.Status)
		if re.Message != "" {
			why += ": " + re.Message
		}
		return fmt.Sprintf("not re-run: CircleCI refused the token (%s); re-running needs a personal API token of a user who may trigger the project", why)
	}
	return "not re-run: " + err.Error()
}

// latestCircleBuild is the stored build of a CircleCI job with the highest build number.
func latestCircleBuild(jobs []store.Job, name string) (store.Job, ciprovider.CircleTarget, bool) {
	var best store.Job
	var bt ciprovider.CircleTarget
	for _, j := range jobs {
		if j.Provider != ident.ProviderCircleCI || j.Name != name {
			continue
		}
		if t, ok := ciprovider.ParseCircleExternalID(j.ExternalID); ok && t.BuildNum > bt.BuildNum {
			best, bt = j, t
		}
	}
	return best, bt, bt.BuildNum > 0
}

// storedBuild finds the stored job of a CircleCI build.
func storedBuild(jobs []store.Job, t ciprovider.CircleTarget) (store.Job, bool) {
	id := t.ExternalID()
	for _, j := range jobs {
		if j.Provider == ident.ProviderCircleCI && j.ExternalID == id {
			return j, true
		}
	}
	return store.Job{}, false
}

// buildNum is a stored CircleCI job's build number (0 when its id names none).
func buildNum(j store.Job) int {
	t, _ := ciprovider.ParseCircleExternalID(j.ExternalID)
	return t.BuildNum
}

// circleAttempt is a CircleCI build's attempt number: 1 + the builds of the same job on the same
// commit with lower build numbers.
func circleAttempt(jobs []store.Job, sj store.Job) int {
	n, own := 1, buildNum(sj)
	for _, j := range jobs {
		if j.Provider == sj.Provider && j.Name == sj.Name && buildNum(j) > 0 && buildNum(j) < own {
			n++
		}
	}
	return n
}

// verdictOf finds a job's verdict in a report.
func verdictOf(r triage.Report, provider ident.Provider, name string) (triage.JobVerdict, bool) {
	for _, jv := range r.Jobs {
		if jv.Run.Provider == provider && jv.Run.Name == name {
			return jv, true
		}
	}
	return triage.JobVerdict{}, false
}
