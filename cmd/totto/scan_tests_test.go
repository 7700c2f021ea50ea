package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestScanJSONListsFailedTests runs `totto scan --format json` on a pytest log and on a log of
// no supported runner: the first names its failing tests, the second an empty list (never null).
func TestScanJSONListsFailedTests(t *testing.T) {
	log := "tests/test_a.py::test_ok PASSED\n" +
		"FAILED tests/test_a.py::test_sum - assert 3 == 4\n" +
		"= 1 failed, 1 passed in 0.10s =\n"
	code, out, errs := runPatternsCmd(t, log, "scan", "--format", "json", "-")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	var res struct {
		FailedTests []map[string]any `json:"failed_tests"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"runner": "pytest", "name": "test_sum", "file": "tests/test_a.py", "line": 2.0, "text": "FAILED tests/test_a.py::test_sum - assert 3 == 4"}
	if len(res.FailedTests) != 1 || len(res.FailedTests[0]) != len(want) {
		t.Fatalf("failed_tests = %v", res.FailedTests)
	}
	for k, v := range want {
		if res.FailedTests[0][k] != v {
			t.Errorf("%s = %v, want %v", k, res.FailedTests[0][k], v)
		}
	}
	_, out, _ = runPatternsCmd(t, "make: *** [all] Error 2\n", "scan", "--format", "json", "-")
	if !strings.Contains(out, `"failed_tests":[]`) {
		t.Errorf("no runner output: %s", out)
	}
}

// TestScanBulkLooksForFailedTestsOnlyWhenAsked: --likely-cause=false scans matches only, its
// failed_tests null (not looked for, which an empty list would not say), unless --failed-tests
// asks for them.
func TestScanBulkLooksForFailedTestsOnlyWhenAsked(t *testing.T) {
	log := "FAILED tests/test_a.py::test_sum - assert 3 == 4\n= 1 failed in 0.10s =\n"
	_, out, errs := runPatternsCmd(t, log, "scan", "--format", "json", "--likely-cause=false", "-")
	if !strings.Contains(out, `"failed_tests":null`) || strings.Contains(out, `"likely_cause"`) {
		t.Errorf("bulk scan: %s (stderr %s)", out, errs)
	}
	_, out, errs = runPatternsCmd(t, log, "scan", "--format", "json", "--likely-cause=false", "--failed-tests", "-")
	if !strings.Contains(out, `"name":"test_sum"`) || strings.Contains(out, `"likely_cause"`) {
		t.Errorf("bulk scan with --failed-tests: %s (stderr %s)", out, errs)
	}
	_, out, errs = runPatternsCmd(t, log, "scan", "--format", "json", "--failed-tests=false", "-")
	if !strings.Contains(out, `"failed_tests":null`) || !strings.Contains(out, `"likely_cause"`) {
		t.Errorf("default scan with --failed-tests=false: %s (stderr %s)", out, errs)
	}
}
