package pipeline

import (
	"context"
	"fmt"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// baseEvidence fills the commit's base branch, merge base and the jobs' outcomes there. The base
// comes from the commit's open pull request and the merge base from GitHub's compare; the
// outcomes from what the store recorded at the merge base. Anything not found leaves the
// evidence "not known" — never guessed — and a failure here never stops the check run.
func (p *pipeline) baseEvidence(ctx context.Context, gh *github.Client, repo store.Repository, sha string, cfg RepoConfig, in *triage.Input) {
	log := zerolog.Ctx(ctx)
	gr, err := ident.ParseRepo(repo.FullName)
	if err != nil {
		return
	}
	prs, _, err := gh.PullRequests.ListPullRequestsWithCommit(ctx, gr.Owner, gr.Name, sha, &github.ListOptions{PerPage: 10})
	if err != nil {
		log.Warn().Err(err).Msg("pull requests of the commit unknown; base-branch evidence not known")
		return
	}
	var base string
	for _, pr := range prs {
		if pr.GetState() == "open" && pr.GetBase().GetRef() != "" {
			base = pr.GetBase().GetRef()
			break
		}
	}
	if base == "" {
		return
	}
	in.Commit.BaseBranch = base
	cmp, _, err := gh.Repositories.CompareCommits(ctx, gr.Owner, gr.Name, base, sha, &github.ListOptions{PerPage: 1})
	if err != nil {
		log.Warn().Err(err).Str("base", base).Msg("merge base unknown; base-branch evidence not known")
		return
	}
	mb := cmp.GetMergeBaseCommit().GetSHA()
	if mb == "" || mb == sha {
		return
	}
	in.Commit.MergeBase = mb
	jobs, err := p.Store.CommitJobs(ctx, repo.ID, mb)
	if err != nil {
		log.Warn().Err(err).Str("merge_base", mb).Msg("jobs at the merge base unreadable")
		return
	}
	outcomes, err := p.baseOutcomes(ctx, jobs, cfg)
	if err != nil {
		log.Warn().Err(err).Str("merge_base", mb).Msg("jobs at the merge base unreadable")
		return
	}
	in.Base = outcomes
	bt, err := p.baseTests(ctx, repo.ID, mb, outcomes)
	if err != nil {
		log.Warn().Err(err).Str("merge_base", mb).Msg("failing tests at the merge base unreadable")
		return
	}
	in.BaseTests = bt
}

// baseOutcomes is each job's latest attempt at the merge base, with the signature of its failure.
func (p *pipeline) baseOutcomes(ctx context.Context, jobs []store.Job, cfg RepoConfig) (map[triage.JobKey]triage.BaseOutcome, error) {
	latest := map[triage.JobKey]store.Job{}
	for _, j := range jobs {
		k := triage.JobKey{Provider: j.Provider, Name: j.Name}
		if old, ok := latest[k]; !ok || j.Attempt >= old.Attempt {
			latest[k] = j
		}
	}
	out := map[triage.JobKey]triage.BaseOutcome{}
	infos, sources := map[int64]triage.PatternInfo{}, map[int64]string{}
	for k, j := range latest {
		o := triage.BaseOutcome{SHA: j.SHA, Conclusion: triage.Conclusion(j.Conclusion), URL: j.URL}
		if o.Conclusion.Failed() && j.LogID != nil {
			ms, err := p.Store.Matches(ctx, store.MatchFilter{LogID: *j.LogID, ForRepo: j.RepoID})
			if err != nil {
				return nil, fmt.Errorf("matches of log %d: %w", *j.LogID, err)
			}
			var pm []patterns.Match
			for _, m := range ms {
				src, err := p.patternInfo(ctx, m.PatternID, infos, sources)
				if err != nil {
					return nil, err
				}
				if cfg.builtinApplies(src, infos[m.PatternID].Name) {
					pm = append(pm, m.Match)
				}
			}
			o.Signature = triage.Signature(patterns.Best(pm))
		}
		out[k] = o
	}
	return out, nil
}
