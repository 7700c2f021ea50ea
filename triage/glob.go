package triage

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/totto-ci/totto/patterns"
)

// CheckJobGlob says why a job glob someone wrote (an annotation, a command's JOB) may not be
// stored: invalid UTF-8, control characters, or bidirectional controls, which would make the glob
// display as another name than the one it matches. nil when it is fine.
func CheckJobGlob(glob string) error {
	if !utf8.ValidString(glob) {
		return fmt.Errorf("job glob %+q is not valid UTF-8", glob)
	}
	if r, ok := patterns.HiddenRune(glob); ok {
		return fmt.Errorf("job glob %+q holds the invisible or text-reordering character %U", glob, r)
	}
	return nil
}

// MatchJobGlob reports whether a job name matches a job-name glob, case-insensitively. It is the
// one glob rule for job names wherever a user writes them (annotations, never-flaky and ignored
// jobs, retriage commands), so a glob means the same everywhere. '*' matches any run of characters
// (including '/', which job names often contain) and '?' one character; everything else is
// literal, so brackets and parentheses in job names need no escaping.
func MatchJobGlob(glob, name string) bool {
	g := []rune(strings.ToLower(glob))
	n := []rune(strings.ToLower(name))
	// Iterative wildcard matching with one backtrack point: linear in practice, no recursion.
	gi, ni, star, mark := 0, 0, -1, 0
	for ni < len(n) {
		switch {
		case gi < len(g) && (g[gi] == '?' || g[gi] == n[ni]):
			gi++
			ni++
		case gi < len(g) && g[gi] == '*':
			star, mark = gi, ni
			gi++
		case star >= 0:
			gi = star + 1
			mark++
			ni = mark
		default:
			return false
		}
	}
	for gi < len(g) && g[gi] == '*' {
		gi++
	}
	return gi == len(g)
}
