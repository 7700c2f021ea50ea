package triage

import (
	"fmt"
	"strconv"
	"strings"
)

// maxTestsListed bounds the failing tests listed under one job.
const maxTestsListed = 15

// testsList renders a job's failing tests, one line each: the test, its verdict and why, the
// failure's line, and its history in one line.
func testsList(j JobVerdict, opts RenderOptions) string {
	tests := j.Evidence.Tests
	if len(tests) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d failing %s:\n", len(tests), plural(len(tests), "test", "tests"))
	for i, tv := range tests {
		if i == maxTestsListed {
			fmt.Fprintf(&b, "- … and %d more\n", len(tests)-i)
			break
		}
		t := tv.Test
		name := t.Name
		if t.File != "" {
			name = t.File + " › " + t.Name
		}
		verdict := "**new**"
		if tv.Verdict != New {
			verdict = text(tv.Verdict.label())
		}
		if tv.Why != "" {
			verdict += " (" + text(tv.Why) + ")"
		}
		line := ""
		if t.Line > 0 {
			at := "line " + strconv.Itoa(t.Line)
			if l := lineLink(j.Run, t.Line); l != "" {
				at = link(at, l)
			}
			line = " — " + at
			if t.Text != "" {
				line += ": " + codeSpan(clip(opts.Redact(clip(t.Text, redactRunes)), maxCellRunes))
			}
		}
		fmt.Fprintf(&b, "- %s %s — %s%s — %s\n", codeSpan(clip(t.Runner, 20)), codeSpan(clip(name, maxNameRunes)),
			verdict, line, text(tv.HistoryLine(opts.TestWindow)))
	}
	b.WriteString("\n")
	return b.String()
}
