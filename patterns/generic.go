package patterns

import (
	"regexp"
	"strings"
	"unicode"
)

// genericWords are words that appear in nearly every failed log without saying what failed:
// severity words, exit-status phrasing, tool names that only introduce a report, and the
// stack-trace preamble. A match made only of these (and numbers) says "something failed", which
// is no evidence for any particular cause, least of all for "flaky".
var genericWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		error errors err fatal failed failure failures fail fails failing
		exception exceptions panic warning warn critical severe
		exit exited exiting code codes status returned return non zero nonzero
		process completed complete finished with the a an of in at by and or is was
		command cmd script step job build run running task target all
		make gmake makefile npm yarn pnpm elifecycle errno
		traceback most recent call last
		##`) {
		genericWords[w] = true
	}
}

// genericLines are whole lines that only restate that something failed, beyond what
// IsBoilerplate covers: make's "recipe for target" epilogue, an exception name with no message
// ("AssertionError:", "java.lang.RuntimeException"), and pointers back to the real error.
var genericLines = []*regexp.Regexp{
	regexp.MustCompile(`^(?:\S*[Mm]akefile(?::\d+)?: )?recipe for target '[^']*' failed$`),
	regexp.MustCompile(`^(?:[\w$]+\.)*\w*(?:Error|Exception|Failure)!?:?$`),
	// npm's and rake's pointers back to the real error.
	regexp.MustCompile(`^npm (?:ERR!|error) Test failed\.\s+See above for more details\.$`),
	regexp.MustCompile(`^\(?See full trace by running task with --trace\)?$`),
}

// IsGeneric reports whether a match covering text[start:end] is too generic to decide a verdict
// by itself: the line is boilerplate (IsBoilerplate), or the matched span, or failing that the
// whole line, holds nothing but generic words ("error", "FAILED", "exit code", "Traceback (most
// recent call last):" …), numbers and punctuation. A span out of range is judged by the line.
//
// A pattern that matches only such words matches almost every failed log, so a job it matched
// has told us nothing about why it failed; triage therefore never calls a job flaky on a generic
// match (the top complaint about classifiers of this kind is a real breakage waved through
// because "exit code 1" matched a flaky pattern).
func IsGeneric(text string, start, end int) bool {
	if IsBoilerplate(text) {
		return true
	}
	trimmed := strings.TrimSpace(text)
	for _, re := range genericLines {
		if re.MatchString(trimmed) {
			return true
		}
	}
	if start >= 0 && end > start && end <= len(text) && onlyGenericWords(text[start:end]) {
		return true
	}
	return onlyGenericWords(text)
}

// IsGenericMatch is IsGeneric for a stored match.
func IsGenericMatch(m Match) bool { return IsGeneric(m.Text, m.Start, m.End) }

// onlyGenericWords reports whether s has no word outside genericWords other than numbers.
func onlyGenericWords(s string) bool {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '#'
	})
	for _, w := range words {
		w = strings.Trim(strings.ToLower(w), "#")
		if w == "" || genericWords[w] || isNumber(w) {
			continue
		}
		return false
	}
	return true
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
