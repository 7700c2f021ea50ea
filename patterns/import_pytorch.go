package patterns

import (
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
)

// pytorchRuleset is PyTorch's log-classifier ruleset.toml: `[[rule]]` tables with a name and a
// regex, ordered by priority, first highest.
type pytorchRuleset struct {
	Rule []struct {
		Name    string `toml:"name"`
		Pattern string `toml:"pattern"`
	} `toml:"rule"`
}

// importPyTorch reads a ruleset.toml. Priorities follow file order: with n rules, the first gets
// n and the last 1, so "higher wins" keeps the upstream order. Upstream regexes are Rust syntax;
// the common subset compiles unchanged with Go's RE2 and any that does not is skipped with a note.
// Upstream takes each rule's last matching line, which totto's best-match choice decides, not the
// pattern file.
func importPyTorch(path string) (ImportResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ImportResult{}, fmt.Errorf("read ruleset: %w", err)
	}
	var rs pytorchRuleset
	md, err := toml.Decode(string(data), &rs)
	if err != nil {
		return ImportResult{}, fmt.Errorf("parse ruleset TOML: %w", err)
	}
	var res ImportResult
	for _, k := range md.Undecoded() {
		res.notef("ignored TOML key %s (only rule.name and rule.pattern are imported)", k)
	}
	n := len(rs.Rule)
	for i, r := range rs.Rule {
		expr, ok := withoutErrorMarker(r.Pattern)
		if !ok {
			res.notef("skipped rule %q (%s): it matches any line GitHub marks as an error; totto's likely cause covers that", r.Name, r.Pattern)
			continue
		}
		res.Patterns = append(res.Patterns, Pattern{
			Name:        r.Name,
			Kind:        Regex,
			Expr:        expr,
			Priority:    n - i,
			Description: fmt.Sprintf("PyTorch log classifier rule %d of %d.", i+1, n),
		})
	}
	return res, nil
}

// errorMarkerAnchor is how PyTorch rules anchor on GitHub Actions' error annotation.
const errorMarkerAnchor = `^##\[error\]`

// withoutErrorMarker adapts a rule anchored on "##[error]" to totto's normalised lines, where the
// marker is removed from the text (logs.Line.ErrorMarker records it): the anchor becomes "^".
// A rule that is nothing but the marker and a catch-all group would then match every line, so it
// is reported as not importable.
func withoutErrorMarker(expr string) (string, bool) {
	rest, ok := strings.CutPrefix(expr, errorMarkerAnchor)
	if !ok {
		return expr, true
	}
	switch rest {
	case "", "(.*)", ".*", "(.*)$", ".*$", "(.+)", ".+":
		return "", false
	}
	return "^" + rest, true
}
