package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writePatternFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPatternsValidate(t *testing.T) {
	good := writePatternFile(t, "good.yml", "patterns:\n  - name: apt\n    literal: Hash Sum mismatch\n    tags: [flaky]\n")
	warn := writePatternFile(t, "warn.yml", "patterns:\n  - name: short\n    literal: ab\n")
	bad := writePatternFile(t, "bad.yml", "patterns:\n  - name: r\n    regex: 'a('\n  - name: p\n    literal: fine text\n    priority: high\n")
	missing := filepath.Join(t.TempDir(), "missing.yml")
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"clean", "", []string{good}, exitOK, nil, "1 file(s), 1 pattern(s) loaded, 0 error(s), 0 warning(s)"},
		{"warnings only", "", []string{warn}, exitOK, []string{warn + `:3: warning: pattern "short": literal "ab" is shorter`}, "0 error(s), 1 warning(s)"},
		{"strict", "", []string{"--strict", warn}, exitFindings, []string{warn + ":3: warning:"}, "1 warning(s)"},
		{"errors", "", []string{good, bad}, exitFindings, []string{
			bad + `:3: pattern "r": bad regex: error parsing regexp: missing closing ): ` + "`a(`",
			bad + `:6: pattern "p": ` + "`priority` must be an integer, got \"high\""}, "2 file(s), 1 pattern(s) loaded, 2 error(s)"},
		{"unreadable", "", []string{missing}, exitFindings, []string{missing + ": cannot read:"}, "1 error(s)"},
		{"stdin", "patterns:\n  - name: x\n", []string{"-"}, exitFindings, []string{`<stdin>:2: pattern "x": needs exactly one of`}, "1 error(s)"},
		{"flag after file", "", []string{good, "--strict"}, exitOK, nil, "0 error(s)"},
		{"no file", "", nil, exitUsage, nil, "no pattern file given"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runPatternsCmd(t, tc.stdin, append([]string{"patterns", "validate"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errs, tc.stderr) {
				t.Errorf("code %d, stderr:\n%s\nwant code %d, stderr containing %q", code, errs, tc.code, tc.stderr)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if out == "" {
				lines = nil
			}
			if len(lines) != len(tc.stdout) {
				t.Fatalf("stdout has %d lines, want %d:\n%s", len(lines), len(tc.stdout), out)
			}
			for i, want := range tc.stdout {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("stdout line %d = %q, want prefix %q", i+1, lines[i], want)
				}
			}
		})
	}
}
