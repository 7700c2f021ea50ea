package triage

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/patterns"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// representative is a commit with one failed job of every verdict, the way the App would load it.
func representative() Input {
	gha := func(name string, job int) Run {
		return Run{Provider: ident.ProviderGitHubActions, Name: name, Attempt: 1, Conclusion: ConclusionFailure,
			URL: fmt.Sprintf("https://github.com/octo/app/actions/runs/100/job/%d", job)}
	}
	unit := gha("test (ubuntu-latest, 3.11)", 1)
	unit.Cause = Excerpt{Ranges: [][2]int{{120, 124}}, Lines: []string{
		"=== RUN   TestParse",
		"    parse_test.go:42: got `a|b`, want \"a\"",
		"--- FAIL: TestParse (0.00s)",
		"FAIL\tgithub.com/octo/app/parse\t0.012s",
		"Error: Process completed with exit code 1.",
	}}
	unit.Steps = []StepSpan{{Number: 1, FirstLine: 1}, {Number: 4, FirstLine: 100}}

	apt := gha("build / docker", 2)
	apt.Matches = []patterns.Match{match(pidFlaky, 57, "E: Failed to fetch http://deb.debian.org/... Hash Sum mismatch")}
	apt.Context = Excerpt{Ranges: [][2]int{{54, 60}}, Lines: []string{
		"Get:12 http://deb.debian.org/debian bookworm/main amd64 libc6 [2,000 kB]",
		"Fetched 2,000 kB in 1s",
		"export GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345",
		"E: Failed to fetch http://deb.debian.org/... Hash Sum mismatch",
		"E: Some index files failed to download.",
		"The command '/bin/sh -c apt-get update' returned a non-zero code: 100",
		"##[error]Process completed with exit code 100.",
	}}
	apt.Steps = []StepSpan{{Number: 3, FirstLine: 40}}

	rerun := gha("e2e", 3)
	rerunPass := rerun
	rerunPass.Attempt, rerunPass.Conclusion, rerunPass.URL = 2, ConclusionSuccess, "https://github.com/octo/app/actions/runs/100/job/33"

	ice := Run{Provider: ident.ProviderCircleCI, Name: "gcc-13", Attempt: 1, Conclusion: ConclusionFailure,
		URL:     "https://app.circleci.com/pipelines/gh/octo/app/1/workflows/w/jobs/4",
		Matches: []patterns.Match{match(pidKnown, 900, "internal compiler error: in expand_expr, at expr.cc:8720")}}

	lint := gha("lint", 5)
	lint.Matches = []patterns.Match{match(pidPlain, 12, "main.go:3:1: exported func Foo should have comment")}

	docs := gha("docs", 6)
	docs.Matches = []patterns.Match{match(pidPlain, 30, "broken link: ./missing.md")}

	gone := Run{Provider: ident.StatusProvider("buildkite/app"), Name: "buildkite/app", Attempt: 1, Conclusion: ConclusionFailure,
		URL: "https://buildkite.com/octo/app/builds/9", Log: LogState{Unavailable: true, Reason: "Buildkite logs are not fetched; status only"}}

	return Input{
		Commit:   Commit{Repo: "octo/app", SHA: commitSHA, Branch: "feature", BaseBranch: "main", MergeBase: mergeBase},
		Runs:     []Run{unit, apt, rerun, rerunPass, ice, lint, docs, gone},
		Patterns: catalogue,
		Annotations: []Annotation{{ID: 1, Repo: "octo/app", JobGlob: "lint", FromCommit: "1234567abcdef", Reason: "broken by #123, see https://github.com/octo/app/issues/123",
			Who: "maintainer", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Covers: true}},
		Base: map[JobKey]BaseOutcome{{ident.ProviderGitHubActions, "docs"}: {SHA: mergeBase, Conclusion: ConclusionFailure, Signature: "pattern:3",
			URL: "https://github.com/octo/app/actions/runs/90/job/60"}},
	}
}

func TestRenderGolden(t *testing.T) {
	out := Render(Triage(representative()), RenderOptions{DetailsURL: "https://totto.example/octo/app/commit/" + commitSHA})
	got := fmt.Sprintf("title: %s\nconclusion: %s\n\n---- summary ----\n%s\n---- text ----\n%s", out.Title, out.Conclusion, out.Summary, out.Text)
	path := filepath.Join("testdata", "report.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("write golden %s: %v", path, err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden %s (run go test ./triage -run Golden -update): %v", path, err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rerun with -update to accept):\n%s", path, got)
	}
	checkMarkdown(t, out.Summary)
	checkMarkdown(t, out.Text)
	if strings.Contains(out.Summary, "ghp_0123") {
		t.Error("GitHub token not redacted")
	}
	if !strings.Contains(out.Summary, "https://github.com/octo/app/actions/runs/100/job/1#step:4:24") {
		t.Error("no exact-line link to the likely cause")
	}
	if !strings.Contains(out.Summary, "https://github.com/octo/app/actions/runs/100/job/2#step:3:18") {
		t.Error("no exact-line link to the matched line")
	}
}

func TestTitle(t *testing.T) {
	j := func(v Verdict) JobVerdict { return JobVerdict{Verdict: v} }
	tests := []struct {
		jobs []JobVerdict
		want string
	}{
		{nil, "No failures"},
		{[]JobVerdict{j(New)}, "0 of 1 failure explained — 1 new"},
		{[]JobVerdict{j(Flaky), j(KnownProblem), j(New)}, "2 of 3 failures explained — 1 flaky · 1 known problem · 1 new"},
		{[]JobVerdict{j(New), j(NoLog), j(BrokenUpstream), j(KnownBroken), j(Flaky), j(Flaky)},
			"4 of 6 failures explained — 2 flaky · 1 known broken · 1 broken upstream · 1 no log · 1 new"},
	}
	for _, tt := range tests {
		if got := Title(Report{Jobs: tt.jobs}); got != tt.want {
			t.Errorf("Title = %q, want %q", got, tt.want)
		}
	}
}

func TestRenderNoFailures(t *testing.T) {
	out := Render(Triage(Input{Commit: Commit{SHA: commitSHA}, Runs: []Run{attempt(failed("a"), 1, ConclusionSuccess)}}), RenderOptions{})
	if out.Title != "No failures" || out.Conclusion != "success" || !strings.Contains(out.Summary, "No failed jobs") {
		t.Errorf("got %+v", out)
	}
}

func TestRenderMakesHostileTextInert(t *testing.T) {
	hostile := "<script>alert(1)</script> [x](javascript:alert(1)) @octocat #123 ``` | `tick`"
	r := failed(hostile, patterns.Match{PatternID: 77, Pattern: hostile, Tags: []string{"flaky", "<b>t</b>"}, Line: 3, Text: hostile})
	r.URL = "javascript:alert(1)"
	r.Context = Excerpt{Ranges: [][2]int{{2, 4}}, Lines: []string{"````", hostile, "</details><script>"}}
	rep := Triage(Input{Runs: []Run{r}, Patterns: map[int64]PatternInfo{77: {Name: hostile, Tags: []string{"flaky"}, Description: hostile}}})
	out := Render(rep, RenderOptions{DetailsURL: "https://totto.example/c"})
	checkMarkdown(t, out.Summary)
	outside := stripCode(out.Summary)
	for _, bad := range []string{"<script", "](javascript", "@octocat", "#123", "</details><script"} {
		if strings.Contains(outside, bad) {
			t.Errorf("%q outside code in:\n%s", bad, out.Summary)
		}
	}
	if !strings.Contains(out.Summary, "&lt;script&gt;") {
		t.Errorf("summary element not HTML-escaped:\n%s", out.Summary)
	}
}

func TestRenderFitsGitHubLimit(t *testing.T) {
	for _, n := range []int{60, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			long := strings.Repeat("x`|@a#1<", 100)
			var runs []Run
			for i := range n {
				r := failed(fmt.Sprintf("job %03d %s", i, long[:100]))
				switch i % 3 {
				case 0:
					r.Matches = []patterns.Match{match(pidFlaky, 10, long)}
				case 1:
					r.Matches = []patterns.Match{match(pidPlain, 10, long)}
				}
				r.Context = Excerpt{Ranges: [][2]int{{5, 15}}, Lines: strings.Split(strings.Repeat(long+"\n", 10)+long, "\n")}
				r.Cause = r.Context
				runs = append(runs, r)
			}
			rep := Triage(Input{Runs: runs, Patterns: catalogue})
			out := Render(rep, RenderOptions{DetailsURL: "https://totto.example/c"})
			if len(out.Summary) > MaxOutputBytes || len(out.Text) > MaxOutputBytes {
				t.Fatalf("summary %d bytes, text %d bytes: over %d", len(out.Summary), len(out.Text), MaxOutputBytes)
			}
			checkMarkdown(t, out.Summary)
			blocks := strings.Count(out.Summary, "<details>")
			if n == 60 {
				if strings.Contains(out.Summary, "more failures") || blocks == 0 || blocks == n {
					t.Errorf("want every row and some (not all) context blocks; got %d blocks", blocks)
				}
				// New failures are the most important: a flaky one's context goes first.
				if strings.Count(out.Summary, "— new</summary>") < rep.Count(New) && strings.Contains(out.Summary, "— flaky</summary>") {
					t.Errorf("context of a new failure dropped while a flaky one's was kept")
				}
			} else if !strings.Contains(out.Summary, "more failures — see [totto](https://totto.example/c)") {
				t.Errorf("500 failures: no pointer to the rest")
			}
		})
	}
}

func TestRenderSmallLimitStillValid(t *testing.T) {
	rep := Triage(representative())
	for _, limit := range []int{200, 1000, 3000, 8000} {
		out := Render(rep, RenderOptions{MaxBytes: limit, DetailsURL: "https://totto.example/c"})
		if len(out.Summary) > limit {
			t.Errorf("limit %d: summary %d bytes", limit, len(out.Summary))
		}
		if limit >= 1000 {
			checkMarkdown(t, out.Summary)
		}
	}
}

func TestRedactHookIsUsed(t *testing.T) {
	r := failed("a", match(pidPlain, 1, "secret line"))
	out := Render(Triage(Input{Runs: []Run{r}, Patterns: catalogue}), RenderOptions{Redact: func(s string) string { return strings.ReplaceAll(s, "secret", "XXX") }})
	if strings.Contains(out.Summary, "secret line") || !strings.Contains(out.Summary, "XXX line") {
		t.Errorf("custom redaction not applied:\n%s", out.Summary)
	}
}

func TestLineLink(t *testing.T) {
	steps := []StepSpan{{Number: 1, FirstLine: 1}, {Number: 3, FirstLine: 50}}
	gha := Run{Provider: ident.ProviderGitHubActions, URL: "https://github.com/o/r/actions/runs/1/job/2", Steps: steps}
	tests := []struct {
		name string
		run  Run
		line int
		want string
	}{
		{"first step", gha, 10, gha.URL + "#step:1:10"},
		{"later step", gha, 55, gha.URL + "#step:3:6"},
		{"step start", gha, 50, gha.URL + "#step:3:1"},
		{"no line", gha, 0, ""},
		{"no steps", Run{Provider: ident.ProviderGitHubActions, URL: gha.URL}, 5, ""},
		{"circleci", Run{Provider: ident.ProviderCircleCI, URL: gha.URL, Steps: steps}, 5, ""},
		{"unsafe url", Run{Provider: ident.ProviderGitHubActions, URL: "javascript:x", Steps: steps}, 5, ""},
		{"before first step", Run{Provider: ident.ProviderGitHubActions, URL: gha.URL, Steps: steps[1:]}, 5, ""},
	}
	for _, tt := range tests {
		if got := lineLink(tt.run, tt.line); got != tt.want {
			t.Errorf("%s: lineLink = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestOutputHash(t *testing.T) {
	o := Render(Triage(representative()), RenderOptions{})
	if OutputHash(o) != OutputHash(Render(Triage(representative()), RenderOptions{})) {
		t.Fatal("same report, different hash: rendering is not deterministic")
	}
	for _, change := range []func(*Output){
		func(o *Output) { o.Title += "." },
		func(o *Output) { o.Summary += "." },
		func(o *Output) { o.Text += "." },
		func(o *Output) { o.Conclusion = "neutral" },
		func(o *Output) { o.Title, o.Summary = o.Title+o.Summary[:1], o.Summary[1:] },
	} {
		c := o
		change(&c)
		if OutputHash(c) == OutputHash(o) {
			t.Errorf("changed output %+v has the same hash", c.Title)
		}
	}
}

// checkMarkdown asserts the structure a GitHub renderer relies on: fences closed, <details> balanced
// outside code, and every table row with exactly four cells.
func checkMarkdown(t *testing.T, s string) {
	t.Helper()
	fence, open := "", 0
	for i, line := range strings.Split(s, "\n") {
		if fence != "" {
			if strings.TrimSpace(line) == fence {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(line, "```") {
			fence = line[:strings.IndexFunc(line, func(r rune) bool { return r != '`' })]
			continue
		}
		open += strings.Count(line, "<details>") - strings.Count(line, "</details>")
		if open < 0 || open > 1 {
			t.Fatalf("line %d: <details> nesting %d", i+1, open)
		}
		if strings.HasPrefix(line, "|") {
			if cells := splitRow(line); len(cells) != 4 {
				t.Errorf("line %d: %d cells in table row %q", i+1, len(cells), line)
			}
		}
	}
	if fence != "" || open != 0 {
		t.Errorf("unclosed fence %q or %d open <details>", fence, open)
	}
}

// splitRow splits a GFM table row on pipes not preceded by a backslash.
func splitRow(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "|"), "|")
	var cells []string
	start := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
			cells = append(cells, line[start:i])
			start = i + 1
		}
	}
	return append(cells, line[start:])
}

// stripCode removes fenced code blocks, inline code spans and backslash-escaped characters: what
// is left is what a renderer could read as markup, mentions or references.
func stripCode(s string) string {
	return escapedRE.ReplaceAllString(stripCodeSpans(s), "")
}

var escapedRE = regexp.MustCompile("\\\\[!-/:-@\\[-`{-~]")

func stripCodeSpans(s string) string {
	var b strings.Builder
	fence := ""
	for _, line := range strings.Split(s, "\n") {
		if fence != "" {
			if strings.TrimSpace(line) == fence {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(line, "```") {
			fence = line[:strings.IndexFunc(line, func(r rune) bool { return r != '`' })]
			continue
		}
		for {
			i := strings.IndexByte(line, '`')
			for i > 0 && line[i-1] == '\\' {
				k := strings.IndexByte(line[i+1:], '`')
				if k < 0 {
					i = -1
					break
				}
				i += 1 + k
			}
			if i < 0 {
				break
			}
			n := i
			for n < len(line) && line[n] == '`' {
				n++
			}
			run := line[i:n]
			j := strings.Index(line[n:], " "+run+" ")
			if j < 0 {
				j = strings.Index(line[n:], run)
				if j < 0 {
					break
				}
			}
			end := n + j + len(run) + 1
			if end > len(line) {
				end = len(line)
			}
			line = line[:i] + line[end:]
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func BenchmarkRender500Failures(b *testing.B) {
	long := strings.Repeat("error: token=abc x`|@a#1< ", 20)
	var runs []Run
	for i := range 500 {
		r := failed(fmt.Sprintf("job %03d", i), match(int64(1+i%3), 10, long))
		r.Context = Excerpt{Ranges: [][2]int{{5, 15}}, Lines: strings.Split(strings.Repeat(long+"\n", 10)+long, "\n")}
		runs = append(runs, r)
	}
	in := Input{Runs: runs, Patterns: catalogue}
	b.ReportAllocs()
	for b.Loop() {
		Render(Triage(in), RenderOptions{DetailsURL: "https://totto.example/c"})
	}
}
