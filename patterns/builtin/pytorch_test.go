package builtin

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// pytorchExpected is what the built-ins must find in the PyTorch fixtures (logs/pytorch-dev):
// real GitHub Actions log windows, each with the line PyTorch's own classifier picks marked
// "#=MATCH=#". Fixtures not listed must produce no built-in match at all (most are real test,
// build or lint failures).
var pytorchExpected = map[string]string{
	"action_archive_download_failure": "action download failed",
	"docker_manifest_unknown":         "docker image manifest unknown",
	"gh_api_rate_limit":               "GitHub API rate limit exceeded",
	"gha_cancellation_shutdown":       "runner received shutdown signal",
	"gha_operation_canceled":          "operation canceled",
	"gha_timeout":                     "GitHub Actions step timed out",
}

func TestPyTorchFixtures(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "logs", "pytorch-dev")
	m := compileAll(t)
	for _, rel := range globLogs(t, dir, "clean/*.log") {
		stem := strings.TrimSuffix(filepath.Base(rel), ".log")
		hits, err := scanFile(m, filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, h := range hits {
			got[h.Pattern] = true
		}
		var names []string
		for n := range got {
			names = append(names, n)
		}
		sort.Strings(names)
		want := pytorchExpected[stem]
		if (want == "" && len(names) > 0) || (want != "" && (len(names) != 1 || names[0] != want)) {
			t.Errorf("%s: built-ins %q matched, want %q", stem, names, want)
			continue
		}
		if want == "" {
			continue
		}
		// The expected line: the marked one, without the marker and the capture brackets.
		marked, err := os.ReadFile(filepath.Join(dir, stem+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		var expected string
		for _, ln := range strings.Split(string(marked), "\n") {
			if strings.HasPrefix(ln, "#=MATCH=# ") {
				expected = strings.NewReplacer("‹", "", "›", "").Replace(ln)
			}
		}
		found := false
		for _, h := range hits {
			found = found || strings.Contains(expected, h.Text)
		}
		if !found {
			t.Errorf("%s: no %q match on the line PyTorch's classifier marks: %q", stem, want, expected)
		}
	}
}
