package triage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/redact"
)

// corpusDir returns the shared corpus root, or skips the test.
func corpusDir(t *testing.T) string {
	t.Helper()
	return testcorpus.Path(t)
}

// TestRenderRealPyTorchLogs renders one check run over the real PyTorch job logs of
// logs/pytorch-dev, each with its expected failure line as the best match, and checks that the
// markdown stays valid and within GitHub's limit, and that every expected line is quoted.
func TestRenderRealPyTorchLogs(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "logs", "pytorch-dev")
	fixtures, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(fixtures) == 0 {
		t.Skipf("no pytorch-dev fixtures in %s (%v)", dir, err)
	}
	var runs []Run
	var expected []string
	for i, fx := range fixtures {
		stem := strings.TrimSuffix(filepath.Base(fx), ".txt")
		marked, err := os.ReadFile(fx)
		if err != nil {
			t.Fatalf("read fixture %s: %v", fx, err)
		}
		want := ""
		for _, l := range strings.Split(string(marked), "\n") {
			if rest, ok := strings.CutPrefix(l, "#=MATCH=# "); ok {
				want = strings.NewReplacer("‹", "", "›", "").Replace(strings.TrimRight(rest, "\r"))
			}
		}
		if want == "" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, "clean", stem+".log"))
		if err != nil {
			t.Fatalf("read clean log of %s: %v", stem, err)
		}
		lines := strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n")
		at := 0
		for n, l := range lines {
			if l == want {
				at = n + 1
			}
		}
		if at == 0 {
			t.Fatalf("%s: expected line %q not in the clean log", stem, want)
		}
		lo, hi := max(1, at-5), min(len(lines), at+5)
		tag := []string{"flaky"}
		if i%2 == 1 {
			tag = []string{"test"}
		}
		r := failed(stem, patterns.Match{PatternID: int64(100 + i), Pattern: stem, Tags: tag, Line: at, Text: want})
		r.Context = Excerpt{Ranges: [][2]int{{lo, hi}}, Lines: lines[lo-1 : hi]}
		r.Steps = []StepSpan{{Number: 2, FirstLine: 1}}
		runs = append(runs, r)
		expected = append(expected, want)
	}
	rep := Triage(Input{Commit: Commit{Repo: "pytorch/pytorch", SHA: commitSHA}, Runs: runs})
	out := Render(rep, RenderOptions{DetailsURL: "https://totto.example/c"})
	if len(out.Summary) > MaxOutputBytes {
		t.Fatalf("summary of %d bytes", len(out.Summary))
	}
	checkMarkdown(t, out.Summary)
	if got, want := strings.Count(out.Summary, "<details>"), len(runs); got != want {
		t.Errorf("%d context blocks for %d jobs", got, want)
	}
	for _, w := range expected {
		shown := clip(oneLine(redact.Default.Text(w)), 80)
		shown = strings.TrimSuffix(shown, "…")
		if !strings.Contains(out.Summary, shown) {
			t.Errorf("expected line %q not quoted in the summary", shown)
		}
	}
	t.Logf("%d real logs, title %q, summary %d bytes", len(runs), out.Title, len(out.Summary))
}
