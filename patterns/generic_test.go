package patterns

import (
	"strings"
	"testing"
)

func TestIsGeneric(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		span  string // the matched part; "" means the whole line
		wantG bool
	}{
		{"actions epilogue", "##[error]Process completed with exit code 1.", "", true},
		{"actions epilogue span", "##[error]Process completed with exit code 2.", "exit code 2", true},
		{"make", "make: *** [Makefile:12: all] Error 2", "", true},
		{"make span", "make[1]: *** [build] Error 1", "Error 1", true},
		{"npm code", "npm ERR! code ELIFECYCLE", "", true},
		{"npm errno", "npm ERR! errno 1", "", true},
		{"bare error", "error", "", true},
		{"bare Error:", "Error:", "", true},
		{"FAILED", "FAILED", "", true},
		{"FAILED with stars", "*** FAILED ***", "", true},
		{"traceback alone", "Traceback (most recent call last):", "", true},
		{"exit status", "exit status 1", "", true},
		{"command failed", "Command failed with exit code 1", "", true},
		{"error word in a specific line", "error: cannot find symbol Foo", "error", true},
		{"specific line matched whole", "error: cannot find symbol Foo", "", false},
		{"connection reset", "read tcp 10.0.0.1:443: connection reset by peer", "connection reset by peer", false},
		{"hash sum mismatch", "E: Failed to fetch http://x Hash Sum mismatch", "Hash Sum mismatch", false},
		{"timeout is specific", "Error: The operation was canceled.", "", false},
		{"test name", "FAILED tests/test_x.py::test_y", "", false},
		{"empty span falls back to line", "Killed", "", false},
		{"numbers only", "1 2 3", "", true},
		{"make recipe epilogue", "Makefile:2736: recipe for target 'test' failed", "", true},
		{"bare exception name", "java.lang.AssertionError:", "", true},
		{"bare python exception", "AssertionError:", "", true},
		{"exception with a message", "AssertionError: expected 3, got 4", "", false},
		{"npm test epilogue", "npm ERR! Test failed.  See above for more details.", "", true},
		{"rake epilogue", "(See full trace by running task with --trace)", "", true},
		{"curl 404", "curl: (22) The requested URL returned error: 404 Not Found", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start, end := 0, 0
			if tc.span != "" {
				start = strings.Index(tc.line, tc.span)
				if start < 0 {
					t.Fatalf("span %q not in %q", tc.span, tc.line)
				}
				end = start + len(tc.span)
			}
			if got := IsGeneric(tc.line, start, end); got != tc.wantG {
				t.Errorf("IsGeneric(%q, %q) = %v, want %v", tc.line, tc.span, got, tc.wantG)
			}
		})
	}
}

func TestIsGenericSpanOutOfRange(t *testing.T) {
	// A stored span beyond a truncated line must not panic; the line decides.
	if IsGeneric("error", 3, 99) != true {
		t.Error("out-of-range span on a generic line: want generic")
	}
	if IsGeneric("disk quota exceeded", -1, 99) != false {
		t.Error("out-of-range span on a specific line: want not generic")
	}
}
