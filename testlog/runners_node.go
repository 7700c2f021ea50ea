package testlog

import (
	"regexp"
	"strings"
)

// jest: "FAIL path/to/x.test.ts" sets the file, "● Suite › test" names each failure (again in
// the final "Summary of all failing tests"), "Tests: 2 failed, 10 passed" is the count. A suite
// that failed to run is not a test and is not counted by jest either.
var jest = &spec{
	runner: "jest",
	suite:  &rule{hint: "FAIL ", re: re(`^\s*FAIL\s+(?P<file>\S+\.[cm]?[jt]sx?)\b`)},
	fails: []rule{
		{hint: "● ", re: re(`^\s*● (?P<name>.*\S)$`)},
	},
	passes: []rule{
		{hint: "✓ ", re: re(`^\s+✓ (?P<name>.+?)(?: \(\d+ ?m?s\))?$`)},
	},
	headline:       re(`^\s*\S`),
	headlineWithin: 4,
	summary:        &rule{hint: "Tests:", re: re(`^Tests:\s+(?:\d+ \w+, )*\d+ total`)},
	counts:         []*regexp.Regexp{re(`(?P<n>\d+) failed`)},
	normalise: func(name, file string) (string, string) {
		if name == "Test suite failed to run" || strings.HasPrefix(name, "Console") {
			return "", file
		}
		return name, file
	},
}

// vitest: "FAIL  path > suite > test" in the failed-tests list (and "×" progress lines), the
// error line below it as headline, "Tests  2 failed | 10 passed (12)" as count.
var vitest = &spec{
	runner: "vitest",
	fails: []rule{
		{hint: "FAIL |× |✗ ", re: re(`^\s*(?:FAIL|×|✗)\s+(?P<file>\S+\.[cm]?[jt]sx?) > (?P<name>.+?)(?: \d+m?s)?$`)},
	},
	headline:       re(`^\s*\w*(?:Error|Exception)\b`),
	headlineWithin: 6,
	summary:        &rule{hint: "Tests ", re: re(`^\s*Tests\s+(?:\d+ \w+ \| )*\d+ \w+ \(\d+\)`)},
	counts:         []*regexp.Regexp{re(`(?P<n>\d+) failed`)},
}

// mocha: "N failing" (the count, printed before the list), then "1) suite test:" entries whose
// title may wrap over several lines until one ends with ':'; the error below is the headline.
var mocha = &spec{
	runner:       "mocha",
	sectionStart: &rule{hint: " failing", re: re(`^\s*\d+ failing$`)},
	fails: []rule{
		{hint: ") ", re: re(`^\s*\d+\) (?P<name>\S.*)$`), inSection: true},
	},
	headline:       re(`^\s*\w*(?:Error|Exception)\b|^\s*expected\b`),
	headlineWithin: 8,
	summary:        &rule{hint: " failing", re: re(`^\s*\d+ failing$`)},
	counts:         []*regexp.Regexp{re(`(?P<n>\d+) failing`)},
	summaryFirst:   true,
	continueName:   true,
}
