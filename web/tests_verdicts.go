package web

import (
	"context"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// addTests gives each failed run of the input the failing tests recorded for its job, and the
// input those tests' history over the default flaky window, so the pages decide per test as
// the check run does (with the default window and threshold: the repository's own
// configuration lives on GitHub).
func (s *server) addTests(ctx context.Context, repoID int64, jobs []store.Job, in *triage.Input) error {
	seen := map[store.TestKey]bool{}
	var keys []store.TestKey
	for i := range in.Runs {
		r := &in.Runs[i]
		if !r.Conclusion.Failed() || r.Log.Unavailable {
			continue
		}
		var jobID int64
		for _, j := range jobs {
			if j.Provider == r.Provider && j.Name == r.Name && j.Attempt == r.Attempt {
				jobID = j.ID
			}
		}
		ts, err := s.st.JobTests(ctx, jobID)
		if err != nil {
			return err
		}
		for _, t := range ts {
			r.Tests = append(r.Tests, triage.FailingTest{TestID: triage.TestID{Runner: t.Runner, File: t.File, Name: t.Name}, Line: t.Line, Text: t.Text, PassedInLog: t.PassedInLog})
			if !seen[t.TestKey] {
				seen[t.TestKey] = true
				keys = append(keys, t.TestKey)
			}
		}
	}
	if len(keys) == 0 {
		return nil
	}
	stats, err := s.st.TestStats(ctx, repoID, keys, s.deps.Now().AddDate(0, 0, -testsWindowDays))
	if err != nil {
		return err
	}
	in.TestHistory = map[triage.TestID]triage.TestRecord{}
	for k, st := range stats {
		in.TestHistory[triage.TestID{Runner: k.Runner, File: k.File, Name: k.Name}] = triage.TestRecord{Failures: st.Failures, Commits: st.Commits,
			PullRequests: st.PullRequests, DefaultBranchFailures: st.DefaultBranchFailures, FlipCommits: st.FlipCommits, FirstSeen: st.FirstSeen, LastSeen: st.LastSeen}
	}
	return nil
}

// testPageOf links a failing test to its history on the tests page.
func testPageOf(repo string, t triage.FailingTest) string {
	return testHref(repo, store.TestKey{Runner: t.Runner, File: t.File, Name: t.Name})
}
