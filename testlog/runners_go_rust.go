package testlog

import "regexp"

// go test: "--- FAIL: TestX/sub (0.01s)", indented for subtests; the first "file_test.go:12:"
// line after it as headline; "FAIL<TAB>pkg<TAB>0.1s" names the package. go test prints no count.
var gotest = &spec{
	runner: "go",
	fails: []rule{
		{hint: "--- FAIL: ", re: re(`^\s*--- FAIL: (?P<name>\S+) \([\d.]+s\)`)},
	},
	passes: []rule{
		{hint: "--- PASS: ", re: re(`^\s*--- PASS: (?P<name>\S+) \(`)},
	},
	fileAfter:      &rule{hint: "FAIL", re: re(`^FAIL\s+(?P<file>[\w.\-/~]+)\s+(?:[\d.]+s|\[[^\]]+\])\s*$`)},
	headline:       re(`^\s+\S+\.go:\d+: `),
	headlineWithin: 20,
	leafOnly:       true,
}

// cargo test: "test path::name ... FAILED", the "thread 'path::name' panicked at" line as
// headline, "test result: FAILED. 3 passed; 1 failed;" as count.
var cargo = &spec{
	runner: "cargo",
	suite:  &rule{hint: "Running ", re: re(`^\s*Running (?:unittests |tests? )?(?P<file>\S+)`)},
	fails: []rule{
		{hint: "... FAILED", re: re(`^test (?P<name>\S+)(?: - should panic)? \.\.\. FAILED$`)},
	},
	passes: []rule{
		{hint: "... ok", re: re(`^test (?P<name>\S+) \.\.\. ok$`)},
	},
	namedHeadline: &rule{hint: "panicked", re: re(`^thread '(?P<name>[^']+)' panicked at`)},
	summary:       &rule{hint: "test result: ", re: re(`^test result: (?:FAILED|ok)\. \d+ passed; \d+ failed;`)},
	counts:        []*regexp.Regexp{re(`; (?P<n>\d+) failed;`)},
}

// cargo nextest: "FAIL [ 0.01s] crate::bin path::name" (printed again in the final list),
// "Summary [ 1.2s] 10 tests run: 9 passed, 1 failed" as count.
var nextest = &spec{
	runner: "nextest",
	fails: []rule{
		{hint: "FAIL [", re: re(`^\s*FAIL \[\s*[\d.]+m?s\] (?:\(\s*\d+/\d+\)\s+)?(?P<file>\S+) (?P<name>\S+)$`), late: true},
	},
	passes: []rule{
		{hint: "PASS [", re: re(`^\s*(?:TRY \d+ )?PASS \[\s*[\d.]+m?s\] (?:\(\s*\d+/\d+\)\s+)?(?P<file>\S+) (?P<name>\S+)$`)},
	},
	headline:       re(`panicked at`),
	headlineWithin: 60,
	summary:        &rule{hint: "Summary [", re: re(`^\s*Summary \[\s*[\d.]+m?s\] \d+ tests? run: `)},
	counts:         []*regexp.Regexp{re(`\b(?P<n>\d+) failed\b`)},
}
