package patterns

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AppliesToJob reports whether the pattern's job scope admits a job name: an empty scope admits
// every job, otherwise one glob must match the whole name, case-sensitively. Scanners call it
// before scanning so that, e.g., a lint-only pattern never explains a test failure.
func (p *Pattern) AppliesToJob(job string) bool { return scopeAdmits(p.Jobs, job) }

// AppliesToStep is AppliesToJob for the CI step a log line belongs to (logs.Line.Step).
func (p *Pattern) AppliesToStep(step string) bool { return scopeAdmits(p.Steps, step) }

func scopeAdmits(globs []string, name string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if globMatch(g, name) {
			return true
		}
	}
	return false
}

// checkGlob returns why g is not a valid scope glob, or "". The syntax is path.Match's (`*`, `?`,
// `[a-z]`, `[^…]`, `\` escapes); `**` is refused because it suggests path semantics that scopes
// do not have: a single `*` already matches any run of characters, '/' included.
func checkGlob(g string) string {
	switch {
	case g == "":
		return "empty glob matches only an empty name; leave the list empty to mean every name"
	case strings.Contains(g, "**"):
		return "glob " + quote(g) + ": `**` is not supported; a single `*` already matches any characters, '/' included"
	case !utf8.ValidString(g):
		return "glob " + quote(strings.ToValidUTF8(g, "\uFFFD")) + " is not valid UTF-8"
	}
	if r, ok := HiddenRune(g); ok {
		return fmt.Sprintf("glob %+q holds the invisible or text-reordering character %U", g, r)
	}
	if _, err := path.Match(g, ""); err != nil {
		return "bad glob " + quote(g) + ": " + err.Error() + " (path.Match syntax: *, ?, [a-z], [^a-z], \\ escapes)"
	}
	return ""
}

// HiddenRune finds the first character of s that is invisible or reorders the text around it:
// control characters, and the Unicode bidirectional controls (U+061C, U+200E–U+200F,
// U+202A–U+202E, U+2066–U+2069) that make a name display as something it is not ("Trojan
// Source"). Names and globs people write must not hold them.
func HiddenRune(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) || isBidiControl(r) {
			return r, true
		}
	}
	return 0, false
}

func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

func quote(s string) string { return "\"" + s + "\"" }

// globMatch matches name against a glob of path.Match syntax, except that `*` and `?` also match
// '/': job and step names are not paths ("CI / build", "ci/circleci: test"). Malformed globs match
// nothing; validation rejects them before they get here.
func globMatch(glob, name string) bool {
	gi, ni := 0, 0
	starG, starN := -1, 0
	for gi < len(glob) || ni < len(name) {
		if gi < len(glob) {
			switch c := glob[gi]; c {
			case '*':
				starG, starN = gi, ni
				gi++
				continue
			case '?':
				if ni < len(name) {
					_, w := utf8.DecodeRuneInString(name[ni:])
					gi++
					ni += w
					continue
				}
			case '[':
				if ni < len(name) {
					r, w := utf8.DecodeRuneInString(name[ni:])
					ok, width := matchClass(glob[gi:], r)
					if width == 0 {
						return false
					}
					if ok {
						gi += width
						ni += w
						continue
					}
				}
			default:
				lit := gi
				if c == '\\' {
					lit++
				}
				if lit < len(glob) && ni < len(name) && glob[lit] == name[ni] {
					gi = lit + 1
					ni++
					continue
				}
			}
		}
		// Mismatch: let the last `*` absorb one more character of the name, if there is one.
		if starG < 0 || starN >= len(name) {
			return false
		}
		_, w := utf8.DecodeRuneInString(name[starN:])
		starN += w
		gi, ni = starG+1, starN
	}
	return true
}

// matchClass matches r against the character class at the start of class ("[…]") and returns
// the class's width in bytes, 0 if it is malformed.
func matchClass(class string, r rune) (matched bool, width int) {
	i := 1
	negate := false
	if i < len(class) && class[i] == '^' {
		negate = true
		i++
	}
	first := true
	for {
		if i >= len(class) {
			return false, 0
		}
		if class[i] == ']' && !first {
			return matched != negate, i + 1
		}
		first = false
		lo, w := classRune(class[i:])
		if w == 0 {
			return false, 0
		}
		i += w
		hi := lo
		if i+1 < len(class) && class[i] == '-' && class[i+1] != ']' {
			hi, w = classRune(class[i+1:])
			if w == 0 {
				return false, 0
			}
			i += 1 + w
		}
		if lo <= r && r <= hi {
			matched = true
		}
	}
}

// classRune reads one possibly escaped rune of a character class.
func classRune(s string) (rune, int) {
	esc := 0
	if s[0] == '\\' {
		esc = 1
		if len(s) < 2 {
			return 0, 0
		}
	}
	r, w := utf8.DecodeRuneInString(s[esc:])
	return r, esc + w
}
