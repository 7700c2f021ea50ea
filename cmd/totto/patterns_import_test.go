package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totto-ci/totto/patterns"
)

// TestPatternsImportRealCatalogues imports each real catalogue through the CLI and loads the
// output back as a pattern file: migration must lose nothing it does not report.
func TestPatternsImportRealCatalogues(t *testing.T) {
	tests := []struct {
		from  string
		rel   []string
		count int // 0: at least one
	}{
		{"pytorch", []string{"patterns", "pytorch", "ruleset.toml"}, 102},
		{"drci", []string{"patterns", "circleci-failure-tracker", "patterns-dump.json"}, 72},
		{"elastic-recheck", []string{"patterns", "elastic-recheck", "queries-current"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.from, func(t *testing.T) {
			path := patternsCorpusPath(t, tc.rel...)
			code, out, errs := runPatternsCmd(t, "", "patterns", "import", "--from", tc.from, path)
			if code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", code, errs)
			}
			if !strings.HasPrefix(out, "# Imported with `totto patterns import --from "+tc.from) {
				t.Errorf("no provenance header: %.100q", out)
			}
			ps, err := patterns.Parse("out.yml", []byte(out))
			if err != nil {
				t.Fatalf("import output does not load cleanly: %v", err)
			}
			if (tc.count > 0 && len(ps) != tc.count) || len(ps) == 0 {
				t.Errorf("output has %d patterns, want %d", len(ps), tc.count)
			}
			if !strings.Contains(errs, "imported ") {
				t.Errorf("stderr lacks the summary:\n%s", errs)
			}
			// The output file validates through the CLI too.
			f := filepath.Join(t.TempDir(), "out.yml")
			if err := os.WriteFile(f, []byte(out), 0o600); err != nil {
				t.Fatal(err)
			}
			if code, _, verrs := runPatternsCmd(t, "", "patterns", "validate", f); code != exitOK {
				t.Errorf("validate of import output: exit %d: %s", code, verrs)
			}
		})
	}
}

func TestPatternsImportNotesAndErrors(t *testing.T) {
	dir := t.TempDir()
	q := filepath.Join(dir, "1234567.yaml")
	if err := os.WriteFile(q, []byte("query: >\n  message:\"Connection to the server timed out\" AND message:\"failed\"\n  AND tags:\"console\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runPatternsCmd(t, "", "patterns", "import", q, "--from", "elastic-recheck")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{`name: 'bug 1234567: Connection to the server timed out'`, "literal: Connection to the server timed out",
		"https://bugs.launchpad.net/bugs/1234567"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{`note: skipped bug 1234567 phrase "failed": shorter than 10 characters`, "note: dropped clauses on fields other than message and build_name: tags (1)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--from", "jenkins", q}, exitUsage, `unknown --from "jenkins": want one of drci, elastic-recheck, jenkins-bfa, pytorch`},
		{[]string{q}, exitUsage, "want --from KIND and exactly one PATH"},
		{[]string{"--from", "pytorch", q, q}, exitUsage, "exactly one PATH"},
		{[]string{"--from", "pytorch", filepath.Join(dir, "none.toml")}, exitError, "none.toml: no such file"},
		{[]string{"--from", "elastic-recheck", t.TempDir()}, exitError, "no *.yaml query files under"},
	}
	for _, tc := range tests {
		code, out, errs := runPatternsCmd(t, "", append([]string{"patterns", "import"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.stderr) || out != "" {
			t.Errorf("%q: exit %d stdout %q stderr:\n%s\nwant exit %d, stderr containing %q", tc.args, code, out, errs, tc.code, tc.stderr)
		}
	}
}
