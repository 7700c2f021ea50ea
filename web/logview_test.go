package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// A user "::group::" inside a step folds on its own within the step's fold, open only when it
// holds the page's line; the step's "Run" header folds the same way; progress frames still fold.
func TestSectionsFoldGroupsInsideSteps(t *testing.T) {
	const ts = "2026-03-11T10:00:00.0000000Z "
	in := strings.Join([]string{
		ts + "##[group]Run make test", ts + "make test", ts + "##[endgroup]",
		ts + "##[group]Download modules", ts + "go: downloading a", ts + "##[endgroup]",
		ts + "##[group]Test output", ts + "ok pkg/a", ts + "FAIL pkg/b", ts + "##[endgroup]",
		ts + "50%\r100%",
		ts + "Post job cleanup.",
	}, "\n") + "\n"
	r := logs.NewReaderOptions(strings.NewReader(in), logs.Options{Format: logs.FormatGitHubActions})
	var ls []logs.Line
	var shown []logLine
	for r.Next() {
		l := r.Line()
		l.Text = append([]byte(nil), l.Text...)
		ls = append(ls, l)
		shown = append(shown, logLine{Num: l.Num, Pre: string(l.Text), Overwritten: l.Overwritten})
	}
	secs := sections(ls, shown, 9) // line 9: FAIL pkg/b
	var b strings.Builder
	for _, s := range secs {
		fmt.Fprintf(&b, "step %q %d-%d open=%t\n", s.Step, s.First, s.Last, s.Open)
		for _, it := range s.Items {
			switch {
			case it.Group != nil:
				fmt.Fprintf(&b, " group %q %d-%d open=%t\n", it.Group.Title, it.Group.First, it.Group.Last, it.Group.Open)
			case it.End:
				b.WriteString(" end\n")
			case it.Line != nil:
				fmt.Fprintf(&b, "  %d %s\n", it.Line.Num, it.Line.Pre)
			default:
				fmt.Fprintf(&b, "  %d frames\n", len(it.Frames))
			}
		}
	}
	want := `step "Run make test" 1-12 open=true
 group "Run make test" 1-3 open=false
  1 Run make test
  2 make test
  3 
 end
 group "Download modules" 4-6 open=false
  4 Download modules
  5 go: downloading a
  6 
 end
 group "Test output" 7-10 open=true
  7 Test output
  8 ok pkg/a
  9 FAIL pkg/b
  10 
 end
  1 frames
  12 100%
step "Post job cleanup." 13-13 open=false
  13 Post job cleanup.
`
	if got := b.String(); got != want {
		t.Errorf("sections:\n%s\nwant:\n%s", got, want)
	}
}
