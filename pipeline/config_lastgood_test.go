package pipeline

import (
	"fmt"
	"testing"
)

// Each invalid key keeps its last good value, each invalid pattern its last good version; valid
// keys and patterns apply as written; a file that cannot be read at all keeps everything.
func TestConfigLastGood(t *testing.T) {
	good, err := ParseConfig("f.yml", []byte("patterns:\n  - name: a\n    literal: old-a\n  - name: b\n    literal: old-b\nignore: [docs]\nbuiltin: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, yaml          string
		patterns, ignore    string
		builtin, fileUnread bool
	}{
		{name: "bad pattern keeps its old version, new valid one loads, removed one goes",
			yaml:     "patterns:\n  - name: a\n    regex: '('\n  - name: c\n    literal: new-c\nignore: [x]\nbuiltin: true\n",
			patterns: "[c:new-c a:old-a]", ignore: "[x]", builtin: true},
		{name: "bad key keeps its old value",
			yaml:     "patterns:\n  - name: a\n    literal: new-a\nignore: 3\nbuiltin: maybe\n",
			patterns: "[a:new-a]", ignore: "[docs]", builtin: false},
		{name: "unreadable patterns list keeps the old patterns",
			yaml:     "patterns: 3\n",
			patterns: "[a:old-a b:old-b]", builtin: true},
		{name: "syntax error keeps everything",
			yaml:     "patterns:\n  - name: [\n",
			patterns: "[a:old-a b:old-b]", ignore: "[docs]", builtin: false, fileUnread: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parsed, err := ParseConfig("f.yml", []byte(c.yaml))
			if err == nil {
				t.Fatal("want problems")
			}
			got := parsed.lastGood(good)
			var ps []string
			for _, p := range got.Patterns {
				ps = append(ps, p.Name+":"+p.Expr)
			}
			if fmt.Sprint(ps) != c.patterns || fmt.Sprint(got.Ignore) != fmt.Sprint(splitList(c.ignore)) || got.Builtin != c.builtin {
				t.Errorf("patterns %v ignore %v builtin %v; want %s %s %v", ps, got.Ignore, got.Builtin, c.patterns, c.ignore, c.builtin)
			}
			if got.patternsUnread != (c.fileUnread || c.yaml == "patterns: 3\n") {
				t.Errorf("patternsUnread %v", got.patternsUnread)
			}
		})
	}
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s[1 : len(s)-1]}
}
