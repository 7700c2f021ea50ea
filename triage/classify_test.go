package triage

import (
	"reflect"
	"testing"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/patterns"
)

const (
	pidFlaky   = 1
	pidKnown   = 2
	pidPlain   = 3
	pidBoth    = 4
	commitSHA  = "c0ffee0000000000000000000000000000000000"
	mergeBase  = "ba5e000000000000000000000000000000000000"
	patternDoc = "Tracked in https://github.com/o/r/issues/7"
)

var catalogue = map[int64]PatternInfo{
	pidFlaky: {ID: pidFlaky, Name: "apt mirror sync", Tags: []string{"flaky", "infra"}},
	pidKnown: {ID: pidKnown, Name: "gcc ICE", Tags: []string{"known-problem"}, Description: patternDoc},
	pidPlain: {ID: pidPlain, Name: "go test failure", Tags: []string{"test"}},
	pidBoth:  {ID: pidBoth, Name: "both", Tags: []string{"flaky", "known-problem"}},
}

func match(pid int64, line int, text string) patterns.Match {
	p := catalogue[pid]
	return patterns.Match{PatternID: pid, Pattern: p.Name, Tags: p.Tags, Line: line, Text: text}
}

func failed(name string, ms ...patterns.Match) Run {
	return Run{Provider: ident.ProviderGitHubActions, Name: name, Attempt: 1, Conclusion: ConclusionFailure,
		URL: "https://github.com/o/r/actions/runs/1/job/2", Matches: ms}
}

func attempt(r Run, n int, c Conclusion) Run {
	r.Attempt, r.Conclusion, r.Matches = n, c, nil
	return r
}

func TestTriageVerdicts(t *testing.T) {
	key := JobKey{ident.ProviderGitHubActions, "test"}
	annotation := Annotation{ID: 9, Repo: "o/r", JobGlob: "te*", FromCommit: "aaa", Reason: "r", Who: "m", When: time.Unix(0, 0), Covers: true}
	tests := []struct {
		name    string
		runs    []Run
		anns    []Annotation
		base    map[JobKey]BaseOutcome
		cfg     Config
		want    Verdict
		check   func(t *testing.T, ev Evidence)
		noteHas bool
	}{
		{name: "no match is new", runs: []Run{failed("test")}, want: New,
			check: func(t *testing.T, ev Evidence) {
				if ev.BaseKnown || ev.Best != nil {
					t.Errorf("evidence %+v", ev)
				}
			}},
		{name: "plain pattern is new", runs: []Run{failed("test", match(pidPlain, 5, "FAIL x"))}, want: New,
			check: func(t *testing.T, ev Evidence) {
				if ev.Best == nil || ev.Best.Line != 5 || ev.Pattern.Name != "go test failure" {
					t.Errorf("evidence %+v", ev)
				}
			}},
		{name: "flaky pattern", runs: []Run{failed("test", match(pidFlaky, 7, "Hash Sum mismatch"))}, want: Flaky},
		{name: "known-problem pattern", runs: []Run{failed("test", match(pidKnown, 7, "ICE"))}, want: KnownProblem,
			check: func(t *testing.T, ev Evidence) {
				if ev.Pattern.Description != patternDoc {
					t.Errorf("description %q", ev.Pattern.Description)
				}
			}},
		{name: "known-problem beats flaky tag on one pattern", runs: []Run{failed("test", match(pidBoth, 7, "x"))}, want: KnownProblem},
		{name: "best match decides, not any match", runs: []Run{failed("test", match(pidFlaky, 3, "Hash Sum mismatch"), match(pidPlain, 9, "FAIL"))}, want: New},
		{name: "boilerplate line never wins", runs: []Run{failed("test", match(pidPlain, 3, "FAIL"), match(pidFlaky, 9, "Process completed with exit code 1."))}, want: New},
		{name: "rerun passed", runs: []Run{failed("test"), attempt(failed("test"), 2, ConclusionSuccess)}, want: Flaky,
			check: func(t *testing.T, ev Evidence) {
				if ev.Rerun == nil || ev.Rerun.Attempt != 2 {
					t.Errorf("rerun %+v", ev.Rerun)
				}
			}},
		{name: "rerun passed before known-problem pattern", runs: []Run{failed("test", match(pidKnown, 1, "ICE")), attempt(failed("test"), 2, ConclusionSuccess)}, want: Flaky},
		{name: "latest failed attempt is judged", runs: []Run{failed("test", match(pidFlaky, 1, "x")), attempt(failed("test"), 2, ConclusionFailure)}, want: New},
		{name: "cancelled attempt is not a rerun pass", runs: []Run{failed("test"), attempt(failed("test"), 2, ConclusionCancelled)}, want: New},
		{name: "passing and cancelled jobs are not failures", runs: []Run{attempt(failed("test"), 1, ConclusionSuccess), attempt(failed("b"), 1, ConclusionCancelled)}, want: ""},
		{name: "lint never flaky by pattern", runs: []Run{failed("Lint (go)", match(pidFlaky, 7, "x"))}, want: New, noteHas: true},
		{name: "lint never flaky by rerun", runs: []Run{failed("golangci-lint"), attempt(failed("golangci-lint"), 2, ConclusionSuccess)}, want: New, noteHas: true},
		{name: "lint can be a known problem", runs: []Run{failed("lint", match(pidKnown, 7, "x"))}, want: KnownProblem},
		{name: "configured never-flaky replaces the default", runs: []Run{failed("lint", match(pidFlaky, 7, "x"))},
			cfg: Config{NeverFlaky: []string{"e2e"}}, want: Flaky},
		{name: "configured never-flaky applies", runs: []Run{failed("e2e", match(pidFlaky, 7, "x"))},
			cfg: Config{NeverFlaky: []string{"e2e"}}, want: New, noteHas: true},
		{name: "empty never-flaky list allows lint flaky", runs: []Run{failed("lint", match(pidFlaky, 7, "x"))}, cfg: Config{NeverFlaky: []string{}}, want: Flaky},
		{name: "known-broken annotation", runs: []Run{failed("test", match(pidFlaky, 7, "x"))}, anns: []Annotation{annotation}, want: KnownBroken,
			check: func(t *testing.T, ev Evidence) {
				if ev.Annotation == nil || ev.Annotation.ID != 9 {
					t.Errorf("annotation %+v", ev.Annotation)
				}
			}},
		{name: "known-broken before rerun", runs: []Run{failed("test"), attempt(failed("test"), 2, ConclusionSuccess)}, anns: []Annotation{annotation}, want: KnownBroken},
		{name: "known-broken on a lint job", runs: []Run{failed("lint")}, anns: []Annotation{{JobGlob: "LINT", Covers: true}}, want: KnownBroken},
		{name: "annotation not covering the commit", runs: []Run{failed("test")}, anns: []Annotation{{JobGlob: "*", Covers: false}}, want: New},
		{name: "annotation for another job", runs: []Run{failed("test")}, anns: []Annotation{{JobGlob: "lint", Covers: true}}, want: New},
		{name: "annotation for another repo", runs: []Run{failed("test")}, anns: []Annotation{{Repo: "o/other", JobGlob: "*", Covers: true}}, want: New},
		{name: "broken upstream with same signature", runs: []Run{failed("test", match(pidFlaky, 7, "x"))},
			base: map[JobKey]BaseOutcome{key: {SHA: mergeBase, Conclusion: ConclusionFailure, Signature: "pattern:1"}}, want: BrokenUpstream,
			check: func(t *testing.T, ev Evidence) {
				if !ev.BaseKnown || ev.Base.SHA != mergeBase {
					t.Errorf("base %+v", ev.Base)
				}
			}},
		{name: "broken upstream before rerun", runs: []Run{failed("test", match(pidPlain, 7, "x")), attempt(failed("test"), 2, ConclusionSuccess)},
			base: map[JobKey]BaseOutcome{key: {SHA: mergeBase, Conclusion: ConclusionFailure, Signature: "pattern:3"}}, want: BrokenUpstream},
		{name: "base fails differently", runs: []Run{failed("test", match(pidPlain, 7, "x"))},
			base: map[JobKey]BaseOutcome{key: {SHA: mergeBase, Conclusion: ConclusionFailure, Signature: "pattern:1"}}, want: New, noteHas: true},
		{name: "base fails, neither side matched", runs: []Run{failed("test")},
			base: map[JobKey]BaseOutcome{key: {SHA: mergeBase, Conclusion: ConclusionFailure}}, want: New, noteHas: true},
		{name: "base passes", runs: []Run{failed("test", match(pidPlain, 7, "x"))},
			base: map[JobKey]BaseOutcome{key: {SHA: mergeBase, Conclusion: ConclusionSuccess, Signature: "pattern:3"}}, want: New, noteHas: true},
		{name: "base evidence for another provider does not count", runs: []Run{failed("test", match(pidPlain, 7, "x"))},
			base: map[JobKey]BaseOutcome{{ident.ProviderCircleCI, "test"}: {Conclusion: ConclusionFailure, Signature: "pattern:3"}}, want: New},
		{name: "no log", runs: []Run{{Provider: ident.ProviderCircleCI, Name: "test", Conclusion: ConclusionFailure, Log: LogState{Unavailable: true, Reason: "log expired"}}}, want: NoLog,
			check: func(t *testing.T, ev Evidence) {
				if ev.LogReason != "log expired" {
					t.Errorf("reason %q", ev.LogReason)
				}
			}},
		{name: "no log without a reason says so", runs: []Run{{Name: "test", Conclusion: ConclusionTimedOut, Log: LogState{Unavailable: true}}}, want: NoLog,
			check: func(t *testing.T, ev Evidence) {
				if ev.LogReason == "" {
					t.Error("empty reason")
				}
			}},
		{name: "no log but rerun passed", runs: []Run{{Name: "test", Conclusion: ConclusionFailure, Log: LogState{Unavailable: true}}, {Name: "test", Attempt: 2, Conclusion: ConclusionSuccess}}, want: Flaky},
		{name: "no log ignores stale matches", runs: []Run{{Name: "test", Conclusion: ConclusionFailure, Log: LogState{Unavailable: true}, Matches: []patterns.Match{match(pidFlaky, 1, "x")}}}, want: NoLog},
		{name: "ignored job", runs: []Run{failed("docs-preview")}, cfg: Config{Ignored: []string{"docs-*"}}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Triage(Input{Commit: Commit{Repo: "o/r", SHA: commitSHA, MergeBase: mergeBase}, Runs: tt.runs, Patterns: catalogue,
				Annotations: tt.anns, Base: tt.base, Config: tt.cfg})
			if tt.want == "" {
				if len(r.Jobs) != 0 || r.Conclusion != CheckSuccess {
					t.Fatalf("got %d verdicts, conclusion %s; want none, success", len(r.Jobs), r.Conclusion)
				}
				return
			}
			if len(r.Jobs) == 0 {
				t.Fatal("no verdicts")
			}
			got := r.Jobs[0]
			if got.Verdict != tt.want {
				t.Fatalf("verdict %s, want %s (evidence %+v)", got.Verdict, tt.want, got.Evidence)
			}
			if (len(got.Evidence.Notes) > 0) != tt.noteHas {
				t.Errorf("notes %q, want notes: %v", got.Evidence.Notes, tt.noteHas)
			}
			if tt.check != nil {
				tt.check(t, got.Evidence)
			}
		})
	}
}

func TestTriageConclusion(t *testing.T) {
	noLog := Run{Name: "nolog", Conclusion: ConclusionFailure, Log: LogState{Unavailable: true, Reason: "gone"}}
	tests := []struct {
		name string
		runs []Run
		want CheckConclusion
	}{
		{"no runs", nil, CheckSuccess},
		{"all passed", []Run{attempt(failed("a"), 1, ConclusionSuccess)}, CheckSuccess},
		{"all explained", []Run{failed("a", match(pidFlaky, 1, "x")), failed("b", match(pidKnown, 1, "y"))}, CheckSuccess},
		{"one new", []Run{failed("a", match(pidFlaky, 1, "x")), failed("b")}, CheckFailure},
		{"no log and explained", []Run{failed("a", match(pidFlaky, 1, "x")), noLog}, CheckNeutral},
		{"no log and new", []Run{noLog, failed("b")}, CheckFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Triage(Input{Runs: tt.runs, Patterns: catalogue}).Conclusion; got != tt.want {
				t.Errorf("conclusion %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTriageOrdersMostImportantFirst(t *testing.T) {
	r := Triage(Input{Patterns: catalogue, Runs: []Run{
		failed("z-flaky", match(pidFlaky, 1, "x")),
		failed("b-new"),
		failed("a-known", match(pidKnown, 1, "x")),
		failed("a-new"),
		{Name: "nolog", Conclusion: ConclusionFailure, Log: LogState{Unavailable: true}},
	}})
	var got []string
	for _, j := range r.Jobs {
		got = append(got, j.Run.Name)
	}
	want := []string{"a-new", "b-new", "nolog", "a-known", "z-flaky"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
	if r.Count(New) != 2 || r.Explained() != 2 {
		t.Errorf("count new %d explained %d", r.Count(New), r.Explained())
	}
}

func TestTriageUsesCurrentPatternTags(t *testing.T) {
	// The match was stored when the pattern was tagged flaky; it has since been re-tagged.
	m := patterns.Match{PatternID: pidPlain, Pattern: "go test failure", Tags: []string{"flaky"}, Line: 1, Text: "x"}
	r := Triage(Input{Patterns: catalogue, Runs: []Run{failed("test", m)}})
	if r.Jobs[0].Verdict != New {
		t.Errorf("verdict %s, want new: the catalogue's tags win over the stored match's", r.Jobs[0].Verdict)
	}
	r = Triage(Input{Runs: []Run{failed("test", m)}})
	if r.Jobs[0].Verdict != Flaky {
		t.Errorf("verdict %s, want flaky from the match's own tags when the pattern is not in the catalogue", r.Jobs[0].Verdict)
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		glob, name string
		want       bool
	}{
		{"*lint*", "golangci-lint", true},
		{"*lint*", "Lint", true},
		{"*lint*", "test", false},
		{"build (ubuntu, 3.11)", "build (ubuntu, 3.11)", true},
		{"build *", "build / test [x]", true},
		{"te?t", "test", true},
		{"te?t", "tet", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"", "", true},
		{"", "x", false},
		{"*", "", true},
		{"**", "a/b", true},
	}
	for _, tt := range tests {
		if got := MatchJobGlob(tt.glob, tt.name); got != tt.want {
			t.Errorf("MatchJobGlob(%q, %q) = %v, want %v", tt.glob, tt.name, got, tt.want)
		}
	}
}

func TestSignature(t *testing.T) {
	if s := Signature(nil); s != "" {
		t.Errorf("Signature(nil) = %q", s)
	}
	if s := Signature(&patterns.Match{PatternID: 42}); s != "pattern:42" {
		t.Errorf("got %q", s)
	}
	if s := Signature(&patterns.Match{Pattern: "p"}); s != "pattern-name:p" {
		t.Errorf("got %q", s)
	}
}

func TestExcerptLine(t *testing.T) {
	e := Excerpt{Ranges: [][2]int{{3, 4}, {10, 11}}, Lines: []string{"c", "d", "j", "k"}}
	for n, want := range map[int]string{3: "c", 4: "d", 10: "j", 11: "k"} {
		if got, ok := e.line(n); !ok || got != want {
			t.Errorf("line(%d) = %q, %v", n, got, ok)
		}
	}
	for _, n := range []int{0, 2, 5, 9, 12} {
		if _, ok := e.line(n); ok {
			t.Errorf("line(%d) found", n)
		}
	}
	short := Excerpt{Ranges: [][2]int{{1, 5}}, Lines: []string{"a"}}
	if _, ok := short.line(3); ok {
		t.Error("line beyond Lines found")
	}
}
