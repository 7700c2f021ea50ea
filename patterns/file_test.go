package patterns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const goodFile = `patterns:
  - name: apt mirror sync in progress
    literal: "Hash Sum mismatch"
    tags: [flaky, infra]
    description: Debian mirror was mid-sync; rerun.
    priority: 10
    jobs: ["*"]
    steps: []
    last_lines: 0
  - name: apt fetch failed
    regex: '^E: Failed to fetch .*'
    last_lines: 200
`

func TestParseDocumentedExample(t *testing.T) {
	ps, err := Parse("p.yml", []byte(goodFile))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []Pattern{
		{ID: 1, Name: "apt mirror sync in progress", Kind: Literal, Expr: "Hash Sum mismatch",
			Tags: []string{"flaky", "infra"}, Description: "Debian mirror was mid-sync; rerun.",
			Priority: 10, Jobs: []string{"*"}, Steps: []string{}, Source: "p.yml"},
		{ID: 2, Name: "apt fetch failed", Kind: Regex, Expr: "^E: Failed to fetch .*", LastLines: 200, Source: "p.yml"},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("Parse =\n%#v\nwant\n%#v", ps, want)
	}
}

func TestParseResolvesAliases(t *testing.T) {
	data := "patterns:\n  - name: a\n    literal: &msg connection reset by peer\n    tags: &t [flaky]\n  - name: b\n    regex: *msg\n    tags: *t\n"
	ps, err := Parse("a.yml", []byte(data))
	if err != nil || len(ps) != 2 || ps[1].Expr != "connection reset by peer" || !ps[1].HasTag("flaky") {
		t.Errorf("Parse = %+v, %v", ps, err)
	}
}

func TestParseEmptyInputs(t *testing.T) {
	for _, in := range []string{"", "# nothing yet\n", "patterns:\n", "patterns: []\n"} {
		ps, err := Parse("e.yml", []byte(in))
		if err != nil || len(ps) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want no patterns, no error", in, ps, err)
		}
	}
}

// TestParseProblems checks every validation rule: the problem's line, pattern label and message,
// and that the other (valid) pattern in the same file still loads.
func TestParseProblems(t *testing.T) {
	const valid = "  - name: ok\n    literal: still loads\n"
	tests := []struct {
		name    string
		entry   string // one or more entries, first at line 2
		line    int
		pattern string
		msg     string // substring of the message
		warning bool
	}{
		{"bad regex", "  - name: r\n    regex: 'a(b'\n", 3, "r", "bad regex: error parsing regexp: missing closing ): `a(b`", false},
		{"huge program", "  - name: r\n    regex: '(x{1000}){1000}'\n", 3, "r", "bad regex: error parsing regexp: invalid repeat count", false},
		{"empty regex", "  - name: r\n    regex: ''\n", 3, "r", "empty expression", false},
		{"null literal", "  - name: r\n    literal:\n", 3, "r", "empty expression", false},
		{"both", "  - name: r\n    regex: Connection refused\n    literal: ab\n", 4, "r", "has both `regex` and `literal`", false},
		{"neither", "  - name: r\n    tags: [flaky]\n", 2, "r", "needs exactly one of `regex` or `literal`", false},
		{"missing name", "  - literal: abc\n", 2, "#1", "missing name", false},
		{"duplicate name", "  - name: ok\n    literal: first\n", 4, "ok", "duplicate name (first defined on line 2)", false},
		{"duplicate field", "  - name: r\n    literal: abc\n    literal: abd\n", 4, "r", "field `literal` given twice (first on line 3)", false},
		{"unknown field typo", "  - name: r\n    literal: abc\n    tagz: [x]\n", 4, "r", "unknown field `tagz` (did you mean `tags`?)", false},
		{"unknown field alias", "  - name: r\n    literal: abc\n    lines_from_end: 3\n", 4, "r", "unknown field `lines_from_end` (did you mean `last_lines`?)", false},
		{"unknown field far", "  - name: r\n    literal: abc\n    colour: red\n", 4, "r", "unknown field `colour`; known fields: name, regex", false},
		{"bad glob", "  - name: r\n    literal: abc\n    jobs: ['[a-']\n", 4, "r", `bad glob "[a-": syntax error in pattern`, false},
		{"double star", "  - name: r\n    literal: abc\n    steps: ['build/**']\n", 4, "r", "`**` is not supported", false},
		{"empty glob", "  - name: r\n    literal: abc\n    jobs: ['']\n", 4, "r", "empty glob", false},
		{"negative last_lines", "  - name: r\n    literal: abc\n    last_lines: -5\n", 4, "r", "got -5", false},
		{"raw_marker not bool", "  - name: r\n    literal: abc\n    raw_marker: yes\n", 4, "r", "`raw_marker` must be true or false, got \"yes\"", false},
		{"long expression", "  - name: r\n    literal: " + strings.Repeat("x", MaxExprBytes+1) + "\n", 3, "r", "expression is 4097 bytes long, at most 4096", false},
		{"long name", "  - name: " + strings.Repeat("n", 201) + "\n    literal: abc\n", 2, strings.Repeat("n", 201), "name is 201 bytes long, at most 200", false},
		{"bad tag", "  - name: r\n    literal: abc\n    tags: [Flaky]\n", 4, "r", `tag "Flaky" must match ^[a-z0-9][a-z0-9._-]*$: lower case letters, digits, '.', '_' and '-' (did you mean "flaky"?)`, false},
		{"priority not int", "  - name: r\n    literal: abc\n    priority: high\n", 4, "r", "`priority` must be an integer, got \"high\"", false},
		{"priority float", "  - name: r\n    literal: abc\n    priority: 1.5\n", 4, "r", "`priority` must be an integer, got \"1.5\"", false},
		{"tags not list", "  - name: r\n    literal: abc\n    tags: flaky\n", 4, "r", "`tags` must be a list, e.g. `tags: [flaky]`", false},
		{"name is a list", "  - name: [a, b]\n    literal: abc\n", 2, "#1", "`name` must be a string, got a list", false},
		{"entry not mapping", "  - just a string\n", 2, "#1", "each pattern is a mapping", false},
		{"literal with newline", "  - name: r\n    literal: \"a\\nb\"\n", 3, "r", "literal contains a line break", false},
		{"name with tab", "  - name: \"a\\tb\"\n    literal: abc\n", 2, "a\tb", "control character", false},
		{"short literal warns", "  - name: r\n    literal: ab\n", 3, "r", `literal "ab" is shorter than 3 bytes`, true},
		{"unprefilterable regex warns", "  - name: r\n    regex: '.x'\n", 3, "r", "no literal text of at least 2 characters is required by every match", true},
		{"empty-matching regex warns", "  - name: r\n    regex: 'x*'\n", 3, "r", "matches an empty line", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := "patterns:\n" + tc.entry + valid
			if tc.name == "duplicate name" {
				data = "patterns:\n" + valid + tc.entry
			}
			ps, err := Parse("f.yml", []byte(data))
			var probs Problems
			if !errors.As(err, &probs) {
				t.Fatalf("Parse error = %v (%T), want Problems", err, err)
			}
			if len(probs) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(probs), probs)
			}
			p := probs[0]
			if p.File != "f.yml" || p.Line != tc.line || p.Pattern != tc.pattern || p.Warning != tc.warning || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("problem = %+v\nwant line %d pattern %q warning %v msg containing %q", p, tc.line, tc.pattern, tc.warning, tc.msg)
			}
			wantLoaded := 1
			if tc.warning {
				wantLoaded = 2
			}
			if len(ps) != wantLoaded {
				t.Errorf("loaded %d patterns, want %d", len(ps), wantLoaded)
			}
			if len(probs.Errors()) != map[bool]int{false: 1, true: 0}[tc.warning] {
				t.Errorf("Errors() = %v", probs.Errors())
			}
		})
	}
}

func TestParseReportsAllProblemsAtOnce(t *testing.T) {
	data := `patterns:
  - name: a
    regex: '('
  - name: b
    literal: fine
  - name: c
    literal: x
    priority: high
    tagz: []
`
	ps, err := Parse("all.yml", []byte(data))
	if len(ps) != 1 || ps[0].Name != "b" || ps[0].ID != 1 {
		t.Fatalf("valid patterns = %+v, want just b with ID 1", ps)
	}
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("err = %v", err)
	}
	got := strings.Split(probs.Error(), "\n")
	want := []string{
		"all.yml:3: pattern \"a\": bad regex: error parsing regexp: missing closing ): `(`",
		"all.yml:7: warning: pattern \"c\": literal \"x\" is shorter than 3 bytes and will match a great many lines",
		"all.yml:8: pattern \"c\": `priority` must be an integer, got \"high\"",
		"all.yml:9: pattern \"c\": unknown field `tagz` (did you mean `tags`?)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseFileLevelProblems(t *testing.T) {
	tests := []struct {
		name, data string
		line       int
		msg        string
		warning    bool
	}{
		{"yaml syntax", "patterns:\n  - name: a\n    literal: b: c\n", 3, "YAML syntax error: mapping values are not allowed in this context", false},
		{"not a mapping", "- name: a\n", 1, "a pattern file is a mapping with a top-level `patterns:` list, got a list", false},
		{"no patterns key", "rules: []\n", 1, "top-level key \"rules\" is ignored", true},
		{"patterns not list", "patterns: {name: a}\n", 1, "`patterns` must be a list of patterns, got a mapping", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := Parse("x.yml", []byte(tc.data))
			var probs Problems
			if !errors.As(err, &probs) || len(ps) != 0 {
				t.Fatalf("Parse = %v, %v; want Problems and nothing loaded", ps, err)
			}
			p := probs[0]
			if p.Line != tc.line || p.Warning != tc.warning || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("first problem = %+v, want line %d warning %v msg containing %q", p, tc.line, tc.warning, tc.msg)
			}
		})
	}
}

func TestParseTooManyPatterns(t *testing.T) {
	var b strings.Builder
	b.WriteString("patterns:\n")
	for i := range MaxPatternsPerFile + 2 {
		fmt.Fprintf(&b, "  - {name: p%d, literal: some text}\n", i)
	}
	ps, err := Parse("big.yml", []byte(b.String()))
	if len(ps) != MaxPatternsPerFile {
		t.Errorf("loaded %d patterns, want the first %d", len(ps), MaxPatternsPerFile)
	}
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 1 || probs[0].Line != MaxPatternsPerFile+2 ||
		!strings.Contains(probs[0].Msg, "too many patterns: 10002, at most 10000") {
		t.Errorf("problems = %v", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	in := []Pattern{
		{Name: "apt mirror", Kind: Literal, Expr: "Hash Sum mismatch", Tags: []string{"flaky", "infra"},
			Description: "Debian mirror was mid-sync; rerun.", Priority: 10, Jobs: []string{"*"}, LastLines: 50},
		{Name: "quotes 'and' \"doubles\"", Kind: Regex, Expr: `^E: Failed to fetch \S+ "(.*)"$`, Priority: -3,
			Steps: []string{"Run tests*", `[ab]\*`}, RawMarker: true},
		{Name: "yes", Kind: Literal, Expr: "123", Description: "multi\nline: description # not a comment"},
		{Name: "null", Kind: Literal, Expr: "  leading and trailing spaces  "},
		{Name: "unicode ✓", Kind: Literal, Expr: "échec: ✗ tab\there"},
	}
	data, err := Marshal(in)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	out, err := Parse("rt.yml", data)
	if err != nil {
		t.Fatalf("Parse(Marshal(...)): %v\n%s", err, data)
	}
	for i := range in {
		in[i].ID = int64(i + 1)
		in[i].Source = "rt.yml"
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip differs:\n got %#v\nwant %#v\nyaml:\n%s", out, in, data)
	}
	if !strings.Contains(string(data), "tags: [flaky, infra]") {
		t.Errorf("tags not written in flow style:\n%s", data)
	}
}

func TestMarshalEmptyAndBadKind(t *testing.T) {
	data, err := Marshal(nil)
	if err != nil || string(data) != "patterns: []\n" {
		t.Errorf("Marshal(nil) = %q, %v", data, err)
	}
	if _, err := Marshal([]Pattern{{Name: "x", Expr: "y"}}); err == nil || !strings.Contains(err.Error(), `marshal pattern "x"`) {
		t.Errorf("Marshal without kind: err = %v", err)
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.yml")
	if err := os.WriteFile(path, []byte(goodFile), 0o600); err != nil {
		t.Fatal(err)
	}
	ps, err := LoadFile(path)
	if err != nil || len(ps) != 2 || ps[0].Source != path {
		t.Errorf("LoadFile = %+v, %v", ps, err)
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.yml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile(missing) err = %v, want ErrNotExist", err)
	}
}

func TestCheck(t *testing.T) {
	if probs := Check(Pattern{Name: "ok", Kind: Regex, Expr: `timed out after \d+s`}); len(probs) != 0 {
		t.Errorf("Check(valid) = %v", probs)
	}
	probs := Check(Pattern{Name: "bad", Kind: Regex, Expr: `(`, Tags: []string{"Infra"}})
	if len(probs.Errors()) != 2 || !strings.HasPrefix(probs[0].Msg, "regex: bad regex") {
		t.Errorf("Check(bad) = %v", probs)
	}
}

func TestNormaliseTag(t *testing.T) {
	tests := map[string]string{"Flaky": "flaky", "Known Problem": "known-problem", "  infra ": "infra",
		"-x-": "x-", "!!!": "", "a/b c": "a-b-c", "CI.v2_x": "ci.v2_x"}
	for in, want := range tests {
		if got := NormaliseTag(in); got != want {
			t.Errorf("NormaliseTag(%q) = %q, want %q", in, got, want)
		}
	}
}
