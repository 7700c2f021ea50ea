package testlog

import (
	"regexp"
	"strings"
)

// Maven surefire/failsafe: "name(Class)  Time elapsed: 0.1 sec  <<< FAILURE!" (2.x) or
// "[ERROR] name  Time elapsed: 0.1 s  <<< ERROR!" after "Tests run: … - in Class" (3.x); the
// exception on the next lines as headline; a module's "Tests run: 9, Failures: 1, Errors: 0,
// Skipped: 0" (no "Time elapsed") as count.
var surefire = &spec{
	runner: "maven",
	suite:  &rule{hint: "Running | - in ", re: re(`^(?:\[\w+\] )?(?:Running (?P<file>[\w.$]+)|Tests run: .* - in (?P<file>[\w.$]+))$`)},
	fails: []rule{
		{hint: "<<< ", re: re(`^(?:\[\w+\] )?(?P<name>[^\s(]+)\((?P<file>[\w.$]+)\)\s+Time elapsed: .*<<< (?:FAILURE|ERROR)!$`)},
		{hint: "<<< ", re: re(`^(?:\[\w+\] )?(?P<name>[^\s(]+)(?:\(\))?\s+Time elapsed: .*<<< (?:FAILURE|ERROR)!$`)},
	},
	headline:       re(`^(?:\[\w+\] )?[\w.$]+(?:Error|Exception|Failure|Throwable)\b`),
	headlineWithin: 5,
	summary:        &rule{hint: "Tests run: ", re: re(`^(?:\[\w+\] )?Tests run: \d+, Failures: \d+, Errors: \d+, Skipped: \d+\s*$`)},
	counts:         []*regexp.Regexp{re(`Failures: (?P<n>\d+)`), re(`Errors: (?P<n>\d+)`)},
	normalise: func(name, file string) (string, string) {
		if file != "" && strings.HasPrefix(name, file+".") { // 3.x may print Class.method
			name = name[len(file)+1:]
		}
		return name, file
	},
}

// Gradle: "Class > method() FAILED" (nested classes add " > "), the indented exception below
// as headline, "12 tests completed, 2 failed" as count.
var gradle = &spec{
	runner: "gradle",
	fails: []rule{
		{hint: " FAILED", re: re(`^(?P<file>[\w.$]+) > (?P<name>.+) FAILED$`)},
	},
	passes: []rule{
		{hint: " PASSED", re: re(`^(?P<file>[\w.$]+) > (?P<name>.+) PASSED$`)},
	},
	headline:       re(`^\s+\S`),
	headlineWithin: 3,
	summary:        &rule{hint: "tests completed", re: re(`^\d+ tests? completed, \d+ failed`)},
	counts:         []*regexp.Regexp{re(`completed, (?P<n>\d+) failed`)},
	interleaved:    true,
}

// dotnet test (vstest): "  Failed Ns.Class.Method [12 ms]", "Error Message:" then the message,
// "Failed!  - Failed: 2, Passed: 10, …" as count.
var dotnet = &spec{
	runner: "dotnet",
	fails: []rule{
		{hint: "Failed ", re: re(`^\s*(?:X )?Failed (?P<name>\S.*?) \[[\d.<>]+ ?m?s\]$`)},
	},
	passes: []rule{
		{hint: "Passed ", re: re(`^\s*(?:√ )?Passed (?P<name>\S.*?) \[[\d.<>]+ ?m?s\]$`)},
	},
	headline:       re(`^\s+(?:Assert\.|Expected|[\w.]+(?:Exception|Error)\b)`),
	headlineWithin: 5,
	summary:        &rule{hint: "Failed!", re: re(`^\s*Failed!\s+-\s+Failed:\s+\d+,`)},
	counts:         []*regexp.Regexp{re(`Failed:\s+(?P<n>\d+),`)},
	normalise: func(name, file string) (string, string) {
		base := name
		if i := strings.IndexByte(base, '('); i >= 0 {
			base = base[:i]
		}
		if i := strings.LastIndexByte(base, '.'); i > 0 {
			return name[i+1:], name[:i]
		}
		return name, file
	},
}
