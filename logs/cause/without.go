package cause

import (
	"github.com/totto-ci/totto/internal/keywords"
)

// This file holds what a measurement needs to score a repository with the rule table it would
// have without that repository's evidence (bench/likelycause's leave-one-repository-out): the
// rules' names, the rule a line meets, and a scorer that skips named rules. No surface sets
// Options.WithoutRules, so none of it changes what the App, the web UI or `totto scan` show.

// RuleNames returns the names of the rule table's rules, in the order they are tried.
func RuleNames() []string {
	out := make([]string, len(rules))
	for i := range rules {
		out[i] = rules[i].name
	}
	return out
}

// RuleOf returns the name of the rule that scores a raw log line once it is cleaned as the
// Finder cleans it ("" when no rule matches).
func RuleOf(line []byte) string {
	text, _ := cleanLine(line)
	_, _, name := scoreText(text)
	return name
}

// scorerWithout returns a line scorer that behaves as if the named rules were not in the table:
// a line they would have matched falls through to the next rule that matches it. The table's
// scorer answers first; only when it names a switched-off rule are the later rules tried one by
// one (scoreRuleReference's definition), as the rules before it did not match.
func scorerWithout(names []string) func(text []byte, memo *keywords.Memo) (float64, kind, int) {
	var off keywords.Set
	for _, n := range names {
		if i := ruleIndex(n); i >= 0 {
			off.Add(i)
		}
	}
	return func(text []byte, memo *keywords.Memo) (float64, kind, int) {
		w, k, i := scoreLine(text, memo)
		if i < 0 || !off.Has(i) {
			return w, k, i
		}
		if len(text) > maxScoredBytes {
			text = text[:maxScoredBytes]
		}
		present := setOf(text)
		for j := i + 1; j < len(rules); j++ {
			ru := &rules[j]
			if off.Has(j) || !ru.mayMatch(text, present) {
				continue
			}
			if ru.re.Match(text) {
				return ru.weight, ru.kind, j
			}
		}
		return 0, kindPoint, -1
	}
}
