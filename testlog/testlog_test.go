package testlog

import (
	"fmt"
	"strings"
	"testing"
)

func TestMismatchWithholdsTheRun(t *testing.T) {
	res := Extract(strings.Split(`FAILED tests/test_a.py::test_one - AssertionError
= 2 failed, 3 passed in 1.00s =`, "\n"))
	if len(res.Tests) != 0 || len(res.Mismatches) != 1 || res.Mismatches[0] != (Mismatch{Runner: "pytest", Line: 2, Summary: 2, Extracted: 1}) {
		t.Fatalf("got %+v", res)
	}
}

func TestUnsupportedOutputGivesNothing(t *testing.T) {
	res := Extract(strings.Split(`make: *** [Makefile:12: all] Error 2
FAIL: could not connect to database
1) do this
Tests: 3 passed`, "\n"))
	if len(res.Tests) != 0 || len(res.Mismatches) != 0 {
		t.Fatalf("got %+v", res)
	}
}

func TestGoSubtestsAreTheFailures(t *testing.T) {
	res := Extract(strings.Split(`=== RUN   TestParse
--- FAIL: TestParse (0.00s)
    --- FAIL: TestParse/empty (0.00s)
        parse_test.go:12: want error
    --- PASS: TestParse/ok (0.00s)
--- FAIL: TestFlaky (0.00s)
    flaky_test.go:9: timeout
--- PASS: TestFlaky (0.01s)
FAIL
FAIL	example.com/p	0.012s`, "\n"))
	want := []Test{
		{Runner: "go", Name: "TestParse/empty", File: "example.com/p", Line: 4, Text: "parse_test.go:12: want error"},
		{Runner: "go", Name: "TestFlaky", File: "example.com/p", Line: 7, Text: "flaky_test.go:9: timeout", PassedInLog: true},
	}
	if fmt.Sprint(res.Tests) != fmt.Sprint(want) {
		t.Fatalf("got  %+v\nwant %+v", res.Tests, want)
	}
}

func TestBoundedWhateverTheLog(t *testing.T) {
	e := New()
	for i := 0; i < 3*MaxTests; i++ {
		e.AddText(i+1, fmt.Sprintf("--- FAIL: Test%d (0.00s) %s", i, strings.Repeat("x", 2*maxText)))
	}
	res := e.Result()
	if len(res.Tests) != MaxTests || !res.Truncated {
		t.Fatalf("%d tests (truncated %v), want %d", len(res.Tests), res.Truncated, MaxTests)
	}
	if len(res.Tests[0].Text) > maxText+len("…") {
		t.Fatalf("headline kept %d bytes", len(res.Tests[0].Text))
	}
}

func TestPrefixedLinesAreRead(t *testing.T) {
	res := Extract([]string{
		"build\ttest\t2021-12-01T13:01:04.3807878Z LogDifferTest > testGithubParsing() FAILED",
		"2021-12-01T13:01:04.3807878Z     java.lang.IllegalArgumentException at LogDifferTest.java:61",
		"2021-12-01T13:01:04.3807878Z 10 tests completed, 1 failed",
	})
	if len(res.Tests) != 1 || res.Tests[0].Name != "testGithubParsing()" || res.Tests[0].Line != 2 || res.Counted != 1 {
		t.Fatalf("got %+v", res)
	}
}

// A minitest failure is named by the line under "Failure:" (its after expression reads the
// previous non-blank line), also when blank lines come between; a line in between that is not a
// failure heading breaks the pair, whether or not it could start one.
func TestMinitestNameNeedsTheHeadingAbove(t *testing.T) {
	res := Extract(strings.Split(`Failure:

CalcTest#test_add [test/calc_test.rb:5]:
Expected: 3
  2) Error:
CalcTest#test_div [test/calc_test.rb:9]:
ZeroDivisionError: divided by 0
Failure:
Error: not a heading
CalcTest#test_sub [test/calc_test.rb:7]:
Failure:
noise
CalcTest#test_mul [test/calc_test.rb:8]:
4 runs, 4 assertions, 1 failures, 1 errors, 0 skips`, "\n"))
	var names []string
	for _, tt := range res.Tests {
		names = append(names, tt.Name)
	}
	if got := strings.Join(names, ","); got != "test_add,test_div" || len(res.Mismatches) != 0 {
		t.Fatalf("got tests %q, mismatches %+v", got, res.Mismatches)
	}
}
