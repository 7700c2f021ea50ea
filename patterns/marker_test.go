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

// A raw-marker pattern sees a marked line as the raw log shows it, "##[error]" first: an
// expression anchored on the text skips marked lines, one that allows a prefix (`^.*`) or names
// the marker fires on them, and a span inside the marker is reported at the text's start. Without
// the attribute the same expressions see the text alone. The prefilter (the marker is not in the
// scanned text) and the reference scan agree, whether the reader strips the marker or not.
func TestRawMarker(t *testing.T) {
	log := strings.Join([]string{
		"2024-05-01T10:00:00.0000000Z TypeError: unhashable type: 'list'",
		"2024-05-01T10:00:00.1000000Z ##[error]TypeError: unhashable type: non-nested SymInt",
		"2024-05-01T10:00:00.2000000Z ##[error]foo.cpp:12:3: error: 'bar' was not declared",
		"2024-05-01T10:00:00.3000000Z ##[error]Process completed with exit code 1.",
	}, "\n") + "\n"
	exprs := []string{`^TypeError: (.*)`, `^.*\d+:\d+: error: .*`, `error\]Process`, `^##\[error\]TypeError`}
	var ps []Pattern
	for i, e := range exprs {
		ps = append(ps, Pattern{ID: int64(i + 1), Name: "raw " + e, Kind: Regex, Expr: e, RawMarker: true},
			Pattern{ID: int64(i + 11), Name: "text " + e, Kind: Regex, Expr: e})
	}
	ps = append(ps, Pattern{ID: 21, Name: "raw literal", Kind: Literal, Expr: "##[error]foo", RawMarker: true})
	m, err := Compile(ps)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"raw ^TypeError: (.*)":       "[1:0-34]",
		"text ^TypeError: (.*)":      "[1:0-34 2:0-45]",
		`raw ^.*\d+:\d+: error: .*`:  "[3:0-43]",
		`text ^.*\d+:\d+: error: .*`: "[3:0-43]",
		`raw error\]Process`:         "[4:0-7]",
		`raw ^##\[error\]TypeError`:  "[2:0-9]",
		`text ^##\[error\]TypeError`: "[2:0-9]",
		"raw literal":                "[3:0-3]",
	}
	for _, tc := range []struct {
		naive  bool
		format logs.Format
	}{{false, logs.FormatAuto}, {true, logs.FormatAuto}, {false, logs.FormatTravis}} {
		in := log
		if tc.format == logs.FormatTravis {
			in = regexp.MustCompile(`(?m)^\S+Z `).ReplaceAllString(log, "") // the marker stays in the text
		}
		got := map[string][]string{}
		r := logs.NewReaderOptions(strings.NewReader(in), logs.Options{Format: tc.format})
		_, err := m.scan(r, ScanOptions{}, func(mt Match) error {
			if tc.format == logs.FormatTravis && strings.HasPrefix(mt.Text, "##[error]") {
				mt.Start, mt.End = max(mt.Start-9, 0), max(mt.End-9, 0) // spans of the text after the marker
			}
			got[mt.Pattern] = append(got[mt.Pattern], fmt.Sprintf("%d:%d-%d", mt.Line, mt.Start, mt.End))
			return nil
		}, tc.naive)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if tc.format == logs.FormatTravis && !strings.HasPrefix(p.Name, "raw") {
				continue // a reader that leaves the marker in the text gives no attribute to ignore
			}
			if g, w := fmt.Sprint(got[p.Name]), want[p.Name]; g != w && !(w == "" && g == "[]") {
				t.Errorf("naive=%v format=%d: %s matched %s, want %s", tc.naive, tc.format, p.Name, g, w)
			}
		}
	}
}
