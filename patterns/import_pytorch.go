package patterns

import (
	"fmt"
	"os"

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
// pattern file. Upstream matches raw lines, where a line GitHub marked starts with "##[error]", so
// every rule is imported with RawMarker: `^##\[error\]…` fires exactly on marked lines and
// `^TypeError` never does, as upstream.
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
		res.Patterns = append(res.Patterns, Pattern{
			Name:        r.Name,
			Kind:        Regex,
			Expr:        r.Pattern,
			Priority:    n - i,
			RawMarker:   true,
			Description: fmt.Sprintf("PyTorch log classifier rule %d of %d.", i+1, n),
		})
	}
	return res, nil
}
