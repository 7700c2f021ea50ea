package cause

import (
	"bytes"
	"regexp"
)

// A failed-tests list is the section many harnesses print at the end of a run, naming the tests
// that failed under a heading: run-tests.php's "FAILED TEST SUMMARY", pytest's "short test
// summary info", jest's "Summary of all failing tests", rspec's "Failed examples:", CTest's "The
// following tests FAILED:", Surefire's "Failed tests:", xcodebuild's "Failing tests:". A person
// reads such a list to learn which test failed and then reads that test's detail, printed
// earlier. So a line of the list is a summary however alarming its test's title ("Bug #72294
// Segmentation fault in …"), and the detail it names ranks above it (see linkedDetails).

// failListHeading matches a list's heading; a heading qualified before ("EXPECTED FAILED TEST
// SUMMARY", run-tests.php's list of expected failures) does not match.
var failListHeading = regexp.MustCompile(`^[\s=*#_-]*(\[\w+\]\s*)?(FAILED TEST SUMMARY|[Ss]hort test summary info|Summary of all failing tests|Failed examples:|The following tests FAILED:|Failed tests:|Failing tests:|Tests in error:)`)

// failListHints holds literals of which every heading holds one, few and short because they are
// looked for on every line: the regular expression runs only then.
var failListHints = [][]byte{[]byte("ail"), []byte("AIL"), []byte("ummary"), []byte("in error")}

// listEntryScore is the weight of a line in a failed-tests list, that of the summary rules
// (go-fail-pkg, maven-goal): enough to be a candidate, so that the detail it names is found.
const listEntryScore = 4

// maxListEntries bounds a list: a heading followed by unrelated output without a blank line
// ends there.
const maxListEntries = 30

// failList follows the failed-tests list a log is in.
type failList struct {
	in      bool
	entries int
}

// isFailListHeading reports whether text opens a failed-tests list, and whether the heading line
// itself names a test after it (Surefire's "Failed tests:   testX(pkg.Class): …").
func isFailListHeading(text []byte) (heading, named bool) {
	if len(text) > 200 || !hasAny(text, failListHints) {
		return false, false
	}
	loc := failListHeading.FindIndex(text)
	if loc == nil {
		return false, false
	}
	rest := bytes.Trim(text[loc[1]:], " \t=*#_-:")
	return true, len(rest) > 0
}

func hasAny(text []byte, lits [][]byte) bool {
	for _, l := range lits {
		if bytes.Contains(text, l) {
			return true
		}
	}
	return false
}

// isSeparator reports whether text is a rule of dashes, equals signs or underscores.
func isSeparator(text []byte) bool {
	t := bytes.TrimSpace(text)
	return len(t) >= 3 && len(bytes.Trim(t, "=-_*")) == 0
}

// mark updates the list state with the scored line e (text cleaned) and, for a line of the list,
// makes it a summary.
func (l *failList) mark(e *entry, text []byte) {
	heading, named := isFailListHeading(text)
	switch {
	case heading:
		l.in, l.entries = true, 0
		if !named {
			return
		}
	case !l.in:
		return
	case len(bytes.TrimSpace(text)) == 0 || isSeparator(text):
		if l.entries > 0 {
			l.in = false
		}
		return
	case e.kind == kindStepEnd || l.entries >= maxListEntries:
		l.in = false
		return
	}
	l.entries++
	if e.kind == kindNoise {
		return // a skipped test's entry, an exit status: not a failure either way
	}
	e.kind, e.score, e.listed = kindSummary, listEntryScore, true
}
