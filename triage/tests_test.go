package triage

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/ident"
)

func withTests(r Run, ts ...FailingTest) Run {
	r.Tests = ts
	return r
}

func ft(name string, passedInLog bool) FailingTest {
	return FailingTest{TestID: TestID{Runner: "pytest", File: "tests/test_a.py", Name: name}, Line: 7, Text: "assert 1 == 2", PassedInLog: passedInLog}
}

func TestTriageByFailingTests(t *testing.T) {
	key := JobKey{ident.ProviderGitHubActions, "test"}
	flipper := TestRecord{Failures: 6, Commits: 4, PullRequests: 3, FlipCommits: 2}
	once := TestRecord{Failures: 3, Commits: 3, PullRequests: 2, FlipCommits: 1}
	tests := []struct {
		name      string
		runs      []Run
		history   map[TestID]TestRecord
		baseTests map[JobKey][]TestID
		cfg       Config
		want      Verdict
		byTests   bool
		tests     []Verdict
		note      string
	}{
		{name: "a test passing in the runner's retry is flaky", runs: []Run{withTests(failed("test"), ft("test_a", true))},
			want: Flaky, byTests: true, tests: []Verdict{Flaky}},
		{name: "history flipping on two commits is flaky", runs: []Run{withTests(failed("test"), ft("test_a", false))},
			history: map[TestID]TestRecord{ft("test_a", false).TestID: flipper}, want: Flaky, byTests: true, tests: []Verdict{Flaky}},
		{name: "one flip is not enough", runs: []Run{withTests(failed("test"), ft("test_a", false))},
			history: map[TestID]TestRecord{ft("test_a", false).TestID: once}, want: New, tests: []Verdict{New}},
		{name: "the threshold is configurable", runs: []Run{withTests(failed("test"), ft("test_a", false))}, cfg: Config{FlakyTestCommits: 1},
			history: map[TestID]TestRecord{ft("test_a", false).TestID: once}, want: Flaky, byTests: true, tests: []Verdict{Flaky}},
		{name: "the same test failing at the merge base is broken upstream",
			runs:      []Run{withTests(failed("test"), ft("test_a", false), ft("test_b", true))},
			baseTests: map[JobKey][]TestID{key: {ft("test_a", false).TestID}}, want: BrokenUpstream, byTests: true, tests: []Verdict{BrokenUpstream, Flaky}},
		{name: "one new test makes the job new", runs: []Run{withTests(failed("test"), ft("test_a", true), ft("test_b", false))},
			want: New, tests: []Verdict{Flaky, New}},
		{name: "a new test vetoes a flaky pattern", runs: []Run{withTests(failed("test", match(pidFlaky, 3, "Hash Sum mismatch")), ft("test_b", false))},
			want: New, tests: []Verdict{New}, note: "test_b failed with no flaky evidence"},
		{name: "never-flaky jobs are never flaky by tests", runs: []Run{withTests(failed("lint"), ft("test_a", true))},
			want: New, tests: []Verdict{Flaky}, note: "never flaky"},
		{name: "a rerun that passed makes every test flaky", runs: []Run{withTests(failed("test"), ft("test_a", false)), attempt(failed("test"), 2, ConclusionSuccess)},
			want: Flaky, tests: []Verdict{Flaky}},
		{name: "a known-problem pattern still applies with new tests", runs: []Run{withTests(failed("test", match(pidKnown, 3, "ICE")), ft("test_b", false))},
			want: KnownProblem, tests: []Verdict{New}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := Triage(Input{Commit: Commit{Repo: "o/r", SHA: commitSHA, MergeBase: mergeBase}, Runs: tc.runs, Patterns: catalogue,
				TestHistory: tc.history, BaseTests: tc.baseTests, Config: tc.cfg})
			if len(rep.Jobs) != 1 {
				t.Fatalf("%d jobs", len(rep.Jobs))
			}
			j := rep.Jobs[0]
			if j.Verdict != tc.want || j.Evidence.ByTests != tc.byTests {
				t.Errorf("verdict %s (by tests %v), want %s (%v); notes %v", j.Verdict, j.Evidence.ByTests, tc.want, tc.byTests, j.Evidence.Notes)
			}
			var got []Verdict
			for _, tv := range j.Evidence.Tests {
				got = append(got, tv.Verdict)
			}
			if strings.Join(verdictStrings(got), ",") != strings.Join(verdictStrings(tc.tests), ",") {
				t.Errorf("test verdicts %v, want %v", got, tc.tests)
			}
			if tc.note != "" && !strings.Contains(strings.Join(j.Evidence.Notes, "\n"), tc.note) {
				t.Errorf("notes %q lack %q", j.Evidence.Notes, tc.note)
			}
		})
	}
}

func verdictStrings(vs []Verdict) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func TestCheckRunListsFailingTests(t *testing.T) {
	id := ft("test_a", false).TestID
	rep := Triage(Input{Commit: Commit{Repo: "o/r", SHA: commitSHA}, Patterns: catalogue,
		Runs:        []Run{withTests(failed("test"), ft("test_a", false), ft("test_b", true))},
		TestHistory: map[TestID]TestRecord{id: {Failures: 5, Commits: 4, PullRequests: 4, DefaultBranchFailures: 1, FlipCommits: 1}}})
	out := Render(rep, RenderOptions{TestWindow: "14 days"})
	for _, want := range []string{
		"2 failing tests:",
		"` tests/test_a.py › test_a ` — **new** — line 7: ` assert 1 == 2 ` — failed 5 times on 4 commits\\, 4 pull requests\\, 1 on the default branch in 14 days\\; passed on rerun on 1 commit",
		"` tests/test_a.py › test_b ` — flaky (passed on the runner\\'s retry in the same log)",
		"first failure in 14 days",
	} {
		if !strings.Contains(out.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, out.Summary)
		}
	}
}

func TestFailingTestNamesAreRedacted(t *testing.T) {
	secret := "ghp_" + strings.Repeat("a1B2", 9)
	tt := ft("test_token["+secret+"]", false)
	tt.Text = "token " + secret
	out := Render(Triage(Input{Commit: Commit{Repo: "o/r", SHA: commitSHA}, Runs: []Run{withTests(failed("test"), tt)}}), RenderOptions{})
	if strings.Contains(out.Summary, secret) {
		t.Errorf("a secret in a test name or headline reached the check run:\n%s", out.Summary)
	}
}
