package patterns

import (
	"strings"
	"testing"
)

func TestAnalyseRegexRequiredLiterals(t *testing.T) {
	tests := []struct {
		expr   string
		want   string // required literals joined by "|", "" = none (runs on every line)
		prefix string
	}{
		{`hello`, "hello", ""},
		{`(?i)Error:`, "(?i)error:", ""},
		{`(?i)kill`, "(?i)kill|(?i)\u212aill", ""}, // K also folds to the Kelvin sign
		{`foo|bar`, "bar|foo", ""},
		{`foo|b`, "", ""}, // a one-byte branch makes the union useless
		{`(?:FC|BC) check failed: .*`, "BC check failed: |FC check failed: ", ""},
		{`[Ee]rror [0-9]`, "(?i)error 0|(?i)error 1|(?i)error 2|(?i)error 3|(?i)error 4|(?i)error 5|(?i)error 6|(?i)error 7|(?i)error 8|(?i)error 9", ""},
		{`^>>> Lint for.*`, ">>> Lint for", ">>> Lint for"},
		{`^(?i)abc`, "(?i)abc", ""},
		{`x*`, "", ""},
		{`a.*b`, "", ""},
		{`colou?r`, "color|colour", ""},
		{`INFO.*(\d+) ms`, "INFO", ""},
		{`(?:ab)+c`, "abc", ""},
		{`\w+Error: `, "Error: ", ""},
		{`a\bb`, "ab", ""}, // never matches, but a requirement need only hold for matches
		{"\uFFFD+", "", ""},
		{`ERROR(?: \[.*\])?: (test.*) \(`, ": test", ""},
		{`(?:Traceback|FAIL) (\w+)`, "FAIL |Traceback ", ""},
		{`The runner has received a shutdown signal\. This can happen`, "The runner has received ", ""},
	}
	for _, tt := range tests {
		info, err := analyseRegex(tt.expr)
		if err != nil {
			t.Fatalf("%q: %v", tt.expr, err)
		}
		var parts []string
		for _, l := range info.required {
			if l.fold {
				parts = append(parts, "(?i)"+l.s)
			} else {
				parts = append(parts, l.s)
			}
		}
		if got := strings.Join(parts, "|"); got != tt.want {
			t.Errorf("required(%q) = %q, want %q", tt.expr, got, tt.want)
		}
		if info.anchoredPrefix != tt.prefix {
			t.Errorf("anchoredPrefix(%q) = %q, want %q", tt.expr, info.anchoredPrefix, tt.prefix)
		}
	}
}

func TestPrefilterWarning(t *testing.T) {
	tests := []struct {
		p    Pattern
		warn bool
	}{
		{Pattern{Name: "ok", Kind: Regex, Expr: `Traceback \(most recent`}, false},
		{Pattern{Name: "lit", Kind: Literal, Expr: "Hash Sum mismatch"}, false},
		{Pattern{Name: "short-lit", Kind: Literal, Expr: "#"}, true},
		{Pattern{Name: "dotstar", Kind: Regex, Expr: `^.*$`}, true},
		{Pattern{Name: "class", Kind: Regex, Expr: `\d+ failed`}, false},
		{Pattern{Name: "bad", Kind: Regex, Expr: `(`}, false},
	}
	for _, tt := range tests {
		w := PrefilterWarning(tt.p)
		if (w != "") != tt.warn {
			t.Errorf("%s: warning %q, want warning=%v", tt.p.Name, w, tt.warn)
		}
		if w != "" && !strings.Contains(w, tt.p.Name) {
			t.Errorf("%s: warning %q does not name the pattern", tt.p.Name, w)
		}
	}
}
