package pipeline

import (
	"strings"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// anyJobMatches reports whether a failed job's name matches one of the globs, with the glob rules
// annotations use ('*' any run of characters, '?' one, case-insensitive).
func anyJobMatches(jobs []store.Job, globs []string) bool {
	for _, j := range jobs {
		if !triage.Conclusion(j.Conclusion).Failed() {
			continue
		}
		for _, g := range globs {
			if jobGlobMatch(strings.ToLower(g), strings.ToLower(j.Name)) {
				return true
			}
		}
	}
	return false
}

// jobGlobMatch matches name against glob with one backtracking point for '*'.
func jobGlobMatch(glob, name string) bool {
	g, n := []rune(glob), []rune(name)
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
