package testlog

import (
	"regexp"
	"strings"
)

// rspec: the "Failures:" list ("  1) description", the error below as headline), the count
// "54 examples, 2 failures", then "rspec ./spec/x_spec.rb:12 # description" giving each file.
var rspec = &spec{
	runner:       "rspec",
	sectionStart: &rule{hint: "Failures:", re: re(`^Failures:$`)},
	sectionEnd:   re(`^Finished in `),
	fails: []rule{
		{hint: ") ", re: re(`^\s+\d+\) (?P<name>\S.*)$`), inSection: true},
		{hint: "rspec ", re: re(`^rspec (?P<file>\S+?)(?::\d+|\[[\d:,]+\]) # (?P<name>.+)$`), late: true},
	},
	headline:       re(`^\s+(?:Failure/Error:|Got \d+ failures)`),
	headlineWithin: 4,
	summary:        &rule{hint: "examples, ", re: re(`^\d+ examples?, \d+ failures?`)},
	counts:         []*regexp.Regexp{re(`examples?, (?P<n>\d+) failures?`)},
}

// minitest: "Failure:" or "  1) Error:" above "Class#test_name [file:line]:", the message below
// as headline, "24 runs, 113 assertions, 2 failures, 7 errors, 0 skips" as count.
var minitest = &spec{
	runner: "minitest",
	fails: []rule{
		{hint: "#", re: re(`^(?P<file>[A-Z][\w:]*)#(?P<name>\S+?)(?: \[[^\]]*\])?:$`), after: re(`^(?:\d+\) )?(?:Failure|Error):$`)},
	},
	headline:       re(`^\S`),
	headlineWithin: 2,
	summary:        &rule{hint: " runs, ", re: re(`^\d+ runs, \d+ assertions, \d+ failures, \d+ errors`)},
	counts:         []*regexp.Regexp{re(`(?P<n>\d+) failures`), re(`(?P<n>\d+) errors`)},
}

// PHPUnit: "There were 2 failures:" / "There was 1 error:" sections of "1) Class::method" entries
// (a data set named after " with data set"), "Tests: 83, Assertions: 100, Failures: 1." as count.
var phpunit = &spec{
	runner:       "phpunit",
	sectionStart: &rule{hint: "There w", re: re(`^There (?:was|were) \d+ (?:failures?|errors?):$`)},
	sectionEnd:   re(`^There (?:was|were) \d+ |^FAILURES!$|^ERRORS!$`),
	fails: []rule{
		{hint: "::", re: re(`^\d+\) (?P<file>[\w\\]+)::(?P<name>\S.*)$`), inSection: true},
	},
	headline:       re(`^\S`),
	headlineWithin: 2,
	summary:        &rule{hint: "Tests: ", re: re(`^Tests: \d+, Assertions: \d+, .*\.$`)},
	counts:         []*regexp.Regexp{re(`Failures: (?P<n>\d+)`), re(`Errors: (?P<n>\d+)`)},
	normalise: func(name, file string) (string, string) {
		// keep `method with data set "x"`, drop the printed arguments after it
		if i := strings.Index(name, " with data set "); i >= 0 {
			rest := name[i+len(" with data set "):]
			if j := strings.Index(rest, " ("); j >= 0 {
				name = name[:i+len(" with data set ")+j]
			}
		}
		return name, file
	},
}

// ctest: "12/40 Test #12: name ....***Failed  0.1 sec" (or Timeout, Exception), and the list
// after "The following tests FAILED:"; "90% tests passed, 4 tests failed out of 40" as count.
var ctest = &spec{
	runner: "ctest",
	fails: []rule{
		{hint: "Test #", re: re(`^\s*\d+/\d+ Test\s+#\d+: (?P<name>\S+) \.+\s*\*+(?:Failed|Timeout|Exception|Not Run)`)},
		{hint: " - ", re: re(`^\s+\d+ - (?P<name>\S+) \((?:Failed|Timeout|SEGFAULT|Subprocess aborted|Child aborted|Not Run|Exception)[^)]*\)$`), late: true},
	},
	passes: []rule{
		{hint: "Passed", re: re(`^\s*\d+/\d+ Test\s+#\d+: (?P<name>\S+) \.+\s+Passed`)},
	},
	summary: &rule{hint: "tests passed, ", re: re(`^\d+% tests passed, \d+ tests? failed out of \d+`)},
	counts:  []*regexp.Regexp{re(`passed, (?P<n>\d+) tests? failed`)},
}

// specs is every supported runner, in the order results are merged.
var specs = []*spec{pytest, unittest, gotest, surefire, gradle, jest, vitest, mocha, cargo, nextest, rspec, minitest, phpunit, dotnet, ctest}

func init() {
	for _, s := range specs {
		s.prepare()
	}
	buildHintScanner()
	prepareAll()
}
