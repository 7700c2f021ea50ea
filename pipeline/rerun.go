package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// noRerunPermission is the outcome recorded when GitHub refuses a re-run for lack of permission.
const noRerunPermission = "not re-run: the App installation lacks the Actions: write permission"

// autoRerun re-runs, when the repository opted in (`rerun.flaky`), each job whose failure is
// flaky by pattern or by its tests' history (a job that already passed on a rerun needs none).
// Limits: only while the job has fewer than rerun.max_attempts attempts, only on
// rerun.branches, and each failed attempt at most once (a claim in the store, taken before
// asking the CI). A GitHub Actions job is re-run alone (never its neighbours in the workflow
// run, which may be never-flaky or new); a CircleCI job through its workflow's "rerun from
// failed", only when every failed job of that workflow may be re-run (rerunCircle). It returns
// what the check run says about re-runs, per job.
func (p *pipeline) autoRerun(ctx context.Context, gh *github.Client, repo store.Repository, r triage.Report, cfg RepoConfig, jobs []store.Job) (map[triage.JobKey]string, error) {
	var circle []triage.JobVerdict
	if cfg.Rerun.Flaky && branchAllowed(cfg.Rerun.Branches, r.Commit.Branch) {
		for _, jv := range r.Jobs {
			if jv.Verdict != triage.Flaky || jv.Evidence.Rerun != nil {
				continue
			}
			switch jv.Run.Provider {
			case ident.ProviderGitHubActions:
				if jv.Run.Attempt >= cfg.Rerun.MaxAttempts {
					continue
				}
				j, ok := attemptOf(jobs, jv.Run)
				if !ok {
					continue
				}
				if err := p.rerun(ctx, gh, repo, j); err != nil {
					return nil, err
				}
			case ident.ProviderCircleCI:
				// Every build of the job on the commit is an attempt (see rerun_circle.go).
				if jv.Attempts < cfg.Rerun.MaxAttempts {
					circle = append(circle, jv)
				}
			}
		}
	}
	pending, err := p.rerunCircle(ctx, repo, r, cfg, jobs, circle)
	if err != nil {
		return nil, err
	}
	done, err := p.Store.CommitReruns(ctx, repo.ID, r.Commit.SHA)
	if err != nil {
		return nil, err
	}
	notes := rerunNotes(done, jobs)
	for k, s := range pending {
		if _, ok := notes[k]; !ok {
			if notes == nil {
				notes = map[triage.JobKey]string{}
			}
			notes[k] = s
		}
	}
	return notes, nil
}

// rerun claims one failed attempt and asks GitHub to re-run it. A refusal for lack of permission
// is recorded and shown, not retried; any other failure releases the claim and is retried.
func (p *pipeline) rerun(ctx context.Context, gh *github.Client, repo store.Repository, j store.Job) error {
	id, err := strconv.ParseInt(j.ExternalID, 10, 64)
	if err != nil {
		return nil // not a GitHub Actions job id: nothing to re-run
	}
	claim := store.Rerun{RepoID: repo.ID, SHA: j.SHA, Provider: j.Provider, JobExternalID: j.ExternalID, JobName: j.Name, Attempt: j.Attempt, At: p.Clock()}
	ok, err := p.Store.ClaimRerun(ctx, claim)
	if err != nil || !ok {
		return err
	}
	gr, err := ident.ParseRepo(repo.FullName)
	if err != nil {
		return err
	}
	log := zerolog.Ctx(ctx).With().Str("job", j.Name).Int("attempt", j.Attempt).Logger()
	resp, err := gh.Actions.RerunJobByID(ctx, gr.Owner, gr.Name, id)
	outcome := store.RerunRequested
	switch {
	case err != nil && resp != nil && resp.StatusCode == http.StatusForbidden:
		outcome = noRerunPermission
		log.Warn().Err(err).Msg("automatic re-run refused: the installation lacks Actions: write")
	case err != nil:
		if rerr := p.Store.ReleaseRerun(ctx, repo.ID, j.Provider, j.ExternalID); rerr != nil {
			return errors.Join(fmt.Errorf("re-running job %q: %w", j.Name, err), rerr)
		}
		return fmt.Errorf("re-running job %q: %w", j.Name, err)
	default:
		log.Info().Msg("flaky job re-run automatically")
	}
	return p.Store.SetRerunOutcome(ctx, repo.ID, j.Provider, j.ExternalID, outcome)
}

// attemptOf finds the stored job of a triaged attempt.
func attemptOf(jobs []store.Job, run triage.Run) (store.Job, bool) {
	for _, j := range jobs {
		if j.Provider == run.Provider && j.Name == run.Name && j.Attempt == run.Attempt {
			return j, true
		}
	}
	return store.Job{}, false
}

// branchAllowed reports whether a commit's branch is one re-runs are allowed on (every branch
// when no glob is configured).
func branchAllowed(globs []string, branch string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if triage.MatchJobGlob(g, branch) {
			return true
		}
	}
	return false
}

// rerunNotes says, per job, what became of its automatic re-runs: "re-ran automatically →
// attempt 2 passed", "… attempt 2 requested", or why it was not re-run.
func rerunNotes(done []store.Rerun, jobs []store.Job) map[triage.JobKey]string {
	if len(done) == 0 {
		return nil
	}
	notes := map[triage.JobKey]string{}
	for _, r := range done {
		k := triage.JobKey{Provider: r.Provider, Name: r.JobName}
		next := r.Attempt + 1
		var s string
		switch r.Outcome {
		case store.RerunRequested, store.RerunPending:
			s = fmt.Sprintf("re-ran attempt %d automatically → attempt %d %s", r.Attempt, next, nextAttemptState(jobs, r))
		default:
			s = r.Outcome
		}
		if prev, ok := notes[k]; ok {
			s = prev + "; " + s
		}
		notes[k] = s
	}
	return notes
}

// nextAttemptState says how the attempt after a re-run one went: "passed", "failed" or
// "requested" while it has not reported. A CircleCI re-run's attempt is the job's latest build
// after the re-run one.
func nextAttemptState(jobs []store.Job, r store.Rerun) string {
	var next *store.Job
	for i, j := range jobs {
		if j.Provider != r.Provider || j.Name != r.JobName {
			continue
		}
		switch {
		case r.Provider == ident.ProviderCircleCI:
			rerunBuild, ok := ciprovider.ParseCircleExternalID(r.JobExternalID)
			if b := buildNum(j); ok && b > rerunBuild.BuildNum && (next == nil || b > buildNum(*next)) {
				next = &jobs[i]
			}
		case j.Attempt == r.Attempt+1:
			next = &jobs[i]
		}
	}
	if next != nil {
		switch c := triage.Conclusion(next.Conclusion); {
		case c == triage.ConclusionSuccess:
			return "passed"
		case c.Failed():
			return "failed"
		}
	}
	return "requested"
}
