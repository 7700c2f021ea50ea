package triage

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/patterns"
)

func TestFlakySafeguards(t *testing.T) {
	flakyMatch := func(text string) patterns.Match {
		m := match(pidFlaky, 7, text)
		return m
	}
	spanMatch := func(text, span string) patterns.Match {
		m := flakyMatch(text)
		m.Start = strings.Index(text, span)
		m.End = m.Start + len(span)
		return m
	}
	broad := Precision{Hits: 9, OnSuccess: 3, ConfirmedFlaky: 2}
	tests := []struct {
		name      string
		job       string
		m         patterns.Match
		precision map[int64]Precision
		demotion  Demotion
		never     []string
		want      Verdict
		note      string // a substring of a note, when one is expected
	}{
		{name: "specific flaky line", job: "test", m: flakyMatch("E: Hash Sum mismatch"), want: Flaky},
		{name: "exit code line", job: "test", m: flakyMatch("##[error]Process completed with exit code 1."), want: New},
		{name: "bare error", job: "test", m: flakyMatch("Error:"), want: New, note: "generic line"},
		{name: "FAILED alone", job: "test", m: flakyMatch("FAILED"), want: New, note: "generic line"},
		{name: "traceback alone", job: "test", m: flakyMatch("Traceback (most recent call last):"), want: New, note: "generic line"},
		{name: "npm code", job: "test", m: flakyMatch("npm ERR! code ELIFECYCLE"), want: New},
		{name: "generic span in a specific line", job: "test", m: spanMatch("error: cannot find symbol Foo", "error"), want: New, note: "generic line"},
		{name: "specific span", job: "test", m: spanMatch("read: connection reset by peer", "connection reset by peer"), want: Flaky},
		{name: "format job", job: "check-format", m: flakyMatch("E: Hash Sum mismatch"), want: New, note: "never flaky"},
		{name: "mypy job", job: "Run mypy", m: flakyMatch("E: Hash Sum mismatch"), want: New, note: "never flaky"},
		{name: "typecheck job", job: "typecheck (3.12)", m: flakyMatch("E: Hash Sum mismatch"), want: New, note: "never flaky"},
		{name: "configured list replaces default", job: "gofmt", never: []string{"deploy*"}, m: flakyMatch("E: Hash Sum mismatch"), want: Flaky},
		{name: "demoted by successful hits", job: "test", m: flakyMatch("E: Hash Sum mismatch"),
			precision: map[int64]Precision{pidFlaky: broad}, want: New, note: "pattern apt mirror sync demoted: 3 of 9 hits on successful jobs"},
		{name: "demoted by failing reruns", job: "test", m: flakyMatch("E: Hash Sum mismatch"),
			precision: map[int64]Precision{pidFlaky: {Hits: 6, ConfirmedFlaky: 2, ConfirmedNotFlaky: 3}}, want: New, note: "3 of 5 rerun-confirmed hits failed again"},
		{name: "good record keeps flaky", job: "test", m: flakyMatch("E: Hash Sum mismatch"),
			precision: map[int64]Precision{pidFlaky: {Hits: 40, OnSuccess: 1, ConfirmedFlaky: 10, ConfirmedNotFlaky: 1}}, want: Flaky},
		{name: "custom thresholds keep it", job: "test", m: flakyMatch("E: Hash Sum mismatch"),
			precision: map[int64]Precision{pidFlaky: broad}, demotion: Demotion{MaxOnSuccessShare: 0.5}, want: Flaky},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Commit: Commit{Repo: "o/r", SHA: commitSHA}, Patterns: catalogue,
				Runs: []Run{failed(tc.job, tc.m)}, Precision: tc.precision,
				Config: Config{NeverFlaky: tc.never, Demotion: tc.demotion}}
			rep := Triage(in)
			jv := rep.Jobs[0]
			if jv.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s (notes %q)", jv.Verdict, tc.want, jv.Evidence.Notes)
			}
			if tc.note != "" && !strings.Contains(strings.Join(jv.Evidence.Notes, "\n"), tc.note) {
				t.Errorf("notes %q lack %q", jv.Evidence.Notes, tc.note)
			}
			if tc.precision != nil && jv.Evidence.Precision == nil {
				t.Error("evidence lacks the pattern's precision")
			}
		})
	}
}

func TestDemoted(t *testing.T) {
	tests := []struct {
		p    Precision
		want bool
	}{
		{Precision{Hits: 4, OnSuccess: 4}, false},                   // too few hits to judge
		{Precision{Hits: 5, OnSuccess: 1}, true},                    // 20 % > 10 %
		{Precision{Hits: 10, OnSuccess: 1}, false},                  // exactly 10 % is not more
		{Precision{Hits: 11, OnSuccess: 2}, true},                   // 18 %
		{Precision{ConfirmedNotFlaky: 2, Hits: 2}, false},           // too few confirmed
		{Precision{ConfirmedNotFlaky: 3, ConfirmedFlaky: 7}, false}, // exactly 30 %
		{Precision{ConfirmedNotFlaky: 3, ConfirmedFlaky: 6}, true},  // 33 %
	}
	for _, tc := range tests {
		if _, got := DefaultDemotion.Demoted(tc.p); got != tc.want {
			t.Errorf("Demoted(%+v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

func TestRenderShowsDemotion(t *testing.T) {
	m := match(pidFlaky, 7, "E: Hash Sum mismatch")
	rep := Triage(Input{Commit: Commit{Repo: "o/r", SHA: commitSHA}, Patterns: catalogue,
		Runs: []Run{failed("test", m)}, Precision: map[int64]Precision{pidFlaky: {Hits: 9, OnSuccess: 3}}})
	out := Render(rep, RenderOptions{})
	for _, want := range []string{"(demoted)", "apt mirror sync demoted", "3 of 9 hits on successful jobs", "Pattern record: 9 hits so far"} {
		if !strings.Contains(out.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, out.Summary)
		}
	}
	if out.Conclusion != string(CheckFailure) {
		t.Errorf("conclusion %s, want failure", out.Conclusion)
	}
}
