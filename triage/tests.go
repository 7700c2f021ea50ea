package triage

import (
	"fmt"
	"time"
)

// FailingTest is one test an attempt's log names as failed (found by testlog, stored per job).
type FailingTest struct {
	TestID
	// Line is the line of the attempt's normalised log that states the failure; Text is it.
	Line int
	Text string
	// PassedInLog: the same log shows the test passing too (the runner's own retry).
	PassedInLog bool
}

// TestID names a test in a repository.
type TestID struct {
	Runner string
	File   string
	Name   string
}

// TestRecord is a test's history in the repository over the flaky window (store.TestStats),
// this commit included.
type TestRecord struct {
	Failures, Commits, PullRequests, DefaultBranchFailures int64
	// FlipCommits counts commits where the test failed and then passed on the same commit.
	FlipCommits         int64
	FirstSeen, LastSeen time.Time
}

// TestVerdict is one failing test's verdict: flaky, broken-upstream or new.
type TestVerdict struct {
	Test    FailingTest
	Verdict Verdict
	// Why says which evidence decided it, in words for the check run.
	Why string
	// Record is the test's history, when it has one.
	Record *TestRecord
}

// DefaultFlakyTestCommits is how many distinct commits must show a test failing and then passing
// on the same commit before its history alone calls it flaky.
const DefaultFlakyTestCommits = 2

// classifyTests gives each failing test of the attempt its verdict. Evidence, in order:
// broken-upstream when the same job at the merge base failed the same test; flaky when the test
// passed on another attempt of this commit (the job passed on a rerun, or the runner's own retry
// passed it in the log), or when its history shows it failing then passing on the same commit on
// at least Config.FlakyTestCommits distinct commits in the window; otherwise new.
func classifyTests(in Input, run Run, rerun *Rerun) []TestVerdict {
	if len(run.Tests) == 0 {
		return nil
	}
	atBase := map[TestID]bool{}
	base, baseKnown := in.BaseTests[run.Key()]
	for _, id := range base {
		atBase[id] = true
	}
	need := in.Config.FlakyTestCommits
	if need <= 0 {
		need = DefaultFlakyTestCommits
	}
	out := make([]TestVerdict, 0, len(run.Tests))
	for _, t := range run.Tests {
		tv := TestVerdict{Test: t, Verdict: New}
		if r, ok := in.TestHistory[t.TestID]; ok {
			rec := r
			tv.Record = &rec
		}
		switch {
		case baseKnown && atBase[t.TestID]:
			tv.Verdict, tv.Why = BrokenUpstream, "fails at the merge base "+short(in.Commit.MergeBase)
		case rerun != nil:
			tv.Verdict, tv.Why = Flaky, fmt.Sprintf("passed on attempt %d", rerun.Attempt)
		case t.PassedInLog:
			tv.Verdict, tv.Why = Flaky, "passed on the runner's retry in the same log"
		case tv.Record != nil && tv.Record.FlipCommits >= int64(need):
			tv.Verdict, tv.Why = Flaky, fmt.Sprintf("failed then passed on the same commit on %d commits", tv.Record.FlipCommits)
		}
		out = append(out, tv)
	}
	return out
}

// testsVerdict is the job verdict its failing tests give: broken-upstream when every test is
// flaky or broken upstream and at least one is broken upstream, flaky when every test is flaky,
// and none ("") when a test is new or there are no tests.
func testsVerdict(tests []TestVerdict) Verdict {
	if len(tests) == 0 {
		return ""
	}
	v := Flaky
	for _, t := range tests {
		switch t.Verdict {
		case BrokenUpstream:
			v = BrokenUpstream
		case Flaky:
		default:
			return ""
		}
	}
	return v
}

// HistoryLine is a test's history in one line: "failed on 4 other pull requests and 2 default-
// branch runs in 14 days; failed then passed on 3 commits".
func (tv TestVerdict) HistoryLine(window string) string {
	r := tv.Record
	if r == nil || r.Failures <= 1 {
		return "first failure" + inWindow(window)
	}
	s := fmt.Sprintf("failed %d times on %d %s", r.Failures, r.Commits, plural(int(r.Commits), "commit", "commits"))
	if r.PullRequests > 0 {
		s += fmt.Sprintf(", %d %s", r.PullRequests, plural(int(r.PullRequests), "pull request", "pull requests"))
	}
	if r.DefaultBranchFailures > 0 {
		s += fmt.Sprintf(", %d on the default branch", r.DefaultBranchFailures)
	}
	s += inWindow(window)
	if r.FlipCommits > 0 {
		s += fmt.Sprintf("; passed on rerun on %d %s", r.FlipCommits, plural(int(r.FlipCommits), "commit", "commits"))
	}
	return s
}

func inWindow(window string) string {
	if window == "" {
		return ""
	}
	return " in " + window
}
