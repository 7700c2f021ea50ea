package cause

import "bytes"

// gates holds, for rules whose literals are common in ordinary output (": ", ")", "E "), a cheap
// test of the line's shape that their regular expression implies: a line failing it cannot match,
// so the expression is not run. Each gate must be a necessary condition of its rule's expression
// (checked against the expressions by TestGatesAreNecessary and FuzzScoreRule); a gate never
// changes a score, it only spares work.
var gates = map[string]func(text []byte) bool{
	"travis-exited":   func(t []byte) bool { return firstIs(t, 'T', '"') },
	"xtrace-exit":     func(t []byte) bool { return firstIs(t, '+') },
	"source-line":     func(t []byte) bool { return startsSpace(t) },
	"xtrace":          func(t []byte) bool { return firstIs(t, '+') },
	"object-dump":     func(t []byte) bool { return startsSpace(t) && lastIs(t, ',', '{', '[') },
	"make-stars":      func(t []byte) bool { return firstIs(t, 'g', 'm') },
	"pytest-totals":   func(t []byte) bool { return firstIs(t, '=') },
	"exit-status":     func(t []byte) bool { return firstIs(trimSpaceLeft(t), 'e', 'E') },
	"post-step":       func(t []byte) bool { return firstIs(t, 'P', 'C', 's', 'c', 'u', 'E') },
	"cc-error":        func(t []byte) bool { return bytes.Contains(t, []byte("error:")) },
	"msvc-error":      func(t []byte) bool { return bytes.Contains(t, []byte("): ")) },
	"ts-dotnet-error": func(t []byte) bool { return bytes.Contains(t, []byte("error ")) },
	"javac":           func(t []byte) bool { return bytes.Contains(t, []byte(": error:")) },
	"pytest-failed":   func(t []byte) bool { return firstIs(t, 'F', 'E') },
	"go-panic":        func(t []byte) bool { return bytes.HasPrefix(trimSpaceLeft(t), []byte("panic: ")) },
	"pytest-e":        func(t []byte) bool { return firstIs(t, 'E') },
	"pytest-header":   func(t []byte) bool { return bytes.HasPrefix(t, []byte("___")) },
	"jest-fail-file":  func(t []byte) bool { return bytes.HasPrefix(trimSpaceLeft(t), []byte("FAIL")) },
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
	"php-fatal": func(t []byte) bool { return bytes.Contains(t, []byte(" error:")) },
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
	"error-prefix":   func(t []byte) bool { return firstIs(trimSpaceLeft(t), '[', 'E', 'e') },
}

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
	return len(t) > 0 && bytes.IndexByte(cs, t[0]) >= 0
}

func lastIs(t []byte, cs ...byte) bool {
	return len(t) > 0 && bytes.IndexByte(cs, t[len(t)-1]) >= 0
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

func init() {
	for name, g := range gates {
		i := ruleIndex(name)
		if i < 0 {
			panic("cause: gate for unknown rule " + name)
		}
		rules[i].gate = g
	}
	keywords = newKeywordScanner(rules)
	for i := range rules {
		if len(rules[i].need) == 0 {
			everywhere.add(i)
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
