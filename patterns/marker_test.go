package patterns

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// A rule anchored on "##[error]" (as PyTorch's classifier writes them, against raw lines) fires
// exactly on the lines GitHub marked, whose normalised text no longer holds the marker; an
// unanchored rule still sees every line. The log is GitHub Actions output as downloaded.
func TestErrorMarkerAnchor(t *testing.T) {
	log := strings.Join([]string{
		"2024-05-01T10:00:00.0000000Z ##[group]Run python test/run_test.py",
		"2024-05-01T10:00:00.1000000Z python test/run_test.py",
		"2024-05-01T10:00:00.2000000Z ##[endgroup]",
		"2024-05-01T10:00:01.0000000Z The action 'Test' has timed out after 240 minutes.",
		"2024-05-01T10:00:02.0000000Z ##[error]The action 'Test' has timed out after 240 minutes.",
		"2024-05-01T10:00:03.0000000Z ##[error]Process completed with exit code 1.",
	}, "\n") + "\n"
	m, err := Compile([]Pattern{
		{ID: 1, Name: "GHA timeout", Kind: Regex, Expr: `^##\[error\]The action (.*)has timed out`},
		{ID: 2, Name: "GHA error", Kind: Regex, Expr: `^##\[error\](.*)`},
		{ID: 3, Name: "timed out anywhere", Kind: Regex, Expr: `has timed out after \d+ minutes`},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]int{}
	// The reader strips the marker into the line's attribute (auto) or leaves it in the text
	// (Travis format, as raw input): the same lines match either way.
	for _, tc := range []struct {
		naive  bool
		format logs.Format
	}{{false, logs.FormatAuto}, {true, logs.FormatAuto}, {false, logs.FormatTravis}} {
		naive := tc.naive
		clear(got)
		in := log
		if tc.format == logs.FormatTravis {
			in = regexp.MustCompile(`(?m)^\S+Z `).ReplaceAllString(log, "") // no timestamps: the marker starts the text
		}
		r := logs.NewReaderOptions(strings.NewReader(in), logs.Options{Format: tc.format})
		_, err := m.scan(r, ScanOptions{}, func(mt Match) error {
			got[mt.Pattern] = append(got[mt.Pattern], mt.Line)
			return nil
		}, naive)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"GHA timeout": "[5]", "GHA error": "[5 6]", "timed out anywhere": "[4 5]"}
		for name, w := range want {
			if g := fmt.Sprint(got[name]); g != w {
				t.Errorf("naive=%v format=%d: %s matched lines %s, want %s", naive, tc.format, name, g, w)
			}
		}
	}
	if w := PrefilterWarning(Pattern{Name: "GHA error", Kind: Regex, Expr: `^##\[error\](.*)`}); w != "" {
		t.Errorf("a marker-anchored catch-all is tried on marked lines only, yet warned: %s", w)
	}
}
