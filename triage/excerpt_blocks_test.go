package triage

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/logs/cause"
)

// TestRenderExcerptInBlocks renders the check run of a job whose likely cause is in two blocks
// (the CMake error, then pip's closing statement, from PyTorch's CI): the table quotes the cause
// line, and the job's details show both blocks in order with "…" between them and the cause line
// marked.
func TestRenderExcerptInBlocks(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "logs", "cause", "testdata", "closing-pip.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	finder := cause.NewFinder(cause.Options{})
	r := logs.NewReader(f)
	for r.Next() {
		finder.Add(r.Line())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	ex := Excerpt(finder.Excerpt())
	if len(ex.Ranges) != 2 || ex.Cause != 6 {
		t.Fatalf("excerpt %v cause %d: want two blocks, cause line 6", ex.Ranges, ex.Cause)
	}
	run := Run{Provider: ident.ProviderGitHubActions, Name: "linux-jammy-rocm-py3.10 / build", Attempt: 1,
		Conclusion: ConclusionFailure, URL: "https://github.com/octo/app/actions/runs/100/job/7", Cause: ex}
	out := Render(Triage(Input{Commit: Commit{Repo: "octo/app", SHA: commitSHA}, Runs: []Run{run}}), RenderOptions{})

	if !strings.Contains(out.Summary, "CMake Error at") {
		t.Errorf("the table does not quote the cause line:\n%s", out.Summary)
	}
	all := out.Summary + out.Text
	marked := regexp.MustCompile(`(?m)^>\s*6 \| +CMake Error at`).FindStringIndex(all)
	if marked == nil {
		t.Fatalf("line 6 is not the marked line:\n%s", all)
	}
	rest := all[marked[1]:]
	gap := strings.Index(rest, "…")
	wheel := strings.Index(rest, "21 |   ERROR: Failed building wheel for torchcomms")
	if gap < 0 || wheel < gap {
		t.Errorf("want the cause's block, \"…\", then pip's closing statement:\n%s", all)
	}
	checkMarkdown(t, out.Summary)
	checkMarkdown(t, out.Text)
}
