package cause

import (
	"bytes"

	"github.com/totto-ci/totto/internal/keywords"
)

// gates holds, for rules whose literals are common in ordinary output (": ", ")", "E "), a cheap
// test of the line's shape that their regular expression implies: a line failing it cannot match,
// so the expression is not run. Each gate must be a necessary condition of its rule's expression
// (checked against the expressions by TestScoreRuleMatchesReference and FuzzScoreRule); a gate never
// changes a score, it only spares work.
var gates = map[string]func(text []byte) bool{
	"phpt-diff": func(t []byte) bool {
		return len(t) > 4 && firstIsDigit(t) && firstIsDigit(t[1:]) && firstIsDigit(t[2:]) && oneOf(t[3], []byte("+-")) && t[4] == ' '
	},
	"cmake-probe":   func(t []byte) bool { return bytes.HasPrefix(t, []byte("-- ")) },
	"travis-exited": func(t []byte) bool { return firstIs(t, 'T', '"') },
	"xtrace-exit":   func(t []byte) bool { return firstIs(t, '+') },
	"source-line":   func(t []byte) bool { return startsSpace(t) },
	"object-dump":   func(t []byte) bool { return startsSpace(t) && lastIs(t, ',', '{', '[') },
	"make-stars":    func(t []byte) bool { return firstIs(t, 'g', 'm') },
	"pytest-totals": func(t []byte) bool { return firstIs(t, '=') },
	"exit-status":   func(t []byte) bool { return firstIs(trimSpaceLeft(t), 'e', 'E') },
	"post-step":     func(t []byte) bool { return firstIs(t, 'P', 'C', 's', 'c', 'u', 'E') },
	"cc-error":      func(t []byte) bool { return len(t) > 0 && !isSpaceRE(t[0]) && ccErrorShape(t) },
	"msvc-error":    func(t []byte) bool { return containsAny(t, "): error ", "): fatal error ") },
	"javac":         func(t []byte) bool { return bytes.Contains(t, []byte(": error:")) },
	"pytest-failed": func(t []byte) bool {
		return bytes.HasPrefix(t, []byte("FAILED ")) || bytes.HasPrefix(t, []byte("ERROR "))
	},
	// `^\S+\.go:\d+:\d+: `: the first ".go:" comes before any white space.
	"go-build": func(t []byte) bool {
		i := bytes.Index(t, []byte(".go:"))
		return i > 0 && !bytes.ContainsAny(t[:i], " \t\n\f\r")
	},
	"go-panic":       func(t []byte) bool { return bytes.HasPrefix(trimSpaceLeft(t), []byte("panic: ")) },
	"pytest-e":       func(t []byte) bool { return firstIs(t, 'E') },
	"pytest-header":  func(t []byte) bool { return bytes.HasPrefix(t, []byte("___")) },
	"jest-fail-file": func(t []byte) bool { return bytes.HasPrefix(trimSpaceLeft(t), []byte("FAIL")) },
	"minitest": func(t []byte) bool {
		return firstIs(trimSpaceLeft(t), 'F', 'E', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')
	},
	"elixir-test":      func(t []byte) bool { return startsSpace(t) && firstIsDigit(trimSpaceLeft(t)) },
	"numbered-failure": func(t []byte) bool { return firstIsDigit(trimSpaceLeft(t)) },
	"mocha-numbered":   func(t []byte) bool { return startsSpace(t) && firstIsDigit(trimSpaceLeft(t)) },
	"gradle-test":      func(t []byte) bool { return bytes.HasSuffix(t, []byte("FAILED")) },
	"rspec-expected": func(t []byte) bool {
		t = trimSpaceLeft(t)
		return bytes.HasPrefix(t, []byte("expected")) || bytes.HasPrefix(t, []byte("Expected"))
	},
	// `^\S+\.\w+: ?\d+`: the first field (up to white space) holds a '.' after its first byte
	// and a ':' after that. Its literal (":") is on most lines, so this spares the expression.
	"lint-code": func(t []byte) bool {
		head := t
		if i := bytes.IndexAny(t, " \t\n\f\r"); i >= 0 {
			head = t[:i]
		}
		lc := bytes.LastIndexByte(head, ':')
		return lc > 1 && bytes.IndexByte(head[1:lc], '.') >= 0
	},
	"verdict-first":   func(t []byte) bool { return firstIs(trimSpaceLeft(t), 'F', '[') },
	"expected-actual": func(t []byte) bool { return firstIs(trimSpaceLeft(t), 'E', 'A', 'R', 'B') },
	"php-fatal":       func(t []byte) bool { return containsAny(t, "Fatal error:", "Parse error:") },
	// Every alternative holds one of these; (?i:… failed) ones hold " failed" in any case.
	"assert": func(t []byte) bool {
		return containsAny(t, "AssertionError", "AssertionFailedError", "ComparisonFailure", "Assert.", "Failed asserting") ||
			containsFoldASCII(t, " failed")
	},
	"phpt-fail": func(t []byte) bool { return bytes.HasPrefix(t, []byte("FAIL ")) },
	"dubious": func(t []byte) bool {
		return bytes.HasPrefix(t, []byte("Failed ")) || bytes.Contains(t, []byte("Dubious, test returned"))
	},
	"traceback":      func(t []byte) bool { return bytes.HasPrefix(trimSpaceLeft(t), []byte("Traceback")) },
	"py-exception":   func(t []byte) bool { return firstIsWordStart(trimSpaceLeft(t)) },
	"java-exception": func(t []byte) bool { return firstIs(trimSpaceLeft(t), 'C') || firstIsLower(trimSpaceLeft(t)) },
	"go-fail-pkg":    func(t []byte) bool { return bytes.HasPrefix(t, []byte("FAIL")) },
	"task-failed":    func(t []byte) bool { return firstIs(t, '>', 'F') },
	"status-at-end":  endsWithStatus,
	"error-prefix": func(t []byte) bool {
		t = bytes.TrimPrefix(trimSpaceLeft(t), []byte("["))
		return bytes.HasPrefix(t, []byte("ERR")) || bytes.HasPrefix(t, []byte("Error")) || bytes.HasPrefix(t, []byte("error"))
	},
}

// shapeGated lists rules whose gate looks only at the start or end of the line and whose literals
// are short and common (": ", ")", "E ", "exit"). Their gate is tried before their literals are
// looked for, and their literals are left out of keywords, which would otherwise report on most
// lines.
var shapeGated = []string{
	"object-dump", "phpt-diff", "cmake-probe", "numbered-failure", "mocha-numbered", "elixir-test", "pytest-e", "xtrace-exit",
	"lint-code",
}

var (
	shaped      keywords.Set // the rules of shapeGated
	shapedRules []int        // their indexes, in order
)

// isSpaceRE reports whether c is in the regular expressions' \s class ([\t\n\f\r ]).
func isSpaceRE(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// trimSpaceLeft removes what a leading \s* of a regular expression would consume.
func trimSpaceLeft(t []byte) []byte {
	for len(t) > 0 && isSpaceRE(t[0]) {
		t = t[1:]
	}
	return t
}

func startsSpace(t []byte) bool { return len(t) > 0 && isSpaceRE(t[0]) }

func firstIs(t []byte, cs ...byte) bool {
	return len(t) > 0 && oneOf(t[0], cs)
}

func lastIs(t []byte, cs ...byte) bool {
	return len(t) > 0 && oneOf(t[len(t)-1], cs)
}

func oneOf(c byte, cs []byte) bool {
	for _, x := range cs {
		if c == x {
			return true
		}
	}
	return false
}

func firstIsDigit(t []byte) bool { return len(t) > 0 && '0' <= t[0] && t[0] <= '9' }

func firstIsLower(t []byte) bool { return len(t) > 0 && 'a' <= t[0] && t[0] <= 'z' }

// firstIsWordStart is [A-Za-z_].
func firstIsWordStart(t []byte) bool {
	if len(t) == 0 {
		return false
	}
	c := t[0] | 0x20
	return 'a' <= c && c <= 'z' || t[0] == '_'
}

// endsWithStatus is the tail of status-at-end: (ERROR|FAILED|FAIL|FAILURE)!?\s*$.
func endsWithStatus(t []byte) bool {
	for len(t) > 0 && isSpaceRE(t[len(t)-1]) {
		t = t[:len(t)-1]
	}
	t = bytes.TrimSuffix(t, []byte("!"))
	for _, w := range [...]string{"ERROR", "FAIL", "FAILED", "FAILURE"} {
		if bytes.HasSuffix(t, []byte(w)) {
			return true
		}
	}
	return false
}

// ccErrorShape is the part of cc-error around "error:": `:\d+:\s+(fatal )?error:`.
func ccErrorShape(t []byte) bool {
	for off := 0; ; {
		i := bytes.Index(t[off:], []byte("error:"))
		if i < 0 {
			return false
		}
		p := off + i
		if colonDigitBefore(t[:p]) || bytes.HasSuffix(t[:p], []byte("fatal ")) && colonDigitBefore(t[:p-len("fatal ")]) {
			return true
		}
		off = p + 1
	}
}

// colonDigitBefore reports whether t ends with `\d:\s+`.
func colonDigitBefore(t []byte) bool {
	n := len(t)
	for n > 0 && isSpaceRE(t[n-1]) {
		n--
	}
	return n < len(t) && n >= 2 && t[n-1] == ':' && '0' <= t[n-2] && t[n-2] <= '9'
}

// containsFoldASCII reports whether lit (ASCII letters and spaces without Unicode case partners
// other than their ASCII ones) occurs in t in any case.
func containsFoldASCII(t []byte, lit string) bool {
	for i := 0; i+len(lit) <= len(t); i++ {
		if asciiFoldEqual(t[i:i+len(lit)], lit) {
			return true
		}
	}
	return false
}

func asciiFoldEqual(b []byte, s string) bool {
	for i := range len(s) {
		if b[i]|0x20 != s[i]|0x20 {
			return false
		}
	}
	return true
}

func init() {
	if len(rules) > keywords.MaxMembers {
		panic("cause: more rules than a keywords.Set holds")
	}
	for name, m := range exacts {
		i := ruleIndex(name)
		if i < 0 {
			panic("cause: exact matcher for unknown rule " + name)
		}
		rules[i].exact = m
	}
	for name, g := range gates {
		i := ruleIndex(name)
		if i < 0 {
			panic("cause: gate for unknown rule " + name)
		}
		rules[i].gate = g
	}
	for _, name := range shapeGated {
		i := ruleIndex(name)
		if i < 0 || rules[i].gate == nil {
			panic("cause: shape gate for unknown or ungated rule " + name)
		}
		shaped.Add(i)
		shapedRules = append(shapedRules, i)
	}
	need := make([][]string, len(rules))
	for i := range rules {
		if !shaped.Has(i) {
			for _, n := range rules[i].need {
				need[i] = append(need[i], string(n))
			}
		}
	}
	ruleKeywords = keywords.Register(need)
	for i := range rules {
		if len(rules[i].need) == 0 && !shaped.Has(i) {
			everywhere.Add(i)
		}
	}
}

// ruleIndex returns the index of the named rule, -1 when there is none.
func ruleIndex(name string) int {
	for i := range rules {
		if rules[i].name == name {
			return i
		}
	}
	return -1
}
