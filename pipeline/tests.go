package pipeline

import (
	"context"
	"fmt"

	"github.com/google/go-github/v89/github"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/scan"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/testlog"
	"github.com/totto-ci/totto/triage"
)

// recordTests files the failing tests a failed job's stored log names under the job, with the
// commit's pull request and whether it ran on the default branch (asked of GitHub only when the
// log names a test), through the one recorder every path that stores a log uses; pass, when
// set, is the read that stored the log and extracted them.
func (p *pipeline) recordTests(ctx context.Context, gh *github.Client, a ProcessJobArgs, j store.Job, pass *scan.Pass) error {
	where := func(ctx context.Context) scan.TestsWhere {
		def := p.defaultBranch(ctx, gh, a)
		return scan.TestsWhere{PullRequest: p.pullRequestOf(ctx, gh, a), DefaultBranch: def != "" && j.Branch == def}
	}
	if pass != nil { // the tests were extracted as the log was stored
		return scan.RecordFoundTests(ctx, p.Store, j, pass.Tests(), p.Clock(), where)
	}
	_, err := scan.RecordTests(ctx, p.Store, p.Blobs, j, p.Clock(), where)
	return err
}

// pullRequestOf is the open pull request the commit belongs to (0 when none or GitHub does not
// say: the history then counts the failure without a pull request).
func (p *pipeline) pullRequestOf(ctx context.Context, gh *github.Client, a ProcessJobArgs) int {
	gr, err := ident.ParseRepo(a.Repo)
	if err != nil {
		return 0
	}
	prs, _, err := gh.PullRequests.ListPullRequestsWithCommit(ctx, gr.Owner, gr.Name, a.SHA, &github.ListOptions{PerPage: 10})
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("pull request of the commit unknown; failing tests recorded without it")
		return 0
	}
	for _, pr := range prs {
		if pr.GetState() == "open" {
			return pr.GetNumber()
		}
	}
	return 0
}

// failingTests converts testlog's tests into triage's.
func failingTests(ts []testlog.Test) []triage.FailingTest {
	out := make([]triage.FailingTest, len(ts))
	for i, t := range ts {
		out[i] = triage.FailingTest{TestID: triage.TestID{Runner: t.Runner, File: t.File, Name: t.Name}, Line: t.Line, Text: t.Text, PassedInLog: t.PassedInLog}
	}
	return out
}

// storedTests converts the store's recorded failing tests into triage's.
func storedTests(ts []store.JobTest) []triage.FailingTest {
	out := make([]triage.FailingTest, len(ts))
	for i, t := range ts {
		out[i] = triage.FailingTest{TestID: triage.TestID{Runner: t.Runner, File: t.File, Name: t.Name}, Line: t.Line, Text: t.Text, PassedInLog: t.PassedInLog}
	}
	return out
}

// testHistory reads the history over the flaky window of every failing test of the commit.
func (p *pipeline) testHistory(ctx context.Context, repo store.Repository, cfg RepoConfig, in *triage.Input) error {
	seen := map[store.TestKey]bool{}
	var keys []store.TestKey
	for _, r := range in.Runs {
		for _, t := range r.Tests {
			k := store.TestKey{Runner: t.Runner, File: t.File, Name: t.Name}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return nil
	}
	stats, err := p.Store.TestStats(ctx, repo.ID, keys, p.Clock().Add(-cfg.Tests.FlakyWindow))
	if err != nil {
		return fmt.Errorf("history of the failing tests of %s: %w", repo.FullName, err)
	}
	in.TestHistory = make(map[triage.TestID]triage.TestRecord, len(stats))
	for k, s := range stats {
		in.TestHistory[triage.TestID{Runner: k.Runner, File: k.File, Name: k.Name}] = triage.TestRecord{
			Failures: s.Failures, Commits: s.Commits, PullRequests: s.PullRequests, DefaultBranchFailures: s.DefaultBranchFailures,
			FlipCommits: s.FlipCommits, FirstSeen: s.FirstSeen, LastSeen: s.LastSeen}
	}
	return nil
}

// baseTests is the failing tests of each job at the merge base: none for a job that passed
// there, those recorded for a job that failed; a failed job whose log named no test is left
// out (not known).
func (p *pipeline) baseTests(ctx context.Context, repoID int64, mb string, outcomes map[triage.JobKey]triage.BaseOutcome) (map[triage.JobKey][]triage.TestID, error) {
	out := map[triage.JobKey][]triage.TestID{}
	for k, o := range outcomes {
		if !o.Conclusion.Failed() {
			out[k] = nil
			continue
		}
		ts, err := p.Store.FailingTests(ctx, repoID, mb, k.Name)
		if err != nil {
			return nil, fmt.Errorf("failing tests of %q at %s: %w", k.Name, mb, err)
		}
		for _, t := range ts {
			out[k] = append(out[k], triage.TestID{Runner: t.Runner, File: t.File, Name: t.Name})
		}
	}
	return out, nil
}
