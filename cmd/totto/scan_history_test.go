package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --passing-log judges the likely cause against a green run of the job, as the App does with the
// store's fingerprint: the line only the failing run printed becomes the cause line.
func TestScanPassingLog(t *testing.T) {
	dir := t.TempDir()
	lines := []string{"Run make check", "ERROR: optional plugin foo not installed (ignored)",
		"error: could not read ~/.config/tool.toml, using defaults"}
	for i := range 20 {
		lines = append(lines, fmt.Sprintf("checking module m%02d ... ok (%d ms)", i, 10+i))
	}
	pass := filepath.Join(dir, "pass.log")
	fail := filepath.Join(dir, "fail.log")
	write := func(path string, ls []string) {
		if err := os.WriteFile(path, []byte(strings.Join(ls, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(pass, lines)
	write(fail, append(append([]string{}, lines...), "checksum of build/out.bin differs from the recorded one", "Error: Process completed with exit code 2."))

	causeLine := func(args ...string) int {
		t.Helper()
		code, out, errs := runPatternsCmd(t, "", append([]string{"scan", "--format", "json"}, args...)...)
		if code != exitFindings {
			t.Fatalf("exit %d, stderr %s", code, errs)
		}
		var res struct {
			LikelyCause struct {
				CauseLine int `json:"cause_line"`
			} `json:"likely_cause"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		return res.LikelyCause.CauseLine
	}
	if got := causeLine(fail); got == 24 {
		t.Fatalf("without a passing log the cause line is already 24; the test shows nothing")
	}
	if got := causeLine("--passing-log", pass, fail); got != 24 {
		t.Fatalf("with the passing log: cause line %d, want 24", got)
	}
	code, _, errs := runPatternsCmd(t, "", "scan", "--passing-log", filepath.Join(dir, "missing.log"), fail)
	if code != exitError || !strings.Contains(errs, "opening passing log") {
		t.Fatalf("missing passing log: exit %d, stderr %q", code, errs)
	}
}
