package triage

import "strings"

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
