package cause

import (
	"strings"
	"unicode"
)

// linkBonus lifts a failure detail that a summary line names ("FAILED test_x" points at where
// test_x failed): the detail explains, the summary only repeats.
const linkBonus = 3

// maxLinkTokens bounds the names taken from one summary line.
const maxLinkTokens = 4

// linkedDetails returns, for each candidate named by a later summary candidate, the bonus it
// earns. Names shared by many candidates (a common path prefix) link nothing. A line of a
// failed-tests list hands its rank to the detail it names (final scores a candidate without
// links): the list says which test failed, the detail says why, so the detail ranks linkBonus
// above the list line whatever lines stand between them.
//
// It also returns the list lines whose text no rule scores and that name no candidate: such a
// line was a candidate only to find its detail, so it is left out of the ranking.
func linkedDetails(cands []*candidate, final func(*candidate) float64) (map[*candidate]float64, map[*candidate]bool) {
	bonus := map[*candidate]float64{}
	orphans := map[*candidate]bool{}
	for _, s := range cands {
		if s.kind != kindSummary {
			continue
		}
		linked := false
		for _, tok := range idTokens(s.text) {
			var hits []*candidate
			for _, c := range cands {
				if c == s || c.kind == kindSummary || c.kind == kindNoise || c.num >= s.num {
					continue
				}
				if strings.Contains(c.text, tok) {
					hits = append(hits, c)
				}
			}
			if len(hits) == 0 || len(hits) > 3 {
				continue
			}
			linked = true
			for _, c := range hits {
				b := float64(linkBonus)
				if s.listed {
					b = max(b, final(s)-final(c)+linkBonus)
				}
				bonus[c] = max(bonus[c], b)
			}
		}
		if s.listed && s.rule < 0 && !linked {
			orphans[s] = true
		}
	}
	return bonus, orphans
}

// idTokens returns the words of a summary line that look like names of tests, files or targets:
// long enough and holding a separator or an inner capital (test_parse, pkg/foo.go, FooTest).
func idTokens(text string) []string {
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("()[]{}<>'\",;|", r)
	})
	var out []string
	for _, f := range fields {
		f = strings.TrimRight(f, ".:!")
		if len(f) < 6 || !looksLikeName(f) {
			continue
		}
		out = append(out, f)
		if len(out) == maxLinkTokens {
			break
		}
	}
	return out
}

func looksLikeName(f string) bool {
	letter, lower, sep, innerUpper := false, false, false, false
	for i, r := range f {
		switch {
		case unicode.IsLetter(r):
			letter = true
			if i > 0 && unicode.IsUpper(r) {
				innerUpper = true
			}
			if unicode.IsLower(r) {
				lower = true
			}
		case strings.ContainsRune("._/:#-", r):
			sep = true
		}
	}
	return letter && (sep || innerUpper && lower) && !strings.Contains(f, "://")
}
