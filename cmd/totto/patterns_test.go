package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
)

// runPatternsCmd runs the CLI in-process with buffers for stdin, stdout and stderr.
func runPatternsCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = runCLI(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// patternsCorpusPath locates material in the shared corpus, skipping the test when it is absent.
func patternsCorpusPath(t *testing.T, rel ...string) string {
	t.Helper()
	return testcorpus.Path(t, rel...)
}

func TestPatternsDispatch(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"patterns"}, exitUsage, "", "no subcommand given"},
		{[]string{"patterns", "--help"}, exitOK, "  validate   check pattern files", ""},
		{[]string{"patterns", "frobnicate"}, exitUsage, "", `unknown subcommand "frobnicate"`},
		{[]string{"patterns", "validate", "--help"}, exitOK, "usage: totto patterns validate [--strict] FILE...", ""},
		{[]string{"patterns", "import", "-h"}, exitOK, "-from kind", ""},
		{[]string{"patterns", "validate", "--bogus"}, exitUsage, "", "flag provided but not defined: -bogus"},
	}
	for _, tc := range tests {
		code, out, errs := runPatternsCmd(t, "", tc.args...)
		if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errs, tc.stderr) {
			t.Errorf("%q: code %d\nstdout:\n%s\nstderr:\n%s\nwant code %d, stdout containing %q, stderr containing %q",
				tc.args, code, out, errs, tc.code, tc.stdout, tc.stderr)
		}
	}
}

// TestPatternSubcommandRegistration checks that a subcommand registered from another file's init
// (any order) is dispatched and listed.
func TestPatternSubcommandRegistration(t *testing.T) {
	var got []string
	registerPatternSubcommand(&command{name: "zz-test", summary: "a test subcommand",
		run: func(_ context.Context, _ *cliEnv, args []string) error { got = args; return nil }})
	defer delete(patternSubcommands, "zz-test")
	if code, _, errs := runPatternsCmd(t, "", "patterns", "zz-test", "a", "b"); code != exitOK || strings.Join(got, ",") != "a,b" {
		t.Errorf("code %d, args %q, stderr %s", code, got, errs)
	}
	if _, out, _ := runPatternsCmd(t, "", "patterns", "help"); !strings.Contains(out, "zz-test    a test subcommand") {
		t.Errorf("help does not list the new subcommand:\n%s", out)
	}
}
