package testlog

import (
	"regexp"
	"strings"
)

var re = regexp.MustCompile

// pytest: verbose progress ("path::test FAILED"), the short summary ("FAILED path::test - msg"),
// the FAILURES section's "____ Class.test ____" headers with their "E   " lines, and the final
// "= 2 failed, 10 passed in 3.1s =" count (failed plus errors).
var pytest = &spec{
	runner:       "pytest",
	sectionStart: &rule{hint: "FAILURES =|ERRORS =", re: re(`^=+ (?:FAILURES|ERRORS) =+$`)},
	sectionEnd:   re(`^=+ .* =+$`),
	fails: []rule{
		{hint: "::", re: re(`^(?:FAILED|ERROR) (?:\[[\d.]+m?s\] )?(?P<file>[^\s:]+)::(?P<name>\S+?)(?: - (?P<msg>.*))?$`)},
		{hint: "::", re: re(`^(?P<file>[^\s:]+\.py)::(?P<name>\S+) (?:FAILED|ERROR)\b`)},
		{hint: "_", re: re(`^_{3,} (?:ERROR at (?:setup|teardown) of )?(?P<name>\S+) _{3,}$`), inSection: true},
	},
	passes: []rule{
		{hint: " PASSED", re: re(`^(?P<file>[^\s:]+\.py)::(?P<name>\S+) PASSED\b`)},
	},
	headline:       re(`^E\s+\S`),
	headlineWithin: 400,
	summary:        &rule{hint: " in ", re: re(`^(?:=+ )?(?:\d+ (?:failed|passed|errors?|skipped|deselected|xfailed|xpassed|warnings?|rerun)(?:, )?)+ in [\d.]+ ?s(?:econds)?\b`)},
	counts:         []*regexp.Regexp{re(`\b(?P<n>\d+) failed\b`), re(`\b(?P<n>\d+) errors?\b`)},
	key:            func(n string) string { return strings.ReplaceAll(n, "::", ".") },
}

// unittest (and nose, Django): "FAIL: test_x (pkg.Class)" or "FAIL: pkg.mod.test_x", the
// traceback's last line as headline, "FAILED (failures=2, errors=1)" as count.
var unittest = &spec{
	runner: "unittest",
	fails: []rule{
		{hint: "FAIL: |ERROR: ", re: re(`^(?:FAIL|ERROR): (?P<name>[\w.]+)(?: \((?P<file>[\w.]+)\))?(?: \(.*\))?$`)},
	},
	headline:       re(`^[\w.]*(?:Error|Exception|Failure|Interrupt|Exit)\b`),
	headlineWithin: 200,
	summary:        &rule{hint: "FAILED (", re: re(`^FAILED \((?:(?:failures|errors|skipped|expected failures|unexpected successes)=\d+(?:, )?)+\)$`)},
	counts:         []*regexp.Regexp{re(`\bfailures=(?P<n>\d+)`), re(`\berrors=(?P<n>\d+)`)},
	requireSummary: true,
	normalise: func(name, file string) (string, string) {
		if file == "" { // nose prints one dotted path
			if i := strings.LastIndexByte(name, '.'); i > 0 {
				return name[i+1:], name[:i]
			}
		}
		return name, file
	},
}
