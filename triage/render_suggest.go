package triage

import (
	"fmt"
	"strings"
)

// suggestionText offers a suggested pattern under a new job: how often its failure recurs and
// the pattern that would explain it.
func suggestionText(sg Suggestion, opts RenderOptions) string {
	var b strings.Builder
	seen := "Seen before"
	if others := sg.Jobs - 1; others > 0 {
		seen = fmt.Sprintf("Seen in %d other %s", others, plural(others, "job", "jobs"))
	}
	if opts.SuggestionWindow != "" {
		seen += " " + opts.SuggestionWindow
	}
	b.WriteString(text(seen) + ". A pattern would explain it: ")
	b.WriteString(text(string(sg.Pattern.Kind)) + " " + codeSpan(clip(opts.Redact(clip(sg.Pattern.Expr, redactRunes)), maxContextRunes)))
	b.WriteString("\n\n")
	return b.String()
}
